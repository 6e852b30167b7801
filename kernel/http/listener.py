"""The gevent listener: accepting connections, enforcing deadlines, graceful SIGTERM."""

import itertools
import signal
import socket
import sys
import time
import traceback

import gevent
from gevent.event import Event
from gevent.server import StreamServer

from .connection import Connection

GRACE_SECONDS = 10       # how long in-flight requests may take after SIGTERM
SWEEP_SECONDS = 0.25     # timeouts are enforced to this precision


class Listener:
    """Serves one Site on its ``Listen`` addresses, one greenlet per connection."""

    def __init__(self, site, announce=sys.stdout):
        self.site = site
        self.announce = announce
        self.connections = {}
        self.ids = itertools.count(1)
        self.stopped = Event()
        site.open_logs()
        self.listeners = [StreamServer((host, port), self.accept, backlog=1024)
                          for host, port in site.listen]

    def accept(self, sock, addr):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn = Connection(self.site, sock, addr, next(self.ids))
        self.connections[conn.id] = (conn, gevent.getcurrent())
        try:
            conn.serve()
        except gevent.GreenletExit:
            pass            # an idle keep-alive connection closed by a graceful stop
        except BaseException:
            self.site.log.error("connection %d crashed:\n%s" % (conn.id, traceback.format_exc().rstrip()))
        finally:
            self.connections.pop(conn.id, None)

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
        for listener in self.listeners:
            listener.start()
        for listener in self.listeners:
            host, port = listener.address[:2]
            self.announce.write("listening on http://%s:%d/\n" % (host, port))
        self.announce.flush()

    def stop(self):
        """Stop accepting, close idle connections, let busy ones finish (bounded)."""
        if self.site.stopping:
            return
        self.site.stopping = True
        for listener in self.listeners:
            listener.close()
        deadline = gevent.Timeout(GRACE_SECONDS)
        deadline.start()
        try:
            while self.connections:
                for conn, greenlet in list(self.connections.values()):
                    if not conn.busy:
                        greenlet.kill(block=False)
                gevent.sleep(0.05)
        except gevent.Timeout:
            self.site.log.warning("%d requests still running after %ds; closing them"
                                  % (len(self.connections), GRACE_SECONDS))
        finally:
            deadline.close()
        try:
            self.site.hook.server_stop(site=self.site)
        except Exception:
            self.site.log.error("server_stop hook raised:\n" + traceback.format_exc().rstrip())
        self.stopped.set()

    def serve_forever(self):
        self.start()
        for signum in (signal.SIGTERM, signal.SIGINT):
            gevent.signal_handler(signum, lambda: gevent.spawn(self.stop))
        self.stopped.wait()
