"""Finding the application, calling it, and sending what it returns (PEP 3333)."""

from greenphase import loader
from greenphase import APLOG_NOTICE, APLOG_WARNING, DECLINED, OK

from .environ import base_uri, build_environ

APPLICATION = "mod_python.wsgi.application"


def handler(req):
    options = req.get_options()
    spec = options.get(APPLICATION)
    app = find_application(req, spec) if spec else None
    if app is None:
        req.log_error("WSGI handler: %s (%r) not found, declining." % (APPLICATION, spec),
                      APLOG_WARNING)
        return DECLINED
    base = base_uri(req, options)
    workers = req.site.workers
    env = build_environ(req, base, multithread=True, multiprocess=workers > 1)
    if env is None:
        req.log_error("WSGI handler: req.uri (%r) does not start with %s (%r), declining."
                      % (req.uri, "mod_python.wsgi.base_uri", base), APLOG_WARNING)
        return DECLINED
    response = StartResponse(req)
    result = app(env, response)
    try:
        # A list or tuple is all in memory: send it in one go (with Content-Length);
        # anything else may be a stream, so each piece goes out as it comes.
        flush = 0 if isinstance(result, (list, tuple)) else 1
        for piece in result:
            response.write(piece, flush)
        response.check_started()
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
        env["wsgi.errors"].flush()
    return OK


def find_application(req, spec):
    """The callable named by ``module[::callable]``, imported as a handler module is; None
    when the module has no such name (a module that fails to import raises)."""
    module_name, _, name = spec.partition("::")
    config = req.dir_config
    hlist = req.hlist
    dirs = [hlist.directory] if hlist is not None and hlist.directory else []
    if config["PythonPath"]:
        dirs += [d for d in loader.python_path(config["PythonPath"]) if d not in dirs]
    log = None
    if config["PythonDebug"]:
        log = lambda message: req.log_error(message, APLOG_NOTICE)  # noqa: E731
    module = loader.import_handler_module(module_name, tuple(dirs),
                                          autoreload=config["PythonAutoReload"], log=log,
                                          check_interval=config["PythonAutoReloadInterval"] or 0)
    return vars(module).get(name or "application")


class StartResponse:
    """The ``start_response`` callable of one request, and the ``write`` it returns."""

    def __init__(self, req):
        self.req = req
        self.started = False
        self.added = []             # (name, value) put in headers_out, for an exc_info retry

    def __call__(self, status, headers, exc_info=None):
        req = self.req
        if exc_info is not None:
            try:
                if req.sent_bodyct:
                    # PEP 3333: too late to change the response; the error goes up.
                    raise exc_info[1].with_traceback(exc_info[2])
            finally:
                exc_info = None     # no traceback cycle
            self._forget_headers()
        elif self.started:
            raise RuntimeError("start_response called a second time without exc_info")
        code = _status_code(status)
        if not isinstance(headers, list):
            raise TypeError("headers argument must be a list, not a %r" % type(headers).__name__)
        checked = [_header(item) for item in headers]
        for name, value in checked:
            lower = name.lower()
            if lower == "content-type":
                req.content_type = value
            elif lower == "content-length":
                req.set_content_length(value)
            else:
                req.headers_out.add(name, value)
                self.added.append((name, value))
        req.status = code
        req.status_line = status
        self.started = True
        return self.write

    def write(self, data, flush=1):
        self.check_started()
        if data:
            self.req.write(data, flush)

    def check_started(self):
        if not self.started:
            raise RuntimeError("the WSGI application sent its body (or returned) without "
                               "calling start_response")

    def _forget_headers(self):
        out = self.req.headers_out
        for name, value in self.added:
            kept = [v for v in out.getlist(name) if v != value]
            if name in out:
                del out[name]
            for v in kept:
                out.add(name, v)
        self.added = []


def _status_code(status):
    if not isinstance(status, str):
        raise TypeError("status must be a str such as '200 OK', not %r" % (status,))
    code = status.split(" ", 1)[0]
    if len(code) != 3 or not code.isdigit() or not 100 <= int(code) <= 599:
        raise ValueError("Invalid status line: %r" % status)
    return int(code)


def _header(item):
    if type(item) is not tuple or len(item) != 2:
        raise TypeError("each header must be a (name, value) tuple, not %r" % (item,))
    name, value = item
    name, value = (_text(name, "name"), _text(value, "value"))
    return name, value


def _text(value, what):
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if not isinstance(value, str):
        raise TypeError("header %ss must be strings, not %r" % (what, type(value).__name__))
    return value

