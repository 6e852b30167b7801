"""The gevent listener: accepting connections, enforcing deadlines, graceful SIGTERM.

Under ``greenphase serve`` it runs in each worker on the sockets gunicorn's arbiter holds
(``kernel.deploy.worker``); ``--single`` runs it alone.
"""

import itertools
import signal
import socket
import sys
import time
import traceback

import gevent
from gevent.event import Event
from gevent.server import StreamServer

from .blocking import watch_event_loop
from .connection import Connection
from .response import set_server_header

SWEEP_SECONDS = 0.25     # timeouts are enforced to this precision
PARK_ABOVE = 1000        # open connections beyond which idle ones give up their greenlet
DEFER_SECONDS = 0.005    # a worker leaving new connections to a less loaded one looks again


class Acceptor(StreamServer):
    """gevent's StreamServer, accepting up to ``max_accept`` connections per wake-up (a burst
    of new clients waits in the backlog for no one), unless the worker's ``share`` says that
    another worker holds fewer connections (``kernel.deploy.balance``): then the rest are
    left to it, and this one looks again after DEFER_SECONDS (the socket stays readable: it
    would be woken for them again at once)."""

    def __init__(self, listener, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = listener
        self.deferral = None

    def do_read(self):
        owner = self.owner
        if owner.share is not None and not owner.share.may_take_more(owner.open + 1):
            self.stop_accepting()
            if self.deferral is None:
                self.deferral = self.loop.timer(DEFER_SECONDS)
            self.deferral.start(self._look_again)
            return None
        args = super().do_read()
        if args is not None:
            owner.opened()
        return args

    def do_close(self, sock, *args):
        """gevent closes a client socket when the greenlet that accepted it ends; a parked
        connection's lives on (kernel.http.connection closes its socket itself)."""
        keep_open = self.owner.keep_open
        if sock in keep_open:
            keep_open.discard(sock)
            return
        super().do_close(sock, *args)

    def _look_again(self):
        if not (self.closed or self.owner.paused or self.owner.stop_begun):
            self.start_accepting()

    def close(self):
        if self.deferral is not None:
            self.deferral.stop()
        super().close()


class Listener:
    """Serves one Site on its ``Listen`` addresses, one greenlet per connection."""

    def __init__(self, site, announce=sys.stdout, sockets=None, share=None):
        """``sockets``: listening sockets bound already (by ``kernel.deploy``), else the
        site's ``Listen`` addresses are bound at start. ``share``: this worker's slot of
        ``kernel.deploy.balance`` (workers sharing the sockets keep level), or None."""
        self.site = site
        self.announce = announce
        self.connections = {}
        self.ids = itertools.count(1)
        self.stopped = Event()
        self.stop_begun = False
        self.max_connections = site.main_server.config["MaxConnections"] or float("inf")
        self.paused = False             # MaxConnections reached: not accepting
        self.open = 0                   # connections accepted and not yet closed
        self.park_above = PARK_ABOVE
        self.crowded = False            # open > park_above: idle connections park
        self.watchers = {}              # connection id -> its read watcher while it parks
        self.keep_open = set()          # sockets of parked connections: not closed by gevent
        self.loop = gevent.get_hub().loop
        self.share = share
        site.open_logs()
        set_server_header(site.main_server.config["ServerTokens"])
        if sockets is None:
            self.listeners = [Acceptor(self, (host, port), self.accept, backlog=1024)
                              for host, port in site.listen]
        else:
            self.listeners = [Acceptor(self, sock, self.accept) for sock in sockets]
        # local port -> SSLContext for the listeners a plugin serves TLS on (the ssl plugin)
        self.tls = {}
        for listener in self.listeners:
            address = tuple(listener.address[:2])
            context = site.hook.ssl_context(site=site, address=address)
            if context is not None:
                self.tls[address[1]] = context

    def opened(self):
        self.open += 1
        self.crowded = self.open > self.park_above
        if self.share is not None and not self.paused:
            self.share.publish(self.open)

    def closed(self):
        self.open -= 1
        self.crowded = self.open > self.park_above
        if self.share is not None and not (self.paused or self.stop_begun):
            self.share.publish(self.open)

    def accept(self, sock, addr):
        conn = None
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self.tls:
                sock = self._handshake(sock, addr)
                if sock is None:
                    return
            conn = Connection(self.site, sock, addr, next(self.ids))
            conn.parking = self
            self._serve(conn)
        finally:
            if getattr(conn, "parked", False):
                self.keep_open.add(sock)    # gevent's do_close comes next: not this one
            else:
                self.closed()

    def _serve(self, conn):
        """Serve ``conn`` in this greenlet until it closes, or parks (see ``_park``)."""
        self.connections[conn.id] = (conn, gevent.getcurrent())
        if len(self.connections) >= self.max_connections and not self.paused:
            self._pause_accepting()
        try:
            conn.serve()
        except gevent.GreenletExit:
            pass            # an idle keep-alive connection closed by a graceful stop
        except BaseException:
            self.site.log.error("connection %d crashed:\n%s" % (conn.id, traceback.format_exc().rstrip()))
        finally:
            if getattr(conn, "parked", False):
                self._park(conn)
            else:
                self.connections.pop(conn.id, None)
                watcher = self.watchers.pop(conn.id, None)
                if watcher is not None:
                    watcher.close()
                if self.paused and len(self.connections) < self.max_connections:
                    self._resume_accepting()

    # -- idle connections without a greenlet --------------------------------------------
    # A greenlet waiting in recv() holds about 7 KB (its slice of the C stack, its frames);
    # 10,000 idle keep-alive connections would hold 70 MB. With more than PARK_ABOVE open,
    # a connection waiting for its next request (``Connection.parking``: plain TCP, nothing
    # buffered or queued) returns from serve() with ``parked`` set instead; a read watcher
    # wakes it in a new greenlet when the client sends (or the sweeper shuts it at its
    # KeepAliveTimeout deadline, which stays armed).

    def _park(self, conn):
        self.connections[conn.id] = (conn, None)
        watcher = self.watchers.get(conn.id)
        if watcher is None:     # its own: gevent's socket cancels waits on the socket's
            watcher = self.watchers[conn.id] = self.loop.io(conn.sock.fileno(), 1)
        watcher.start(self._unpark, conn)

    def _unpark(self, conn):
        self.watchers[conn.id].stop()
        conn.parked = False
        gevent.spawn(self._resume, conn)

    def _resume(self, conn):
        try:
            self._serve(conn)
        finally:
            if not conn.parked:
                self.closed()

    def _pause_accepting(self):
        """MaxConnections open: stop accepting; new clients wait in the listen backlog (the
        kernel queues them, up to its backlog; under --workers another worker may take them)
        until a connection of this process closes."""
        self.paused = True
        if self.share is not None:
            self.share.withdraw()
        self.site.log.warning("MaxConnections (%d) reached: this process accepts no new "
                              "connection until one closes (new clients wait in the listen "
                              "backlog)" % self.max_connections)
        for listener in self.listeners:
            listener.stop_accepting()

    def _resume_accepting(self):
        self.paused = False
        if self.stop_begun:
            return
        if self.share is not None:
            self.share.publish(self.open)
        self.site.log.info("below MaxConnections again (%d open): accepting"
                           % len(self.connections))
        for listener in self.listeners:
            listener.start_accepting()

    def _handshake(self, sock, addr):
        """The TLS socket for a connection to a TLS listener (the same socket otherwise);
        None when the handshake failed or took longer than Timeout (the socket is closed)."""
        context = self.tls.get(sock.getsockname()[1])
        if context is None:
            return sock
        try:
            with gevent.Timeout(self.site.main_server.timeout):
                return context.wrap_socket(sock, server_side=True)
        except (gevent.Timeout, OSError) as exc:
            self.site.log.info("TLS handshake with %s:%s failed: %s"
                               % (addr[0], addr[1], exc or "Timeout"))
            sock.close()
            return None

    def sweep(self):
        """Expire reads and sends past their deadline (Timeout, KeepAliveTimeout)."""
        while not self.site.stopping:
            now = time.monotonic()
            for conn, _ in list(self.connections.values()):
                if conn.deadline and now > conn.deadline:
                    conn.expire()
            gevent.sleep(SWEEP_SECONDS)

    def start(self):
        for warning in self.site.warnings:
            self.site.log.warning(warning)
        try:    # start-up code (PythonImport) finishes before the first request arrives
            self.site.hook.server_start(site=self.site)
        except Exception:
            self.site.log.error("server_start hook raised:\n" + traceback.format_exc().rstrip())
        gevent.spawn(self.sweep)
        watch_event_loop(self.site)     # BlockingLogThreshold: a stalled loop is logged
        for listener in self.listeners:
            listener.start()
        if self.share is not None:
            self.share.publish(self.open)      # accepting: the other workers may count on it
        for listener in self.listeners:
            host, port = listener.address[:2]
            self.announce.write("listening on %s://%s:%d/\n"
                                % ("https" if port in self.tls else "http", host, port))
        self.announce.flush()

    def stop(self):
        """Stop accepting, close idle connections, let busy ones finish (within
        GracefulShutdownTimeout; 0, Apache's default, sets no limit)."""
        if self.stop_begun:
            return
        self.stop_begun = True
        if self.share is not None:
            self.share.withdraw()
        for listener in self.listeners:
            listener.close()
        self._let_accepted_in()
        self.site.stopping = True
        grace = self.site.main_server.config["GracefulShutdownTimeout"] or None
        deadline = gevent.Timeout(grace)
        deadline.start()
        try:
            while self.connections:
                for conn, greenlet in list(self.connections.values()):
                    if greenlet is None:
                        self._unpark(conn)      # it sees site.stopping, and closes
                    elif not conn.busy:
                        greenlet.kill(block=False)
                gevent.sleep(0.05)
        except gevent.Timeout:
            self.site.log.warning("%d requests still running after GracefulShutdownTimeout "
                                  "(%gs); closing them" % (len(self.connections), grace))
        finally:
            deadline.close()
        try:
            self.site.hook.server_stop(site=self.site)
        except Exception:
            self.site.log.error("server_stop hook raised:\n" + traceback.format_exc().rstrip())
        self.site.run_shutdown_cleanups()
        self.stopped.set()

    def _let_accepted_in(self):
        """Give each connection accepted but not yet read its first request (within
        Timeout): closing it unread would reset a client that did nothing wrong, such as one
        that connected while a graceful reload replaced this process."""
        gevent.sleep(0)     # a connection accepted just now: its greenlet registers first
        deadline = time.monotonic() + self.site.main_server.timeout
        while time.monotonic() < deadline and any(
                conn.keepalives == 0 and not conn.busy for conn, _ in list(self.connections.values())):
            gevent.sleep(0.01)

    def serve_forever(self):
        for signum in (signal.SIGTERM, signal.SIGINT):
            gevent.signal_handler(signum, lambda: gevent.spawn(self.stop))
        self.start()        # announces "listening": a SIGTERM right after it must be graceful
        self.stopped.wait()
