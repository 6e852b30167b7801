"""HTTP/1.x on one connection: reading (what llhttp delivers, held to Apache's limits, is
``kernel.http.parsing``), keep-alive and deadlines. Socket output is ``kernel.http.sending``;
what the bytes of a response are is ``kernel.http.response``'s business."""

import socket
import time
import traceback
from time import monotonic as _monotonic

import gevent
import httptools

from ..lifecycle import constants as C
from ..lifecycle.error_response import minimal_page
from ..lifecycle.errors import ClientGone
from ..lifecycle.pipeline import process
from ..lifecycle.tables import Table
from .body import DRAIN_LIMIT, Body
from .head import BadRequest, Head
from .head_lines import date_and_server, status_line
from .parsing import Message, RequestParsing  # noqa: F401  (Message: for the WSGI connection)
from .raw_io import RawIO
from .response import Response
from .sending import SocketOutput, TLSWriter

RECV_SIZE = 65536
YIELD_AFTER = 8     # requests served in a row without the event loop running, then a turn


def _allowed(stage, received):
    """mod_reqtimeout's rule: the initial seconds, plus one per MinRate bytes received, up
    to the maximum (none when 0)."""
    initial, maximum, rate = stage
    allowed = initial + (received / rate if rate else 0.0)
    return min(allowed, maximum) if maximum else allowed


class Connection(RawIO, RequestParsing, SocketOutput):
    """``req.connection`` and the HTTP engine for one client socket."""

    # Slots keep an idle connection small (a dict of ~40 keys is over 1 KB); the bases give
    # instances a __dict__ still, for any other attribute code sets on a connection.
    __slots__ = ("site", "sock", "remote_addr", "remote_ip", "client_addr", "client_ip",
                 "remote_host", "remote_logname", "local_addr", "local_ip", "local_host", "id",
                 "keepalives", "aborted", "notes", "base_server", "double_reverse", "keepalive",
                 "busy", "close_after", "deadline", "header_timeout", "body_timeout",
                 "body_read", "sending", "messages", "msg", "current", "failed",
                 "limit_req_line", "limit_req_fieldsize", "limit_req_fields", "head_budget",
                 "parser", "pending", "flush_scheduled", "raw", "writable", "loop",
                 "parking", "parked")

    def __init__(self, site, sock, addr, conn_id):
        self.site = site
        self.sock = sock
        self.remote_addr = addr[:2]
        self.remote_ip = addr[0]
        self.client_addr = self.remote_addr
        self.client_ip = self.remote_ip
        self.remote_host = None
        self.remote_logname = None
        local = sock.getsockname()
        self.local_addr = local[:2]
        self.local_ip = local[0]
        self.local_host = None
        self.id = conn_id
        self.keepalives = 0
        self.aborted = 0
        self.notes = Table()
        self.base_server = site.main_server
        self.double_reverse = 0
        self.keepalive = 0
        self.busy = False
        self.close_after = False
        sock.settimeout(None)           # see expire(): deadlines, not socket timeouts
        self.deadline = 0.0             # when the read or send under way expires (0: none)
        # RequestReadTimeout: (initial, maximum, MinRate) for the head and for the body
        stages = site.main_server.config["RequestReadTimeout"]
        self.header_timeout, self.body_timeout = stages["header"], stages["body"]
        self.body_read = None           # [message, bytes read, when its body read began]
        self.sending = False
        self.messages = []
        self.msg = None
        self.current = None             # the message being served
        self.failed = None              # a BadRequest kept until the requests before it are served
        server = site.main_server
        # LimitRequestLine, LimitRequestFieldSize, LimitRequestFields: named as on req.server
        self.limit_req_line = server.limit_req_line
        self.limit_req_fieldsize = server.limit_req_fieldsize
        self.limit_req_fields = server.limit_req_fields
        self.head_budget = (self.limit_req_line + self.limit_req_fields * (self.limit_req_fieldsize + 4)
                            + 4096)
        self.parser = httptools.HttpRequestParser(self)
        self.pending = bytearray()
        self.flush_scheduled = None     # the hub callback that sends queued output
        # the non-blocking socket under gevent's (for TLS: its non-blocking record writer)
        self.raw = sock._sock if getattr(sock, "_sslobj", None) is None else TLSWriter(sock)
        self.writable = None            # a write watcher, while queued output waits
        self.loop = gevent.get_hub().loop
        # The listener's idle-connection parking (kernel.http.listener: its ``crowded`` says
        # when); None: wait for the next request in this greenlet, as always.
        self.parking = None
        self.parked = False             # serve() returned to wait without a greenlet

    def log_error(self, message, level=C.APLOG_ERR):
        self.site.log.error(message, level=level)

    # -- reading -------------------------------------------------------------------------
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

    # -- serving -------------------------------------------------------------------------
    def serve(self):
        try:
            if self.keepalives == 0 and self.site.hook.process_connection.get_hookimpls() \
                    and self.serve_raw():
                return          # (a parked connection woken again has served HTTP already)
            loop = self.loop
            turn = loop.iteration
            straight = 0            # requests served since this greenlet last let others run
            while True:
                try:
                    msg = self.next_message()
                except BadRequest as exc:
                    self.reject(exc)
                    return
                if msg is None:
                    return
                self.current = msg
                self.keepalives += 1
                self.busy = True
                try:
                    keep = self.serve_request(msg)
                except BadRequest as exc:
                    self.reject(exc)
                    return
                finally:
                    self.busy = False
                if not keep or self.site.stopping:
                    return
                # A client that sends its next request before we read again (wrk, a
                # pipelining client) never makes recv() wait: without a turn given here this
                # greenlet would serve it for as long as it likes while the other
                # connections, and the accept of new ones, wait (seconds, at 256
                # connections). So after YIELD_AFTER requests in a row with no event-loop
                # iteration in between, the others have theirs first (not after every one:
                # a turn costs a hub round trip, several us per request at 50 connections).
                if loop.iteration == turn:
                    straight += 1
                    if straight >= YIELD_AFTER:
                        straight = 0
                        gevent.sleep(0)
                else:
                    straight = 0
                turn = loop.iteration
        except ClientGone:
            self.aborted = 1
        finally:
            if not self.parked:         # parked: the listener wakes it; the socket stays open
                if self.writable is not None:
                    self.writable.stop()
                    self.writable.close()
                try:
                    self.sock.close()
                except OSError:
                    pass

    def serve_raw(self):
        """The process_connection hook (a connection handler); True when it served."""
        self.base_server = self.site.server_for(None, self.local_addr[1])
        try:
            result = self.site.hook.process_connection(conn=self)
        except ClientGone:
            raise
        except Exception:
            self.site.log.error("process_connection failed for %s:\n%s"
                                % (self.remote_ip, traceback.format_exc().rstrip()))
            return True
        if result is None or result == C.DECLINED:
            self.base_server = self.site.main_server    # HTTP picks its server per request
            return False
        return True

    def reject(self, exc):
        """Answer a request we could not parse, then close (Apache does the same)."""
        self.site.log.error("%s: %s" % (self.remote_ip, exc), level=C.APLOG_INFO)
        status = exc.status
        body = minimal_page(status).encode()
        head = (status_line(status) + date_and_server()
                + b"Content-Length: %d\r\nConnection: close\r\n"
                  b"Content-Type: text/html; charset=iso-8859-1\r\n\r\n" % len(body))
        try:
            self.sock.sendall(head + body)
            # Lingering close: read what the client is still sending, so that closing with
            # unread data does not reset the connection before it reads our answer.
            self.sock.shutdown(socket.SHUT_WR)
            self.deadline = time.monotonic() + 2
            drained = 0
            while drained < DRAIN_LIMIT:
                data = self.sock.recv(RECV_SIZE)
                if not data:
                    break
                drained += len(data)
        except OSError:
            pass
        finally:
            self.deadline = 0.0

    def serve_request(self, msg):
        """Build the request, run the pipeline; True when the connection may serve another."""
        head = Head.from_message(msg)
        site = self.site
        server = site.server_for(head.hostname, self.local_addr[1]) if site.vhosts \
            else site.main_server
        resp = Response(self, msg.method == "HEAD")
        body = Body(self, msg, head.framing, msg.version, resp)
        req = site.request_class(site, server, self, resp, head, body)
        # HTTP/1.0 has no chunked framing: what a 1.0 proxy in front made of this body may not
        # be what we made of it, so nothing more is read from this connection (RFC 9112 6.1).
        self.close_after = body.chunked and msg.version == "1.0"
        process(req)
        # A head that went out decided keep-alive already (resp.close when it said close).
        if self.close_after or resp.close or not (resp.headers_sent or self.keep_alive_ok(req)):
            return False
        return body.discard()

    def keep_alive_ok(self, req):
        server = req.server
        if not (req._head.keep_alive and server.keep_alive):
            return False
        limit = server.keep_alive_max
        return not (limit and self.keepalives >= limit)
