"""The request body, read lazily from the connection (``req.read``)."""

from . import constants as C
from .errors import SERVER_RETURN

DRAIN_LIMIT = 1 << 20      # unread body we still read past to keep a connection alive


class Body:
    """The request body, read lazily from the connection (``req.read``)."""

    __slots__ = ("conn", "msg", "declared_length", "limit", "consumed", "buffer",
                 "expect_continue", "continue_sent", "chunked")

    def __init__(self, conn, msg, headers, version):
        self.conn = conn
        self.msg = msg
        length = headers.getfirst("Content-Length")
        self.declared_length = int(length) if length is not None else None
        self.chunked = "chunked" in (headers.getfirst("Transfer-Encoding") or "").lower()
        self.limit = 0
        self.consumed = 0
        self.buffer = b""
        expect = (headers.getfirst("Expect") or "").lower()
        self.expect_continue = expect == "100-continue" and version == "1.1" and not msg.complete
        self.continue_sent = False

    @property
    def remaining(self):
        if self.declared_length is None:
            return 0
        return self.declared_length - self.consumed

    def _more(self):
        """Move the next body piece into the buffer; False at the end of the body."""
        msg = self.msg
        if self.expect_continue and not self.continue_sent:
            self.continue_sent = True
            self.conn.send_raw(b"HTTP/1.1 100 Continue\r\n\r\n")
        while not msg.body:
            if msg.complete:
                return False
            if not self.conn.fill():
                raise IOError("Client closed connection before the request body was complete")
        piece = msg.body.pop(0)
        self.buffer += piece
        total = self.consumed + len(self.buffer)
        if self.limit and total > self.limit:
            self.conn.close_after = True
            raise SERVER_RETURN(C.HTTP_REQUEST_ENTITY_TOO_LARGE)
        return True

    def read(self, n=-1):
        if n is None or n < 0:
            while self._more():
                pass
            data, self.buffer = self.buffer, b""
        else:
            while len(self.buffer) < n and self._more():
                pass
            data, self.buffer = self.buffer[:n], self.buffer[n:]
        self.consumed += len(data)
        return data

    def readline(self, n=-1):
        while True:
            end = self.buffer.find(b"\n")
            if end >= 0 or (0 <= n <= len(self.buffer)) or not self._more():
                break
        cut = len(self.buffer) if end < 0 else end + 1
        if n is not None and 0 <= n < cut:
            cut = n
        data, self.buffer = self.buffer[:cut], self.buffer[cut:]
        self.consumed += len(data)
        return data

    def discard(self):
        """Read and drop what is left (before keep-alive can go on)."""
        self.buffer = b""
        msg = self.msg
        if self.expect_continue and not self.continue_sent:
            return False        # the client may not send it at all: close instead
        while not msg.complete:
            if self.consumed > DRAIN_LIMIT:
                return False
            msg.body.clear()
            if not self.conn.fill():
                return False
        msg.body.clear()
        return True
