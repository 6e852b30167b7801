"""Reading a request from the client socket for ``kernel.http.connection.Connection``: the
next head (keep-alive, pipelining, Timeout, KeepAliveTimeout and RequestReadTimeout header=),
and body bytes on demand (RequestReadTimeout body=). What the bytes mean is
``kernel.http.parsing``'s business.
"""

import socket
import time
from time import monotonic as _monotonic

from .head import BadRequest

RECV_SIZE = 65536


def _allowed(stage, received):
    """mod_reqtimeout's rule: the initial seconds, plus one per MinRate bytes received, up
    to the maximum (none when 0)."""
    initial, maximum, rate = stage
    allowed = initial + (received / rate if rate else 0.0)
    return min(allowed, maximum) if maximum else allowed


class RequestReading:
    """Mixed into ``Connection``; needs the parser's state (``kernel.http.parsing``), ``sock``,
    ``raw``, ``site``, ``keepalives``, ``parking``, ``parked``, ``pending``, ``deadline``,
    ``sending``, the limits and the RequestReadTimeout stages."""

    # Timeouts: no per-call socket timeout (gevent would arm a timer for every wait); the
    # server's sweeper shuts down a connection whose deadline passed, which wakes the wait.

    def expire(self):
        """Called by the sweeper: the read or send under way took too long."""
        self.deadline = 0.0
        try:
            self.sock.shutdown(socket.SHUT_RDWR if self.sending else socket.SHUT_RD)
        except OSError:
            pass

    def fill(self, timeout=None):
        """Read once from the socket and feed the parser; False on EOF or timeout."""
        if self.failed is not None:
            return False                # the parser stopped at a malformed request
        timeout = timeout or self.site.main_server.timeout
        msg = self.msg
        body_clock = None
        if msg is not None and msg.head_done and not msg.complete and self.body_timeout[0]:
            body_clock = self._body_clock(msg)
            timeout = min(timeout, body_clock)
            if timeout <= 0:
                return False            # RequestReadTimeout body=: the body came too slowly
        self.deadline = time.monotonic() + timeout
        try:
            data = self.sock.recv(RECV_SIZE)
        except OSError:
            return False
        finally:
            self.deadline = 0.0
        if not data:
            return False
        if body_clock is not None:
            self.body_read[1] += len(data)
        if msg is not None and not msg.head_done:
            msg.header_bytes += len(data)
            if msg.header_bytes > self.head_budget:
                raise BadRequest(400, "request header section too large")
        self.feed_parser(data)
        return True

    def next_message(self):
        """The next request's head, or None when the client is done (or went quiet).

        Once a request has begun, its whole head must arrive within ``Timeout`` (a client
        trickling a byte at a time cannot hold the connection longer), and within what
        RequestReadTimeout header= allows for the bytes received so far. One deadline covers
        the whole wait (the sweeper ends it), moved only when a head arrives in pieces."""
        messages = self.messages
        if messages:
            return messages.pop(0)      # pipelined: parsed with the one before
        server = self.site.main_server
        timeout = server.timeout if self.keepalives == 0 else server.keep_alive_timeout
        deadline = _monotonic() + timeout
        started = None
        recv = self.sock.recv
        # Waiting for the next request on a kept-alive plain connection while the listener is
        # crowded: look without waiting; with nothing there yet, park (serve() returns, the
        # listener wakes it in a new greenlet when the socket is readable).
        park_first = (self.keepalives and self.parking is not None and self.parking.crowded
                      and (self.msg is None or self.msg.complete) and not self.pending
                      and getattr(self.sock, "_sslobj", None) is None)
        try:
            while True:
                if self.failed is not None:
                    raise self.failed
                msg = self.msg
                if self.site.stopping and not (msg and not msg.complete and msg.url):
                    return None
                data = b""
                if timeout > 0:
                    self.deadline = deadline
                    try:
                        if park_first:
                            park_first = False
                            try:
                                data = self.raw.recv(RECV_SIZE)
                            except BlockingIOError:
                                self.parked = True      # the deadline stays armed
                                return None
                        else:
                            data = recv(RECV_SIZE)
                    except OSError:
                        pass
                if data:
                    if msg is not None and not msg.head_done:
                        msg.header_bytes += len(data)
                        if msg.header_bytes > self.head_budget:
                            raise BadRequest(400, "request header section too large")
                    self.feed_parser(data)
                    if self.messages:           # (a deferred BadRequest replaces the list)
                        return self.messages.pop(0)
                    now = _monotonic()
                    if started is None:
                        started = now
                    deadline = started + server.timeout
                    if self.header_timeout[0] and self.msg is not None:
                        deadline = started + min(server.timeout,
                                                 _allowed(self.header_timeout, self.msg.header_bytes))
                    timeout = deadline - now
                    if timeout > 0:
                        continue
                # EOF, the sweeper's shutdown at the deadline, or the deadline already passed
                msg = self.msg
                if msg is not None and not msg.complete and (msg.url or msg.head_done):
                    raise BadRequest(408, "timed out reading the request")
                return None
        finally:
            if not self.parked:
                self.deadline = 0.0

    def _body_clock(self, msg):
        """Seconds left to read this request's body (RequestReadTimeout body=), from the
        first read of it."""
        if self.body_read is None or self.body_read[0] is not msg:
            self.body_read = [msg, 0, time.monotonic()]
        _, received, started = self.body_read
        return started + _allowed(self.body_timeout, received) - time.monotonic()
