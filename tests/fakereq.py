"""A minimal stand-in for kernel.lifecycle.request.Request, for unit tests of pure request logic."""

import io

from kernel import Table


class FakeConfig(dict):
    def __missing__(self, key):
        return None


class FakeRequest:
    def __init__(self, method="GET", args="", body=b"", headers=None, config=None,
                 filename=None, path_info="", uri="/", chunked=False):
        self.method = method
        self.args = args
        self.uri = uri
        self.filename = filename
        self.finfo = None           # not stat'ed: the publisher asks the file system itself
        self.path_info = path_info
        self.extension = None
        self.header_only = method == "HEAD"
        self.headers_in = Table(headers or {})
        if chunked:
            self.headers_in["Transfer-Encoding"] = "chunked"
        elif body and "Content-Length" not in self.headers_in:
            self.headers_in["Content-Length"] = str(len(body))
        self._body = io.BytesIO(body)
        self.dir_config = FakeConfig({"LimitRequestBody": 0, "AddHandler": {".py": "mod_python"}})
        self.dir_config.update(config or {})
        self.status = 200
        self.headers_out = Table()
        self.err_headers_out = Table()
        self._content_type = "text/x-python"
        self._content_type_set = 0
        self.sent_bodyct = 0
        self.allowed_methods = ()
        self.written = []          # (bytes, flush) per write
        self.logged = []
        self.bytes_read = 0

    @property
    def content_type(self):
        return self._content_type

    @content_type.setter
    def content_type(self, value):
        self._content_type = value
        self._content_type_set = 1

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

    def allow_methods(self, methods, reset=0):
        self.allowed_methods = tuple(self.allowed_methods) + tuple(methods)

    def log_error(self, message, level=3):
        self.logged.append((message, level))

    @property
    def body(self):
        return b"".join(data for data, _ in self.written)
