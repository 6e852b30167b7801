"""The gunicorn worker class that runs greenphase's own server (not gunicorn's HTTP parser).

gunicorn forks it and hands it the listening sockets; the worker builds the site (plugins and
code imported here, after the fork, so every reload imports them afresh), serves with the
kernel's gevent listener and connections, and keeps the arbiter's heartbeat from its event
loop: a handler that hogs the CPU stops the heartbeat, and the arbiter replaces the worker
after ``WorkerTimeout``.
"""

import io
import os
import signal
import sys

from gunicorn.workers.base import Worker

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT)    # what ends a worker


class GreenphaseWorker(Worker):

    def init_process(self):
        # The arbiter forked us with the stop signals blocked (see SiteArbiter.spawn_worker):
        # until the event loop serves, one of them ends the boot at once (nothing is in
        # flight yet).
        self.stop_asked = False
        self.serving = False
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._stop_booting)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
        # Before any plugin or handler is imported: blocking calls yield to other greenlets.
        import gevent
        from gevent import monkey
        # No spawn tree: gevent would keep each greenlet's spawning stack (an extract of its
        # frames, ~300 bytes per connection) and take it at every spawn (2.4 us).
        gevent.config.track_greenlet_tree = False
        monkey.patch_all()
        import gevent.socket

        from ..http.listener import Listener
        from .balance import Share

        os.close(self.app.boot_pipe[0])
        self.sockets = [gevent.socket.socket(fileno=s.sock.detach()) for s in self.sockets]
        # As root, the site reads its files and opens its logs before the drop to User/Group
        # (super().init_process() drops), as Apache's parent does.
        self.site = site = self.app.options.build()
        if site.errors:
            raise RuntimeError("configuration errors: " + "; ".join(str(e) for e in site.errors))
        site.workers = self.cfg.workers         # for mod_python's mpm_query
        # The workers keep their connection counts level (kernel.deploy.balance).
        slot = self.app.slot
        self.share = Share(self.app.balance, slot) if slot is not None else None
        self.server = Listener(site, announce=io.StringIO(), sockets=self.sockets,
                               share=self.share)
        for listener in self.server.listeners:
            listener.set_handle(self._handle)
        super().init_process()

    def _stop_booting(self, signum, frame):
        self.stop_asked = True
        raise SystemExit(0)     # gunicorn's way out of a worker that did not boot

    def load_wsgi(self):
        self.wsgi = None        # the site was built in init_process; there is no WSGI app

    def init_signals(self):
        super().init_signals()
        import gevent
        # In the event loop (these may block, spawn, wait): graceful and fast stop, log reopen.
        gevent.signal_handler(signal.SIGTERM, self._graceful, "SIGTERM")
        gevent.signal_handler(signal.SIGQUIT, self._fast, "SIGQUIT")
        gevent.signal_handler(signal.SIGINT, self._fast, "SIGINT")
        gevent.signal_handler(signal.SIGUSR1, self._reopen_logs)
        # SIGABRT (the arbiter's "worker timeout") stays a Python-level handler: it must run
        # while a handler hogs the CPU and the event loop cannot.

    def run(self):
        import gevent
        from gevent.event import Event
        self.stopping = Event()
        # A stop asked for while gunicorn swapped the signal handlers (its own, then ours)
        # only cleared self.alive; one caught by code of the boot only set stop_asked.
        if self.stop_asked or not self.alive:
            self.log.info("worker %d: stop asked for before it served: exits", self.pid)
            self._exit(0)
        gevent.spawn(self._heartbeat)
        if self.share is not None:      # "my event loop runs", for the other workers
            from .balance import STAMP_SECONDS
            self.stamper = gevent.get_hub().loop.timer(STAMP_SECONDS, STAMP_SECONDS)
            self.stamper.start(self.share.stamp)
        self.server.start()     # server_start hooks (PythonImport), then accepting
        self.serving = True
        self._report_booted()
        self.stopping.wait()
        self.server.stop()      # requests in flight finish (GracefulShutdownTimeout)
        self.log.info("worker %d finished its requests and exits", self.pid)
        self._exit(0)

    def _exit(self, status):
        """Leave without the interpreter's teardown: the server_stop hooks have run, and
        finalizing greenlets of a dead event loop only prints noise."""
        import logging
        if getattr(self, "share", None) is not None:
            self.share.leave()
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)

    # -- the arbiter's protocol -------------------------------------------------------------
    def _heartbeat(self):
        import gevent
        interval = max(0.05, min(1.0, self.timeout / 2.0))
        while True:
            self.notify()
            if self.ppid != os.getppid():
                self.log.warning("worker %d: the arbiter is gone; stopping", self.pid)
                self._graceful("arbiter gone")
                return
            gevent.sleep(interval)

    def _report_booted(self):
        """Tell the arbiter we serve: our pid down the boot pipe, then SIGCHLD to wake it
        (the signal it already wakes on when workers come and go)."""
        try:
            os.write(self.app.boot_pipe[1], b"%d\n" % os.getpid())
            os.kill(self.ppid, signal.SIGCHLD)
        except OSError:
            pass

    def _handle(self, sock, addr):
        self.nr += 1            # MaxConnectionsPerChild counts connections, as Apache does
        if self.nr >= self.max_requests and self.alive:
            self.log.info("worker %d served MaxConnectionsPerChild (%d connections); "
                          "finishing and exiting", self.pid, self.nr)
            self._graceful(None)
        self.server.accept(sock, addr)

    def _graceful(self, why):
        if not self.serving:    # during the server_start hooks: nothing accepted yet
            self.log.info("worker %d: %s before it served: exits", self.pid, why)
            self._exit(0)
        if why and self.alive:
            self.log.info("worker %d: %s: graceful stop (no new connections, %d in flight)",
                          self.pid, why, len(self.server.connections))
        self.alive = False
        self.stopping.set()

    def _fast(self, why):
        self.log.info("worker %d: %s: fast stop", self.pid, why)
        self._exit(0)

    def _reopen_logs(self):
        self.log.reopen_files()

    def handle_abort(self, sig, frame):
        self.log.critical("worker %d: no heartbeat for WorkerTimeout (%gs): a request kept the "
                          "event loop busy; exiting", self.pid, self.cfg.timeout)
        self._exit(1)
