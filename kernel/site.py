"""A site: one configuration file served with one set of plugins.

Built once at start-up: the plugin manager, the directives, the parsed configuration, the
server records, the request class with the plugins' extensions, and the logs.
"""

import fnmatch
import importlib
import itertools
import os
from importlib.metadata import entry_points

import pluggy

from . import core, hookspecs
from .config import Builder, canonical_dir
from .directives import DirConfig
from .dirwalk import Merger
from .errors import ConfigError
from .logs import ErrorLog
from .request import Request

_server_ids = itertools.count(1)
_current = None


def current():
    """The Site this process serves (or last built): for module-level APIs such as
    ``apache.main_server`` that have no request at hand."""
    return _current


class ServerRec:
    """``req.server``: the main server or a virtual host, with its server-scope values."""

    def __init__(self, site, definition, base_values, defaults):
        self.id = next(_server_ids)
        self.site = site
        self.is_virtual = definition.is_virtual
        self.addrs = definition.addrs
        self.base_values = base_values
        self.config = DirConfig(base_values, defaults)
        self.server_hostname = self.config["ServerName"] or "localhost"
        if ":" in self.server_hostname:
            self.server_hostname = self.server_hostname.rsplit(":", 1)[0]
        self.names = [self.server_hostname.lower()]
        self.wild_names = [n.lower() for n in self.config["ServerAlias"] or ()]
        self.defn_name = definition.file or site.config_file
        self.defn_line_number = definition.line or 0
        self.directories = sorted(site.config.main.directories + definition.directories
                                  if definition.is_virtual else definition.directories,
                                  key=lambda s: s.depth)
        main = site.config.main
        extra = definition.is_virtual
        self.directory_matches = (main.directory_matches if extra else []) + definition.directory_matches
        self.files = (main.files if extra else []) + definition.files
        self.locations = (main.locations if extra else []) + definition.locations
        self.timeout = self.config["Timeout"]
        self.keep_alive = self.config["KeepAlive"]
        self.keep_alive_timeout = self.config["KeepAliveTimeout"]
        self.keep_alive_max = self.config["MaxKeepAliveRequests"]
        self.limit_req_line = self.config["LimitRequestLine"]
        self.limit_req_fieldsize = self.config["LimitRequestFieldSize"]
        self.limit_req_fields = self.config["LimitRequestFields"]
        self.error_fname = self.config["ErrorLog"]
        self.loglevel = self.config["LogLevel"]
        self.port = addrs_port(self.addrs)
        self.path = None
        self.server_admin = None

    def matches(self, hostname):
        host = hostname.lower()
        if host in self.names:
            return True
        return any(fnmatch.fnmatchcase(host, pattern) for pattern in self.wild_names)

    def log_error(self, message, level=3):
        self.site.log.error(message, level=level)


def addrs_port(addrs):
    for _, port in addrs:
        if port:
            return port
    return 0


class Site:
    """Everything needed to serve one configuration."""

    def __init__(self, config_file, plugins=None, extra_plugins=(), defines=None):
        self.config_file = os.path.abspath(config_file)
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.pm.register(core, "core")
        self._load_plugins(plugins, extra_plugins)
        self.hook = self.pm.hook
        self.state = {}     # per-site data plugins compute in configure(), keyed "plugin.what"
        self.errors = []
        self.directives = self._collect_directives()
        modules = set(core.EMULATED_MODULES)
        for names in self.hook.apache_modules():
            modules.update(names or ())
        self.builder = Builder(self.directives, modules, defines)
        self.config = self.builder.build(self.config_file)
        self.server_root = self.config.server_root
        self.errors.extend(self.config.errors)
        self.warnings = list(self.config.warnings)
        self.merger = Merger(self)
        self._build_servers()
        self.log = ErrorLog(self.main_server)
        self.request_class = self._extend(Request, self.hook.request_methods(), "request")
        server_class = self._extend(ServerRec, self.hook.server_methods(), "server")
        for server in self.servers:
            server.__class__ = server_class
        for errors in self.hook.configure(site=self):
            self.errors.extend(errors or ())
        global _current
        _current = self

    # -- plugins -------------------------------------------------------------------------
    def _load_plugins(self, wanted, extra):
        """Entry points of the ``greenphase`` group (built-ins included), then extra modules."""
        found = set()
        for ep in entry_points(group=hookspecs.PROJECT):
            if ep.name in found or (wanted is not None and ep.name not in wanted):
                continue
            found.add(ep.name)
            try:
                plugin = ep.load()
            except Exception as exc:
                raise ConfigError("plugin %s (%s) failed to load: %s: %s"
                                  % (ep.name, ep.value, type(exc).__name__, exc)) from exc
            self.pm.register(plugin, ep.name)
        missing = set(wanted or ()) - found - {"core"}
        if missing:
            raise ConfigError("no such plugin: %s (plugins register in the 'greenphase' "
                              "entry-point group)" % ", ".join(sorted(missing)))
        for dotted in extra:
            self.pm.register(importlib.import_module(dotted), dotted)

    def plugin_names(self):
        return [name for name, _ in self.pm.list_name_plugin()]

    def _collect_directives(self):
        directives = {}
        for impl in self.pm.hook.register_directives.get_hookimpls():
            for directive in impl.function() or ():
                key = directive.name.lower()
                if key in {n.lower() for n in directives}:
                    self.errors.append(ConfigError("directive %s is declared twice (plugin %s)"
                                                   % (directive.name, impl.plugin_name)))
                    continue
                directives[directive.name] = directive
        return directives

    def _extend(self, base, mappings, what):
        namespace = {}
        for mapping in mappings:
            for name, value in (mapping or {}).items():
                if name in namespace or hasattr(base, name):
                    self.errors.append(ConfigError("two plugins (or a plugin and the kernel) both "
                                                   "define %s.%s" % (what, name)))
                    continue
                namespace[name] = value
        return type(base.__name__, (base,), namespace) if namespace else base

    # -- servers -------------------------------------------------------------------------
    def _build_servers(self):
        defaults = self.merger.defaults
        main_values = dict(self.config.main.values)
        main_values.setdefault("DocumentRoot", canonical_dir(self.server_root).rstrip("/") or "/")
        main_values.setdefault("ErrorLog", os.path.join(self.server_root, "logs", "error_log"))
        self.main_server = ServerRec(self, self.config.main, main_values, defaults)
        self.vhosts = []
        merges = self.merger.merges
        for definition in self.config.vhosts:
            values = dict(main_values)
            for name, value in definition.values.items():
                values[name] = merges[name](values[name], value) if name in values else value
            self.vhosts.append(ServerRec(self, definition, values, defaults))
        self.servers = [self.main_server] + self.vhosts
        self._vhosts_by_port = {}
        self.listen = self.main_server.config["Listen"] or [("0.0.0.0", 80)]

    def server_for(self, hostname, local_port):
        """Name-based virtual hosting: the first vhost on this port naming the host, else the
        first vhost on this port, else the main server."""
        candidates = self._vhosts_by_port.get(local_port)
        if candidates is None:
            candidates = self._vhosts_by_port[local_port] = [
                v for v in self.vhosts if any(port in (None, local_port) for _, port in v.addrs)]
        if not candidates:
            return self.main_server
        if hostname:
            for vhost in candidates:
                if vhost.matches(hostname):
                    return vhost
        return candidates[0]

    def parse_htaccess(self, path, directory, allowed):
        """Parse one .htaccess; a ConfigError (kept and raised per request) when it is broken."""
        before = len(self.config.errors)
        section = self.builder.build_htaccess(path, directory, allowed, self.config)
        if section is None:
            error = self.config.errors[before]
            del self.config.errors[before:]
            self.log.error("%s (.htaccess)" % error)
            return error
        return section
