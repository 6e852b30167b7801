"""The request body, read lazily from the connection (``req.read``)."""

from ..lifecycle import constants as C
from ..lifecycle.errors import SERVER_RETURN
from .head import NO_FRAMING, BadRequest

DRAIN_LIMIT = 1 << 20      # unread body we still read past to keep a connection alive


class Body:
    """The request body, read lazily from the connection (``req.read``).

    Pieces accumulate in one bytearray read from ``pos`` on, so reading a large body in
    small steps stays linear."""

    __slots__ = ("conn", "msg", "resp", "declared_length", "limit", "consumed", "buffer", "pos",
                 "expect_continue", "continue_sent", "chunked", "filter")

    def __init__(self, conn, msg, headers, version, resp):
        self.conn = conn
        self.msg = msg
        self.resp = resp
        if headers is NO_FRAMING:       # no Content-Length, Transfer-Encoding nor Expect
            self.declared_length = None
            self.chunked = self.expect_continue = False
        else:
            length = headers.getfirst("Content-Length")
            self.declared_length = int(length) if length is not None else None
            self.chunked = "chunked" in (headers.getfirst("Transfer-Encoding") or "").lower()
            expect = (headers.getfirst("Expect") or "").lower()
            self.expect_continue = (expect == "100-continue" and version == "1.1"
                                    and not msg.complete)
        self.limit = 0
        self.consumed = 0
        self.buffer = bytearray()
        self.pos = 0
        self.continue_sent = False
        self.filter = None          # an input filter chain: pull() -> bytes, or None at the end

    def set_filter(self, pull):
        """Read the body through ``pull`` (kernel.lib.filters), which reads raw_piece."""
        self.filter = pull

    @property
    def remaining(self):
        if self.declared_length is None:
            return 0
        return self.declared_length - self.consumed

    def _available(self):
        return len(self.buffer) - self.pos

    def _more(self):
        """Move the next body piece into the buffer; False at the end of the body."""
        if self.filter is not None:
            piece = self.filter()
            while piece == b"":
                piece = self.filter()
            if piece is None:
                return False
            self.buffer += piece
            return True
        piece = self.raw_piece()
        if piece is None:
            return False
        self.buffer += piece
        return True

    def raw_piece(self):
        """The next piece of the body as the client sent it (bytes), or None at its end."""
        msg = self.msg
        if self.expect_continue and not self.continue_sent:
            self.continue_sent = True
            # Only before any of the response: a 100 inside a started response corrupts it.
            if not self.resp.headers_sent and not self.conn.pending:
                self.conn.send_raw(b"HTTP/1.1 100 Continue\r\n\r\n")
        try:
            while not msg.body:
                if msg.complete:
                    return None
                if not self.conn.fill():
                    raise IOError("Client closed connection before the request body was complete")
        except BadRequest as exc:       # a broken chunked body: answer its status, then close
            self.conn.close_after = True
            raise SERVER_RETURN(exc.status) from None
        piece = msg.body.pop(0)
        if self.limit and self.consumed + self._available() + len(piece) > self.limit:
            self.conn.close_after = True
            raise SERVER_RETURN(C.HTTP_REQUEST_ENTITY_TOO_LARGE)
        return piece

    def _take(self, n):
        data = bytes(self.buffer[self.pos:self.pos + n])
        self.pos += len(data)
        self.consumed += len(data)
        if self.pos > 65536 and self.pos * 2 > len(self.buffer):
            del self.buffer[:self.pos]          # drop what was read, now and then
            self.pos = 0
        return data

    def read(self, n=-1):
        if n is None or n < 0:
            while self._more():
                pass
            return self._take(self._available())
        while self._available() < n and self._more():
            pass
        return self._take(n)

    def readline(self, n=-1):
        scanned = self.pos
        while True:
            end = self.buffer.find(b"\n", scanned)
            if end >= 0 or (0 <= n <= self._available()):
                break
            scanned = len(self.buffer)
            if not self._more():
                break
        cut = self._available() if end < 0 else end + 1 - self.pos
        if n is not None and 0 <= n < cut:
            cut = n
        return self._take(cut)

    def discard(self):
        """Read and drop what is left; False when the connection must close instead."""
        self.buffer.clear()
        self.pos = 0
        msg = self.msg
        if self.expect_continue and not self.continue_sent:
            return False        # the client may not send it at all: close instead
        drained = 0
        try:
            while not msg.complete:
                drained += sum(len(piece) for piece in msg.body)
                msg.body.clear()
                if drained > DRAIN_LIMIT or not self.conn.fill():
                    return False
        except BadRequest:
            return False
        msg.body.clear()
        return True
