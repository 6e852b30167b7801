"""The request object: what the kernel owns of mod_python's request API.

Plugins add attributes and methods through the ``request_methods`` hook; each site gets its
own subclass of :class:`Request` built once at start-up (``kernel.lifecycle.site``). The
response it writes to is ``kernel.http.response.Response`` (``req._resp``).
"""

from urllib.parse import quote

from email.utils import formatdate

from . import constants as C
from .cgienv import add_cgi_vars, add_common_vars
from .conditional import meets_conditions
from .tables import Table


class _LazyTable:
    """A table attribute made on first use: most requests never touch notes or the CGI env."""

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, req, owner=None):
        if req is None:
            return self
        table = req.__dict__[self.name] = Table()
        return table


class _FromHead:
    """An attribute read from the request's head on first use (the headers Table is built
    then); assigning it, as internal redirects and plugins do, simply replaces it."""

    def __init__(self, head_attribute):
        self.head_attribute = head_attribute

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, req, owner=None):
        if req is None:
            return self
        value = req.__dict__[self.name] = getattr(req._head, self.head_attribute)
        return value


class _MethodNumber:
    """``req.method_number`` of the method the request arrived with, on first use."""

    def __get__(self, req, owner=None):
        if req is None:
            return self
        value = req.__dict__["method_number"] = C.method_number(req._head.method)
        return value


class Request:
    """One HTTP request as mod_python handlers see it.

    The HTTP layer fills in the request line and headers; phases fill in the rest.
    """

    # Defaults as class attributes keep construction cheap (only what differs is set).
    filename = None
    canonical_filename = None
    path_info = ""
    finfo = None
    used_path_info = 2          # AP_REQ_DEFAULT_PATH_INFO
    user = None
    ap_auth_type = None
    authenticated = False       # check_user_id accepted req.user
    handler = None
    content_encoding = None
    content_languages = ()
    _no_cache = 0
    no_local_copy = 0
    status_line = None
    prev = None
    next = None
    main = None
    phase = None                # set by the handlers plugin while it dispatches
    current_hook = None         # kernel phase hook now running, and whose
    current_plugin = None
    mtime = 0
    proxyreq = 0
    _content_type = None
    _content_type_set = 0
    assbackwards = 0
    extension = None
    notes = _LazyTable()
    headers_in = _FromHead("headers")
    the_request = _FromHead("request_line")
    # Read from the head on first use, as they were when it arrived (most requests never ask).
    protocol = _FromHead("protocol")
    unparsed_uri = _FromHead("target")
    parsed_uri = _FromHead("parsed_uri")
    method_number = _MethodNumber()
    # Made on first use: a response with no header of its own never builds them (the response
    # head asks ``req.__dict__`` whether they exist).
    headers_out = _LazyTable()
    err_headers_out = _LazyTable()
    status = 200
    header_only = False         # True for HEAD
    _cleanups = ()              # register_cleanup makes it a list
    subprocess_env = _LazyTable()
    # The client's scheme: "https" over TLS, or when a trusted proxy says so (the remoteip
    # plugin's RemoteIPProtoHeader). is_https() and construct_url() follow it.
    scheme = "http"
    _useragent_addr = None      # set through useragent_addr (mod_remoteip); None: the peer
    _error_path = False         # the kernel's error path made this response (response_start)
    _plan = None                # the phase plan of the mapped configuration (pipeline.py)
    _all_phases = False         # use_all_phases() was called: no plan, every enabled hook

    def __init__(self, site, server, connection, response, head, body):
        self.site = site
        self.server = server
        self.connection = connection
        self._resp = response
        self._body = body
        self._head = head
        self.method = method = head.method
        self.proto_num = head.proto_num
        self.uri = head.path
        self.args = head.query
        self.hostname = head.hostname
        if method == "HEAD":
            self.header_only = True
        self.request_time = head.time
        self.dir_config = server.config
        # per-request state of plugins, keys "<plugin>.<what>" (hookspecs); made here, as the
        # status plugin (on by default) keeps its scoreboard entry in it on every request
        self.plugin_state = {}

    def use_all_phases(self):
        """From now on run every phase hook the site enables, not only those the phase plan
        of this request's configuration names (``phases_for_config`` in kernel.hookspecs):
        for code that makes work for a later phase at run time (``req.add_handler``)."""
        self._all_phases = True
        self._plan = None

    # -- response headers ----------------------------------------------------------------
    @property
    def content_type(self):
        return self._content_type

    @content_type.setter
    def content_type(self, value):
        self._content_type = value
        self._content_type_set = 1

    @property
    def content_type_set(self):
        """True once code assigned ``req.content_type`` (the core's type_checker does not
        count): the publisher then leaves it alone. (mod_python's ``_content_type_set``.)"""
        return bool(self._content_type_set)

    @property
    def sent_bodyct(self):
        return 1 if self._resp.headers_sent else 0

    @property
    def bytes_sent(self):
        return self._resp.bytes_sent

    @property
    def _bytes_queued(self):
        return self._resp.bytes_sent + self._resp.out_len

    @property
    def chunked(self):
        return 1 if self._resp.chunked else 0

    @property
    def clength(self):
        return self._resp.content_length or 0

    def set_content_length(self, length):
        self._resp.content_length = int(length)
        self.headers_out["Content-Length"] = str(int(length))

    def send_http_header(self):
        """Kept for old scripts: headers go out with the first flushed write."""

    # -- output --------------------------------------------------------------------------
    def write(self, data, flush=1):
        """Queue ``data`` (str is UTF-8 encoded) and, unless ``flush=0``, send it now.

        The first flush sends the status line and headers; later header changes are ignored.
        """
        if isinstance(data, str):
            # surrogateescape: a path with invalid UTF-8 (%ff) echoes back as its own bytes
            data = data.encode("utf-8", "surrogateescape")
        elif not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError("write() takes str or bytes, not %s" % type(data).__name__)
        self._resp.write(self, data, flush)

    def flush(self):
        self._resp.flush(self)

    def sendfile(self, path, offset=0, length=-1):
        """Send (part of) a file; returns the number of bytes sent."""
        try:
            f = open(path, "rb")
        except OSError as exc:
            raise IOError("Could not stat file for reading: %s" % exc) from None
        sent = 0
        with f:
            f.seek(offset)
            remaining = length if length >= 0 else None
            while remaining is None or remaining > 0:
                block = f.read(65536 if remaining is None else min(65536, remaining))
                if not block:
                    break
                self.write(block)     # flushed per block: a big file never sits in memory
                sent += len(block)
                if remaining is not None:
                    remaining -= len(block)
        return sent

    # -- input ---------------------------------------------------------------------------
    def read(self, n=-1):
        """Read the request body: ``n`` bytes, or everything left (``bytes``)."""
        return self._body.read(n)

    def readline(self, n=-1):
        return self._body.readline(n)

    def readlines(self, sizehint=-1):
        lines, total = [], 0
        while True:
            line = self._body.readline(-1)
            if not line:
                break
            lines.append(line)
            total += len(line)
            if 0 < sizehint <= total:
                break
        return lines

    def discard_request_body(self):
        self._body.discard()
        return C.OK

    @property
    def remaining(self):
        return self._body.remaining

    @property
    def read_length(self):
        return self._body.consumed

    @property
    def expecting_100(self):
        return 1 if self._body.expect_continue else 0

    # -- the rest of mod_python's request API ------------------------------------------------
    def document_root(self):
        return self.server.config["DocumentRoot"]

    def construct_url(self, path):
        host = self.hostname or self.server.server_hostname
        if ":" in host:
            host = "[%s]" % host        # an IPv6 address
        port = self.connection.local_addr[1]
        scheme = self.scheme
        hostport = host if port == (443 if scheme == "https" else 80) else "%s:%d" % (host, port)
        return "%s://%s%s" % (scheme, hostport, quote(path, safe="/%:@&=+$,;~!*'()?"))

    def log_error(self, message, level=C.APLOG_ERR):
        if message is not None:
            self.site.log.error(message, level=level, req=self)

    def register_cleanup(self, callback, data=None):
        if not callable(callback):
            raise ValueError("first argument must be a callable object")
        if not self._cleanups:
            self._cleanups = []
        self._cleanups.append((callback, data))

    def internal_redirect(self, uri, method=None):
        """Run a complete new request for ``uri`` now; its output goes to this client."""
        self.site.pipeline.internal_redirect(self, uri, method)

    def get_remote_host(self, type=1, str_is_ip=None):
        """Apache's ap_get_remote_host without DNS (HostnameLookups is never on here): no
        host name is known, so REMOTE_HOST (0) and REMOTE_DOUBLE_REV (3) answer None, and
        REMOTE_NAME (1, the default) and REMOTE_NOLOOKUP (2) the client's IP address. With
        ``str_is_ip``, a pair (answer, whether it is an IP address)."""
        if type not in (0, 1, 2, 3):
            raise ValueError("type must be REMOTE_HOST, REMOTE_NAME, REMOTE_NOLOOKUP or "
                             "REMOTE_DOUBLE_REV")
        host = None if type in (0, 3) else self.connection.remote_ip
        if str_is_ip is not None:
            return host, int(host is not None)
        return host

    # The client as the request sees it (Apache 2.4's r->useragent_ip): the connection's peer,
    # unless a plugin such as remoteip found the client behind a trusted proxy. The access
    # and error logs, REMOTE_ADDR and host-based access rules read these;
    # req.connection.remote_ip stays the peer.
    @property
    def useragent_ip(self):
        addr = self._useragent_addr
        return self.connection.remote_ip if addr is None else addr[0]

    @property
    def useragent_addr(self):
        addr = self._useragent_addr
        return self.connection.remote_addr if addr is None else addr

    @useragent_addr.setter
    def useragent_addr(self, addr):
        ip, port = addr
        self._useragent_addr = (str(ip), int(port))

    def is_https(self):
        return 1 if self.scheme == "https" else 0

    def ssl_var_lookup(self, name):
        return None

    # r->mtime: 0 until update_mtime (a float of seconds, kept to the microsecond as
    # Apache's apr_time_t); set_last_modified and set_etag read it.
    def update_mtime(self, mtime):
        mtime = round(float(mtime), 6)
        if mtime > self.mtime:
            self.mtime = mtime

    def set_last_modified(self):
        """Apache's ap_set_last_modified: never later than the request's own time."""
        if self.mtime:
            self.headers_out["Last-Modified"] = formatdate(
                int(min(self.mtime, self.request_time)), usegmt=True)

    def set_etag(self):
        """Apache's ap_make_etag with FileETag's default (MTime Size): size and mtime of the
        file, or the mtime alone for a response that is no file; weak (``W/``) while the
        mtime is within a second of the request, as the resource may still change."""
        st = self.finfo
        weak = "W/" if self.request_time - self.mtime <= 1 else ""
        if st is not None:
            self.headers_out["ETag"] = '%s"%x-%x"' % (weak, st.st_size, int(st.st_mtime * 1000000))
        else:
            self.headers_out["ETag"] = '%s"%x"' % (weak, int(round(self.mtime * 1000000)))

    @property
    def no_cache(self):
        return self._no_cache

    @no_cache.setter
    def no_cache(self, value):
        """Apache sends ``Expires`` with the request's date for a no_cache response (unless
        the handler set one); here it is set when the flag is."""
        self._no_cache = 1 if value else 0
        if value and "Expires" not in self.headers_out:
            self.headers_out["Expires"] = formatdate(int(self.request_time), usegmt=True)

    def allow_methods(self, methods, reset=0):
        if reset or not hasattr(self, "allowed_methods"):
            self.allowed_methods = ()
        self.allowed_methods = tuple(self.allowed_methods) + tuple(methods)

    def meets_conditions(self):
        """Evaluate If-None-Match / If-Modified-Since against ETag and mtime: OK or 304/412."""
        return meets_conditions(self)

    def add_common_vars(self):
        add_common_vars(self)

    def add_cgi_vars(self):
        add_cgi_vars(self)

    def __repr__(self):
        return "<Request %s %s>" % (self.method, self.unparsed_uri)
