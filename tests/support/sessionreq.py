"""A request as far as a session looks at one: options, cookies, cleanups, the error log."""

from kernel import Table


class SessionRequest:
    def __init__(self, options=None, cookie=None, uri="/app/page", directory=None,
                 docroot="/srv/www", https=False):
        self._options = Table(options or {})
        self.headers_in = Table({"Cookie": cookie} if cookie else {})
        self.headers_out = Table()
        self.uri = uri
        self.hlist = type("HList", (), {"directory": directory})() if directory else None
        self._docroot = docroot
        self._https = https
        self.cleanups = []
        self.logged = []

    def get_options(self):
        return self._options

    def document_root(self):
        return self._docroot

    def is_https(self):
        return 1 if self._https else 0

    def register_cleanup(self, callback, data=None):
        self.cleanups.append((callback, data))

    def log_error(self, message, level=3):
        self.logged.append((level, message))

    def end(self):
        """What the kernel does when the request is over: cleanups, last registered first."""
        for callback, data in reversed(self.cleanups):
            callback(data)
        self.cleanups = []

    def set_cookies(self):
        return self.headers_out.getlist("Set-Cookie")

    def session_cookie(self, name="pysid"):
        """``name=value`` of the session cookie this request set."""
        for line in self.set_cookies():
            if line.startswith(name + "="):
                return line.split(";", 1)[0]
        return None
