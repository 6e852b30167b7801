"""A site: one configuration file served with one set of plugins.

Built once at start-up: the plugin manager, the directives, the parsed configuration, the
server records, the request class with the plugins' extensions, and the logs.
"""

import os
import traceback
from functools import cached_property

import pluggy

from .. import hookspecs
from ..hookspecs import PROJECT
from ..config.builder import Builder
from ..config.core_directives import CORE_DIRECTIVES
from ..config.process_directives import PROCESS_DIRECTIVES
from ..config.python_directives import PYTHON_DIRECTIVES
from ..config.server_directives import SERVER_DIRECTIVES
from ..config.errors import ConfigError
from ..config.merger import Merger
from . import plugin_checks, plugin_order, plugins as plugin_choice
from .log_directives import LOG_DIRECTIVES
from .logs import AccessLog, ErrorLog
from .trace import TRACE_DIRECTIVES, pipeline_for
from .plugins import CORE_PLUGIN, PLUGIN_DIRECTIVES
from .request import Request
from .server import Server

_current = None


def current():
    """The Site this process serves (or last built): for module-level APIs such as
    ``apache.main_server`` that have no request at hand."""
    return _current


class Site:
    """Everything needed to serve one configuration."""

    def __init__(self, config_file, plugins=None, extra_plugins=(), defines=None,
                 trace_hooks=False):
        self.config_file = os.path.abspath(config_file)
        self.trace_hooks = trace_hooks      # --trace-hooks: trace every request's phase calls
        self.pm = pluggy.PluginManager(PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.errors = []
        self._load_plugins(plugins, extra_plugins, defines)
        self.hook = self.pm.hook
        self.state = {}     # per-site data plugins compute in configure(), keyed "plugin.what"
        self.stopping = False           # set by the listener's graceful stop
        self.workers = 1                # processes serving this configuration (the deploy
                                        # worker sets it): mod_python's mpm_query answers from it
        self._shutdown_cleanups = []
        self.access_logs = {}           # server id -> AccessLog, once open_logs() ran
        self.directives = self._collect_directives()
        modules = set()
        for _, names in self._service("apache_modules"):
            modules.update(names or ())
        self.builder = Builder(self.directives, modules, defines,
                               left_out=self._left_out_directives())
        self.config = self.builder.build(self.config_file)
        self.server_root = self.config.server_root
        self.errors.extend(self.config.errors)
        self.warnings = list(self.config.warnings)
        self.merger = Merger(self)
        self._build_servers()
        self.log = ErrorLog(self.main_server)
        self.request_class = self._extend(
            Request, [m for _, m in self._service("request_methods")], "request")
        server_class = self._extend(
            Server, [m for _, m in self._service("server_methods")], "server")
        for server in self.servers:
            server.__class__ = server_class
        for name, errors in self._service("configure", site=self):
            try:
                self.errors.extend(errors or ())
            except TypeError:
                self.errors.append(ConfigError("plugin %s: configure must return ConfigErrors or "
                                               "None, not %r" % (name, errors)))
        global _current
        _current = self

    @cached_property
    def pipeline(self):
        """Each phase's implementations in call order, looked up on first use (after the
        plugins' ``configure``); the traced one only when a trace is asked for."""
        return pipeline_for(self, self.trace_hooks)

    def open_logs(self):
        """Open the error log and the access logs, before serving (``check`` opens none)."""
        self.log.open()
        opened = {}
        self.access_logs = {s.id: AccessLog(s, opened) for s in self.servers}

    # -- plugins -------------------------------------------------------------------------
    def _load_plugins(self, wanted, extra, defines):
        """Choose (see kernel.lifecycle.plugins), import, order and register the plugins, then
        check every hook implementation. Problems go to self.errors, one line each."""
        installed = plugin_choice.installed_plugins()
        if CORE_PLUGIN not in installed:
            raise ConfigError("the core plugin (entry point %r of the 'greenphase' group) is not "
                              "installed; reinstall greenphase (pip install -e .)" % CORE_PLUGIN)
        chosen, self.plugins_left_out, errors = plugin_choice.choose(
            self.config_file, wanted, extra, defines, installed)
        self.errors.extend(errors)
        loaded = []
        for choice in chosen:
            try:
                choice.plugin = plugin_choice.load(choice)
                choice.constraints = plugin_order.constraints_of(choice.plugin)
            except ConfigError as exc:
                self.errors.append(exc)
                continue
            except ValueError as exc:
                self.errors.append(ConfigError("plugin %s: %s" % (choice.name, exc)))
                continue
            self.errors.extend(plugin_choice.version_errors(choice))
            loaded.append(choice)
        by_name = {c.name: c for c in loaded}
        # The core takes part in the order (a plugin may say it runs before or after it) and
        # comes last where nothing says otherwise.
        order, edges, errors = plugin_order.linear_order(
            [c.name for c in loaded] + [CORE_PLUGIN], {c.name: c.constraints for c in loaded},
            set(installed))
        self.errors.extend(errors)
        plugins = dict((n, by_name[n].plugin) for n in order if n in by_name)
        plugins[CORE_PLUGIN] = installed[CORE_PLUGIN].entry_point.load()
        for name in [CORE_PLUGIN] + [n for n in order if n != CORE_PLUGIN]:
            problems = plugin_checks.register(self.pm, plugins[name], name)
            if problems:
                self.errors.extend(problems)
                by_name.pop(name, None)
        self.plugins_enabled = [by_name[n] for n in order if n in by_name]
        plugin_order.apply_order(self.pm, [n for n in order if n in by_name or n == CORE_PLUGIN])
        self.errors.extend(plugin_order.band_errors(self.pm, edges))

    def _service(self, hook, **kwargs):
        """(plugin, answer) of a service hook's implementations in call order; one that raises
        becomes a configuration error naming the plugin and the function's file:line."""
        answers = []
        for impl in reversed(getattr(self.pm.hook, hook).get_hookimpls()):
            try:
                # as pluggy calls it: only the arguments the implementation asks for
                answers.append((impl.plugin_name,
                                impl.function(*[kwargs[a] for a in impl.argnames])))
            except Exception as exc:
                file, line = plugin_checks.where(impl.function)
                self.errors.append(ConfigError("plugin %s: %s raised %s: %s" % (
                    impl.plugin_name, hook, type(exc).__name__, exc), file, line))
        return answers

    # -- shutdown ------------------------------------------------------------------------
    def register_cleanup(self, callback, data=None):
        """Call ``callback(data)`` (``callback()`` when ``data`` is None) when this process
        stops serving, after the ``server_stop`` hooks (mod_python's
        ``apache.register_cleanup``: child shutdown)."""
        if not callable(callback):
            raise ValueError("first argument must be a callable object")
        self._shutdown_cleanups.append((callback, data))

    def run_shutdown_cleanups(self):
        """The registered callbacks, last registered first; each one's exception is logged."""
        while self._shutdown_cleanups:
            callback, data = self._shutdown_cleanups.pop()
            try:
                callback() if data is None else callback(data)
            except Exception:
                self.log.error("cleanup %r raised at shutdown:\n%s"
                               % (callback, traceback.format_exc().rstrip()))

    def plugin_names(self):
        return [name for name, _ in self.pm.list_name_plugin()]

    def _collect_directives(self):
        """The kernel's own directives, then each plugin's (a name declared twice is an error)."""
        directives = {}
        declared = [("kernel", CORE_DIRECTIVES + LOG_DIRECTIVES + PROCESS_DIRECTIVES
                                 + PLUGIN_DIRECTIVES + TRACE_DIRECTIVES + PYTHON_DIRECTIVES
                                 + SERVER_DIRECTIVES)] + [
            (name, plugin_checks.directives_of(name, declared, self.errors))
            for name, declared in self._service("register_directives")]
        owner = {}                      # lower-case name -> who declared it first
        for plugin_name, declarations in declared:
            for directive in declarations:
                key = directive.name.lower()
                if key in owner:
                    first = owner[key]
                    self.errors.append(ConfigError(
                        "directive %s is declared by both %s and plugin %s"
                        % (directive.name, first if first == "kernel" else "plugin " + first,
                           plugin_name)))
                    continue
                owner[key] = plugin_name
                directives[directive.name] = directive
        return directives

    def _left_out_directives(self):
        """The directives of installed built-in plugins this site leaves out, so that using
        one is an error naming the plugin to enable (not "perhaps misspelled")."""
        names = {}
        for choice in self.plugins_left_out:
            inst = choice.installed
            if inst is None or not inst.builtin:
                continue
            try:
                declare = getattr(inst.entry_point.load(), "register_directives", None)
                for directive in (declare() or ()) if declare else ():
                    names.setdefault(directive.name.lower(), choice.name)
            except Exception:       # a broken plugin that is off must not stop the site
                continue
        for key in self.directives:
            names.pop(key.lower(), None)
        return names

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
        # Apache's default is a folder of its own, never ServerRoot (the config, the logs).
        main_values.setdefault("DocumentRoot", os.path.join(self.server_root, "htdocs"))
        main_values.setdefault("ErrorLog", os.path.join(self.server_root, "logs", "error_log"))
        self.main_server = Server(self, self.config.main, main_values, defaults)
        self.vhosts = []
        merges = self.merger.merges
        for block in self.config.vhosts:
            values = dict(main_values)
            for name, value in block.values.items():
                values[name] = merges[name](values[name], value) if name in values else value
            self.vhosts.append(Server(self, block, values, defaults))
        self.servers = [self.main_server] + self.vhosts
        self._vhosts_by_port = {}
        self.listen = self.main_server.config["Listen"] or []  # none: startup_checks refuses

    def server_for(self, hostname, local_port):
        """Name-based virtual hosting: the first vhost on this port naming the host, else the
        first vhost on this port, else the main server."""
        if not self.vhosts:
            return self.main_server
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

