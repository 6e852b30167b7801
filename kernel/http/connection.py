"""HTTP/1.x on one connection: the request/response loop, keep-alive, answers to requests we
cannot parse. Reading is ``kernel.http.reading`` (what llhttp delivers, held to Apache's
limits, ``kernel.http.parsing``), socket output ``kernel.http.sending``; what the bytes of a
response are is ``kernel.http.response``'s business."""

import socket
import time
import traceback

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
from .reading import RECV_SIZE, RequestReading
from .response import Response
from .sending import SocketOutput, TLSWriter

# Requests served in a row without the event loop running before the others get a turn: a
# turn costs a hub round trip (some us per request), so with few connections a greedy client
# may run a few requests ahead; with many, every waiting client counts (p99 latency).
YIELD_AFTER = 8
CROWD = 64          # open connections in this process from which a turn follows every request


class Connection(RawIO, RequestParsing, RequestReading, SocketOutput):
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
                # iteration in between, the others have theirs first (not after every one
                # while few are open: a turn costs a hub round trip, several us per request).
                if loop.iteration == turn:
                    straight += 1
                    if straight >= YIELD_AFTER or (
                            self.parking is not None and self.parking.open > CROWD):
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
