"""An in-process client: raw bytes through the real connection code, answers parsed back.

``Client(site).request(b"GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")`` opens a loopback TCP
connection, serves it with a real :class:`kernel.http.connection.Connection` in a greenlet
of this thread and reads the answers with llhttp. Nothing is monkey-patched: the client's
socket is gevent's, so waiting for the answer lets the server greenlet run.
"""

import itertools

import gevent
import httptools
from gevent import socket

from ..http.connection import Connection

READ_SIZE = 65536
DEFAULT_TIMEOUT = 10.0


class Reply:
    """One HTTP answer: ``status`` (int), ``reason``, ``headers`` (list of (name, value)
    str pairs in order), ``body`` (bytes, chunked framing removed)."""

    def __init__(self):
        self.status = None
        self.reason = ""
        self.headers = []
        self.body = b""
        self.complete = False

    def header(self, name, default=None):
        """The first value of header ``name`` (case-insensitive), or ``default``."""
        low = name.lower()
        for key, value in self.headers:
            if key.lower() == low:
                return value
        return default

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def __repr__(self):
        return "<Reply %s %s, %d bytes>" % (self.status, self.reason, len(self.body))


class _HeadDone(Exception):
    pass


class _Parser:
    """httptools callbacks collecting every answer on one connection."""

    def __init__(self, head_only):
        self.replies = []
        self.head_only = head_only       # answers to HEAD: no body whatever the headers say
        self.parser = httptools.HttpResponseParser(self)
        self._name = None

    def on_message_begin(self):
        self.replies.append(Reply())

    def on_status(self, reason):
        self.replies[-1].reason += reason.decode("latin-1")

    def on_header(self, name, value):
        self.replies[-1].headers.append((name.decode("latin-1"), value.decode("latin-1")))

    def on_headers_complete(self):
        reply = self.replies[-1]
        reply.status = self.parser.get_status_code()
        if self.head_only.pop(0) if self.head_only else False:
            # An answer to HEAD has no body whatever its Content-Length says, which llhttp
            # cannot be told: it ends here (so HEAD must be the last request of an exchange).
            reply.complete = True
            raise _HeadDone()

    def on_body(self, body):
        self.replies[-1].body += body

    def on_message_complete(self):
        self.replies[-1].complete = True


class Client:
    """A client of ``site`` that needs no listening server and no subprocess."""

    _ids = itertools.count(1)

    def __init__(self, site, timeout=DEFAULT_TIMEOUT):
        self.site = site
        self.timeout = timeout

    def exchange(self, data, replies=1, head=()):
        """Send ``data`` (bytes: one or several requests) on a new connection and return the
        first ``replies`` answers (fewer if the server closed first). ``head``: for each
        expected answer, whether it answers a HEAD request (then it must be the last)."""
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        client = socket.create_connection(listener.getsockname())
        served, addr = listener.accept()
        listener.close()
        served.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn = Connection(self.site, served, addr, next(self._ids))
        greenlet = gevent.spawn(conn.serve)
        parser = _Parser(list(head))
        try:
            with gevent.Timeout(self.timeout, TimeoutError("no answer within %gs" % self.timeout)):
                client.sendall(data)
                while sum(r.complete for r in parser.replies) < replies:
                    chunk = client.recv(READ_SIZE)
                    if not chunk:
                        break
                    try:
                        parser.parser.feed_data(chunk)
                    except httptools.HttpParserCallbackError as exc:
                        if not isinstance(exc.__context__, _HeadDone):
                            raise
                        break
        finally:
            client.close()
            greenlet.join(self.timeout)
            if not greenlet.dead:
                greenlet.kill()
        return parser.replies[:replies]

    def request(self, data):
        """Send one request (bytes) and return its :class:`Reply`."""
        is_head = data.split(b" ", 1)[0] == b"HEAD"
        found = self.exchange(data, 1, head=[is_head])
        if not found:
            raise ConnectionError("the server closed the connection without an answer")
        return found[0]

    def get(self, path, headers=None, method="GET", body=b"", version="1.1"):
        """Build a request from parts and send it: ``client.get("/x", {"Host": "a"})``."""
        headers = dict(headers or {})
        headers.setdefault("Host", "localhost")
        if body:
            headers.setdefault("Content-Length", str(len(body)))
        if version == "1.1":
            headers.setdefault("Connection", "close")
        head = "%s %s HTTP/%s\r\n" % (method, path, version) + "".join(
            "%s: %s\r\n" % item for item in headers.items()) + "\r\n"
        return self.request(head.encode("latin-1") + body)
