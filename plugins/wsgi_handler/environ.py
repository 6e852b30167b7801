"""The WSGI environment of a request, split into SCRIPT_NAME and PATH_INFO as mod_python 3.5
splits it, with ``wsgi.input`` and ``wsgi.errors`` streams of our own."""

from greenphase import match_location

BASE_URI = "mod_python.wsgi.base_uri"


class BadBaseURI(ValueError):
    """``mod_python.wsgi.base_uri`` ends with ``/`` (3.5 raised the same ValueError)."""


def base_uri(req, options):
    """The SCRIPT_NAME part of every URI this handler serves ('' for the whole site).

    The option wins; else the innermost ``<Location>`` for this URI that sets a
    Python*Handler: the one the handler was configured in. (3.5 took the innermost section
    of any kind, so a nested ``<Location>`` that only changed a PythonOption made it ''.)
    A ``<LocationMatch>`` has no literal path: it gives ''.
    """
    option = options.get(BASE_URI)
    if option:
        if option.endswith("/"):
            raise BadBaseURI("PythonOption %r (%r) must not end with '/' ('' means the whole "
                             "site)" % (BASE_URI, option))
        return option
    for section in reversed(req.server.locations):
        if any(_is_handler_directive(n) for n in section.values) and \
                match_location(section, req.uri):
            return "" if section.regex is not None else section.pattern.rstrip("/")
    return ""


def _is_handler_directive(name):
    return name.startswith("Python") and name.endswith("Handler")


def build_environ(req, base, multithread, multiprocess):
    """The environ dict, or None when ``req.uri`` does not start with ``base``.

    Like mod_python, ``req.path_info`` becomes the part after ``base`` before the CGI
    variables are computed, so SCRIPT_NAME + PATH_INFO is the request's URI."""
    uri = req.uri
    if base and not uri.startswith(base):
        return None
    req.path_info = uri[len(base):]
    req.add_cgi_vars()
    env = dict(req.subprocess_env.items())
    env["SCRIPT_NAME"] = base
    env["PATH_INFO"] = req.path_info     # always present ('' at the application's root)
    authorization = req.headers_in.getfirst("Authorization")
    if authorization is not None:
        env["HTTP_AUTHORIZATION"] = authorization
    https = env.get("HTTPS", "off").lower() not in ("", "off") or req.is_https()
    env.update({
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "https" if https else "http",
        "wsgi.input": InputStream(req),
        "wsgi.errors": ErrorStream(req),
        "wsgi.multithread": multithread,
        "wsgi.multiprocess": multiprocess,
        "wsgi.run_once": False,
    })
    return env


class InputStream:
    """``wsgi.input``: the request body (bytes), read as the application asks."""

    def __init__(self, req):
        self._req = req

    def read(self, size=-1):
        return self._req.read(-1 if size is None else size)

    def readline(self, size=-1):
        return self._req.readline(-1 if size is None else size)

    def readlines(self, hint=-1):
        return self._req.readlines(-1 if hint is None else hint)

    def __iter__(self):
        while True:
            line = self._req.readline(-1)
            if not line:
                return
            yield line


class ErrorStream:
    """``wsgi.errors``: each line goes to the error log, naming the request (mod_python gave
    the process's stderr, which Apache sends to its main error log)."""

    def __init__(self, req):
        self._req = req
        self._partial = ""

    def write(self, text):
        if isinstance(text, (bytes, bytearray)):
            text = bytes(text).decode("utf-8", "replace")
        lines = (self._partial + text).split("\n")
        self._partial = lines.pop()
        for line in lines:
            self._req.log_error(line)
        return len(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        if self._partial:
            partial, self._partial = self._partial, ""
            self._req.log_error(partial)
