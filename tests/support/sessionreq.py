"""The fake request (kernel.testing) with what a session also uses: options, cleanups run
when the test ends the request, the document root and the handler's directory."""

from types import SimpleNamespace

from kernel import Table
from kernel.testing import FakeRequest


class SessionRequest(FakeRequest):
    def __init__(self, options=None, cookie=None, uri="/app/page", directory=None,
                 docroot="/srv/www", https=False):
        super().__init__(uri=uri, headers={"Cookie": cookie} if cookie else None,
                         scheme="https" if https else "http",
                         hlist=SimpleNamespace(directory=directory) if directory else None)
        self._options = Table(options or {})
        self._docroot = docroot
        self.cleanups = []

    def get_options(self):
        return self._options

    def document_root(self):
        return self._docroot

    def register_cleanup(self, callback, data=None):
        self.cleanups.append((callback, data))

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
