"""``req.server``: the main server or a virtual host, as requests see it."""

import fnmatch
import itertools

from ..config.directives import DirConfig
from ..config.server_directives import NO_ADMIN

_server_ids = itertools.count(1)


class Server:
    """``req.server``: the main server or a virtual host, with its server-scope values."""

    def __init__(self, site, block, base_values, defaults):
        self.id = next(_server_ids)
        self.site = site
        self.is_virtual = block.is_virtual
        self.addrs = block.addrs
        self.base_values = base_values
        self.config = DirConfig(base_values, defaults)
        self.server_hostname = self.config["ServerName"] or "localhost"
        if ":" in self.server_hostname:
            self.server_hostname = self.server_hostname.rsplit(":", 1)[0]
        self.names = [self.server_hostname.lower()]
        self.wild_names = [n.lower() for n in self.config["ServerAlias"] or ()]
        self.defn_name = block.file or site.config_file
        self.defn_line_number = block.line or 0
        self.directories = sorted(site.config.main.directories + block.directories
                                  if block.is_virtual else block.directories,
                                  key=lambda s: s.depth)
        main = site.config.main
        extra = block.is_virtual
        self.directory_matches = (main.directory_matches if extra else []) + block.directory_matches
        self.files = (main.files if extra else []) + block.files
        self.locations = (main.locations if extra else []) + block.locations
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
        self.path = self.config["ServerPath"]
        self.pathlen = len(self.path) if self.path else 0
        self.server_admin = self.config["ServerAdmin"] or NO_ADMIN

    def matches(self, hostname):
        host = hostname.lower()
        if host in self.names:
            return True
        return any(fnmatch.fnmatchcase(host, pattern) for pattern in self.wild_names)

    def register_cleanup(self, req, callback, data=None):
        """mod_python's ``req.server.register_cleanup(req, callable[, data])``: called once
        when the server process shuts down (with ``data`` when given)."""
        if not callable(callback):
            raise ValueError("first argument must be a callable object")
        self.site.register_cleanup(callback, data)

    def log_error(self, message, level=3):
        self.site.log.error(message, level=level)


def addrs_port(addrs):
    for _, port in addrs:
        if port:
            return port
    return 0
