"""Output to the client socket for ``kernel.http.connection.Connection``: one send() per
response for most handlers, never blocking the hub.

A flushed write is queued and goes out when the handler next waits (a hub callback sends it
without blocking) or ends (one send with the rest of the response): mod_python's "flush sends
now" as seen by the client. The bytes themselves are ``kernel.http.response``'s business.
"""

import ssl
import time

from ..lifecycle.errors import ClientGone

QUEUE_LIMIT = 1 << 18      # queued output beyond this is sent at once (big streamed files)


class TLSWriter:
    """``send`` and ``fileno`` of a TLS socket that never wait: the TLS record goes to the
    kernel or BlockingIOError says to retry the same bytes (OpenSSL's rule) when writable."""

    __slots__ = ("sslobj", "fileno")

    def __init__(self, sock):
        self.sslobj, self.fileno = sock._sslobj, sock.fileno

    def send(self, data):
        try:
            return self.sslobj.write(data)
        except (ssl.SSLWantWriteError, ssl.SSLWantReadError):
            raise BlockingIOError from None


class SocketOutput:
    """Mixed into ``Connection``; needs ``raw`` (the non-blocking socket, or a TLSWriter),
    ``sock`` (gevent's, for waiting), ``pending``, ``flush_scheduled``, ``writable``, ``loop``,
    ``aborted``, ``sending``, ``deadline`` and ``site``."""

    def send_raw(self, data):
        """Send ``data`` after anything queued, from the request's greenlet (may block)."""
        if self.aborted:
            raise ClientGone("Write failed, client closed connection.")
        if self.pending:
            data = self.pending + data      # a new bytearray: one copy
            self.pending.clear()
        if self.flush_scheduled:
            # Everything queued goes out here: the hub callback would find nothing to send.
            self.flush_scheduled.stop()
            self.flush_scheduled = None
        # First straight to the non-blocking socket: a response that fits the socket buffer
        # (nearly all) goes out without gevent's wrapper or a deadline.
        try:
            sent = self.raw.send(data) if data else 0
        except BlockingIOError:
            sent = 0
        except OSError as exc:
            self.aborted = 1
            raise ClientGone("Write failed, client closed connection.") from exc
        if sent >= len(data):
            return
        # The rest waits for the socket: a plain send() loop (gevent's sendall() asks
        # getsockopt(SO_SNDBUF) on every call), under the Timeout deadline.
        send = self.sock.send
        self.sending = True
        self.deadline = time.monotonic() + self.site.main_server.timeout
        try:
            view = memoryview(data)
            while sent < len(data):
                sent += send(view[sent:])
        except OSError as exc:
            self.aborted = 1
            raise ClientGone("Write failed, client closed connection.") from exc
        finally:
            self.sending = False
            self.deadline = 0.0

    def queue(self, data):
        """Send ``data`` soon: when the greenlet yields, or with the next send_raw."""
        if self.aborted:
            raise ClientGone("Write failed, client closed connection.")
        self.pending += data
        if len(self.pending) > QUEUE_LIMIT:
            self.send_raw(b"")
        elif not self.flush_scheduled:
            self.flush_scheduled = self.loop.run_callback(self._flush_queued)

    def _flush_queued(self):
        """In the hub: hand the socket what it takes now, never block; what it cannot take
        yet goes when the socket is writable again."""
        self.flush_scheduled = None
        if self.pending and not self.aborted:
            try:
                sent = self.raw.send(self.pending)
            except BlockingIOError:
                sent = 0
            except OSError:
                self.aborted = 1
                self.pending.clear()
                sent = 0
            del self.pending[:sent]
        if self.pending and not self.aborted:
            if self.writable is None:
                self.writable = self.loop.io(self.raw.fileno(), 2)
            if not self.writable.active:
                self.writable.start(self._flush_queued)
        elif self.writable is not None:
            self.writable.stop()
