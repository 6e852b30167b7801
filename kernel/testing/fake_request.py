"""One stand-in for the request object, for unit tests of plugin and handler logic.

It has the attributes a phase reads (method, uri, filename, headers_in, dir_config ...) and
records what it writes (``written``, ``logged``, ``redirects``). Given a ``site``, its
``dir_config`` is what the kernel's merger computes for ``filename`` and ``uri``. For the
real request object on the real connection code, use :class:`kernel.testing.Client`.
"""

import io
import time
from types import SimpleNamespace

from ..config.directives import DirConfig
from ..lifecycle.request import Request
from ..lifecycle.tables import Table


class FakeRequest:
    """``FakeRequest(method="GET", uri="/", args="", body=b"", headers=None, config=None,
    filename=None, path_info="", chunked=False, site=None, ip="127.0.0.1", user=None,
    **attributes)``; any other keyword becomes an attribute."""

    # Without a site: .py files are Python handlers' (AddHandler mod_python .py) and request
    # bodies are unlimited, what a handler's unit test usually wants; ``config`` overrides.
    DEFAULT_CONFIG = {"LimitRequestBody": 0, "AddHandler": {".py": "mod_python"}}

    # The kernel's own pure request methods: validators and conditional requests.
    update_mtime = Request.update_mtime
    set_last_modified = Request.set_last_modified
    set_etag = Request.set_etag
    meets_conditions = Request.meets_conditions
    mtime = 0
    prev = None
    main = None
    handler = None
    ap_auth_type = None
    authenticated = False
    clength = None              # set_content_length()
    discarded = False           # discard_request_body()

    def __init__(self, method="GET", uri="/", args="", body=b"", headers=None, config=None,
                 filename=None, path_info="", chunked=False, site=None, ip="127.0.0.1",
                 user=None, **attributes):
        self.method = method
        self.args = args
        self.uri = uri
        self.filename = filename
        self.finfo = None           # not stat'ed: code under test asks the file system itself
        self.path_info = path_info
        self.extension = None
        self.header_only = method == "HEAD"
        self.user = user
        self.site = site
        self.server = site.main_server if site is not None else None
        self.connection = SimpleNamespace(remote_ip=ip, remote_addr=(ip, 0))
        self.headers_in = Table(headers or {})
        if chunked:
            self.headers_in["Transfer-Encoding"] = "chunked"
        elif body and "Content-Length" not in self.headers_in:
            self.headers_in["Content-Length"] = str(len(body))
        self._body = io.BytesIO(body)
        if site is not None:
            merger = site.merger
            self.dir_config = (merger.directory_config(site.main_server, filename, uri)
                               if filename else merger.location_config(site.main_server, uri))
            if config:
                self.dir_config = DirConfig({**self.dir_config, **config}, {})
        else:
            self.dir_config = DirConfig({**self.DEFAULT_CONFIG, **(config or {})}, {})
        self.status = 200
        self.request_time = time.time()
        self.headers_out = Table()
        self.err_headers_out = Table()
        self.subprocess_env = Table()
        self.notes = Table()
        self.plugin_state = {}
        self._content_type = "text/x-python"
        self._content_type_set = 0
        self.sent_bodyct = 0
        self.allowed_methods = ()
        self.written = []          # (bytes, flush) per write
        self.logged = []           # (message, level) per log_error
        self.redirects = []        # (uri, method) per internal_redirect
        self.bytes_read = 0
        for name, value in attributes.items():
            setattr(self, name, value)

    scheme = "http"
    _useragent_addr = None      # as on the real request: set by a plugin (remoteip)
    all_phases = False          # use_all_phases() was called

    def use_all_phases(self):
        self.all_phases = True

    @property
    def useragent_ip(self):
        return self.useragent_addr[0]

    @property
    def useragent_addr(self):
        addr = self._useragent_addr
        return self.connection.remote_addr if addr is None else addr

    @useragent_addr.setter
    def useragent_addr(self, addr):
        self._useragent_addr = (str(addr[0]), int(addr[1]))

    def is_https(self):
        return 1 if self.scheme == "https" else 0

    @property
    def content_type(self):
        return self._content_type

    @content_type.setter
    def content_type(self, value):
        self._content_type = value
        self._content_type_set = 1

    @property
    def content_type_set(self):
        return bool(self._content_type_set)

    def read(self, n=-1):
        data = self._body.read(n)
        self.bytes_read += len(data)
        return data

    def write(self, data, flush=1):
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.written.append((bytes(data), flush))
        if flush:
            self.sent_bodyct = 1

    def flush(self):
        self.sent_bodyct = 1

    def allow_methods(self, methods, reset=0):
        if reset:
            self.allowed_methods = ()
        self.allowed_methods = tuple(self.allowed_methods) + tuple(methods)

    def set_content_length(self, length):
        self.clength = int(length)
        self.headers_out["Content-Length"] = str(int(length))

    def discard_request_body(self):
        self.discarded = True
        return 0

    def internal_redirect(self, uri, method=None):
        self.redirects.append((uri, method))

    def log_error(self, message, level=3):
        self.logged.append((message, level))

    @property
    def body(self):
        return b"".join(data for data, _ in self.written)

    @property
    def log_text(self):
        return "\n".join(message for message, _ in self.logged)
