"""One WSGI request as the kernel's pipeline sees it: ``req.connection`` and a Response whose
framing is the WSGI server's, with its socket behind them instead of our own.

The pipeline runs in its own thread (a greenlet under gevent's monkey patching) and hands
its output to the WSGI server's thread through a small queue: first ``(status, headers)``,
then body pieces as the handler flushes them, then ``END``. A client that goes away closes
the iterable; the handler's next write then fails as it would on our own server.
"""

import queue
from urllib.parse import quote

from ..http.body import Body
from ..http.connection import Message
from ..http.head import Head
from ..http.response import Response, header_lines
from ..lifecycle import constants as C
from ..lifecycle.errors import ClientGone
from ..lifecycle.pipeline import process
from ..lifecycle.tables import Table

END = object()
QUEUE_DEPTH = 8                 # body pieces waiting for the WSGI server: bounded memory
HOP_BY_HOP = frozenset(("keep-alive", "proxy-connection", "te", "trailer", "upgrade"))
PIECE = 65536


def target_of(environ):
    """The request target as the client sent it (gunicorn: RAW_URI, others: REQUEST_URI)."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        return raw
    path = (environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")) or "/"
    target = quote(path.encode("latin-1"), safe="/;=,~!$&'()*+:@")
    query = environ.get("QUERY_STRING")
    return target + "?" + query if query else target


def headers_of(environ):
    pairs = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            name = key[5:].replace("_", "-").title()
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            if not value:
                continue
            name = key.replace("_", "-").title()
        else:
            continue
        pairs.append((name.encode("latin-1"), str(value).encode("latin-1", "replace")))
    return pairs


class WsgiConnection:
    """``req.connection`` for one WSGI request (no keep-alive of its own: that is the WSGI
    server's business)."""

    def __init__(self, site, environ, conn_id):
        self.site = site
        self.environ = environ
        self.input = environ["wsgi.input"]
        self.remote_addr = (environ.get("REMOTE_ADDR") or "", int(environ.get("REMOTE_PORT") or 0))
        self.remote_ip = self.remote_addr[0]
        self.client_addr, self.client_ip = self.remote_addr, self.remote_ip
        self.remote_host = self.remote_logname = self.local_host = None
        self.local_addr = (environ.get("SERVER_NAME") or "", int(environ.get("SERVER_PORT") or 0))
        self.local_ip = self.local_addr[0]
        self.id = conn_id
        self.keepalives = 1
        self.keepalive = 0
        self.aborted = 0
        self.notes = Table()
        self.base_server = site.main_server
        self.double_reverse = 0
        self.busy = True
        self.close_after = False
        self.pending = b""          # nothing of ours ever waits to be sent
        self.outbox = queue.Queue(QUEUE_DEPTH)
        self.msg = None
        self.remaining = None
        self.ended = False

    def log_error(self, message, level=C.APLOG_ERR):
        self.site.log.error(message, level=level)

    # -- the request ----------------------------------------------------------------------
    def request(self):
        """The site's request object for this environ (BadRequest for a malformed one)."""
        environ = self.environ
        msg = Message()
        msg.method = environ.get("REQUEST_METHOD", "GET")
        protocol = environ.get("SERVER_PROTOCOL", "HTTP/1.0")
        msg.version = protocol[5:] if protocol.startswith("HTTP/") else "1.0"
        msg.url = [target_of(environ).encode("latin-1", "replace")]
        msg.headers = headers_of(environ)
        msg.head_done = True
        msg.keep_alive = False
        length = environ.get("CONTENT_LENGTH")
        self.remaining = int(length) if length and length.isdigit() else None
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        msg.complete = not chunked and not self.remaining
        self.msg = msg
        head = Head.from_message(msg)
        server = self.site.server_for(head.hostname, self.local_addr[1])
        resp = WsgiResponse(self, msg.method == "HEAD")
        body = Body(self, msg, head.headers, msg.version, resp)
        body.expect_continue = False        # the WSGI server answers Expect: 100-continue
        return self.site.request_class(self.site, server, self, resp, head, body)

    def fill(self, timeout=None):
        """Move the next piece of ``wsgi.input`` to the body parser's queue."""
        msg = self.msg
        want = PIECE if self.remaining is None else min(PIECE, self.remaining)
        data = self.input.read(want) if want else b""
        if data:
            msg.body.append(data)
            if self.remaining is not None:
                self.remaining -= len(data)
        if not data or self.remaining == 0:
            msg.complete = True
        return True

    def run(self, req):
        """The pipeline, in the request's own thread or greenlet."""
        try:
            process(req)
        except ClientGone:
            pass
        except BaseException as exc:       # never leave the WSGI server waiting
            self.site.log.error("request %s crashed: %r" % (req.uri, exc))
            if not req._resp.headers_sent:
                req._resp.headers_sent = True
                self._try_put(("500 Internal Server Error", [("Content-Length", "0")]))
        finally:
            if not self.ended:
                self._try_put(END)

    def _try_put(self, item):
        try:
            self._put(item)
        except ClientGone:
            pass

    # -- output ---------------------------------------------------------------------------
    def _put(self, item):
        while True:
            if self.aborted:
                raise ClientGone("Write failed, client closed connection.")
            try:
                self.outbox.put(item, timeout=0.5)
                return
            except queue.Full:
                continue

    def send_raw(self, data):
        raise ClientGone("no raw output under WSGI")


class WsgiResponse(Response):
    """The kernel's Response with the WSGI server doing the framing: status and headers go to
    start_response, body pieces to the iterable, as the handler flushes them."""

    __slots__ = ()

    def _start(self, req, length):
        """Status and headers for start_response; framing is the WSGI server's."""
        status = req.status
        lines = header_lines(req)          # the kernel's checks: no CR/LF/NUL, token names
        headers = []
        for line in lines.split("\r\n"):
            if line:
                name, _, value = line.partition(": ")
                if name.lower() not in HOP_BY_HOP:
                    headers.append((name, value.encode("latin-1", "replace").decode("latin-1")))
        no_body = C.has_no_body(status)
        if length is None and self.content_length is None and not self.filtered:
            declared = req.headers_out.getfirst("Content-Length")
            if declared is not None and declared.strip().isdigit():
                self.content_length = int(declared)
        if not no_body:
            if length is not None:
                headers.append(("Content-Length", str(length)))
            elif self.content_length is not None and not self.filtered:
                headers.append(("Content-Length", str(self.content_length)))
        content_type = req._content_type
        if content_type and not no_body and content_type != C.DIR_MAGIC_TYPE:
            charset = req.dir_config["AddDefaultCharset"]
            if charset and content_type.startswith(("text/plain", "text/html")) \
                    and "charset=" not in content_type:
                content_type += "; charset=" + charset
            headers.append(("Content-Type", content_type))
        custom = req.status_line
        if custom and custom.startswith(str(status)) and "\n" not in custom and "\r" not in custom:
            line = custom
        else:
            line = "%d %s" % (status, C.reason(status))
        self.headers_sent = True
        self.status_sent = status
        self.conn._put((line, headers))

    def flush(self, req):
        if self.filter is not None:
            self.filter.write(req, b"", True)
            return
        data = b"".join(self.out) if self.out else b""
        self.out.clear()
        self.out_len = 0
        if not self.headers_sent:
            self._start(req, None)
        if self.header_only or C.has_no_body(self.status_sent):
            data = b""
        if data:
            self.bytes_sent += len(data)
            self.conn._put(data)

    def finish(self, req):
        if self.finished:
            return
        if self.filter is not None:     # the output filters pass on what they hold
            chain, self.filter = self.filter, None
            chain.close(req)
            self.content_length = None
        if not self.headers_sent:
            self._start(req, self.out_len if self.content_length is None else None)
        self.flush(req)
        self.finished = True
        if self.content_length is not None and not self.header_only \
                and not C.has_no_body(self.status_sent) and self.bytes_sent != self.content_length:
            req.log_error("response body of %d bytes, but Content-Length said %d"
                          % (self.bytes_sent, self.content_length))
        self.conn.ended = True
        self.conn._put(END)      # the client has its answer; logging and cleanups go on here


class ResponseBody:
    """The WSGI iterable: pieces as the handler flushes them."""

    def __init__(self, conn):
        self.conn = conn

    def __iter__(self):
        return self

    def __next__(self):
        item = self.conn.outbox.get()
        if item is END:
            raise StopIteration
        return item

    def close(self):
        """The WSGI server is done with us (finished, or the client went away)."""
        self.conn.aborted = 1
        try:
            while True:
                self.conn.outbox.get_nowait()
        except queue.Empty:
            pass
