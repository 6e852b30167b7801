"""gunicorn's arbiter, driven from greenphase: it forks the workers, watches their heartbeat,
replaces the dead and the stuck, and honours ``MaxConnectionsPerChild``. Signals mean what
Apache users expect (see ``SIGNALS``), and every one received is logged with what it does.

A reload (SIGHUP or SIGUSR1) first reads the configuration again in a probe process; a
configuration that fails keeps the running workers (Apache would exit). Otherwise new workers
are forked, and only when they all serve are the old ones told to finish their requests and
exit. The listening sockets never close, so no connection is refused meanwhile.
"""

import math
import os
import select
import signal
import socket
import time

from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter
from gunicorn.errors import HaltServer
from gunicorn.sock import TCP6Socket, TCPSocket

from . import systemd
from .balance import Balance
from .errorlog import ErrorLogger, log_target
from .probe import probe
from .sockets import StartError, address_of, bind, show
from .worker import STOP_SIGNALS

FOREVER = 10 ** 9           # GracefulShutdownTimeout 0: wait as long as requests take
BOOT_WAIT = 60.0            # how long a reload waits for its new workers to serve

SIGNALS = {
    "term": "graceful stop: no new connections; requests in flight finish "
            "(GracefulShutdownTimeout), then exit",
    "winch": "graceful stop (Apache's graceful-stop): requests in flight finish, then exit",
    "hup": "graceful reload: reread the configuration and the code, reopen the logs, "
           "replace the workers",
    "usr1": "graceful reload (Apache's graceful restart): reread the configuration and the "
            "code, reopen the logs, replace the workers",
    "int": "fast stop: workers exit at once",
    "quit": "fast stop: workers exit at once",
    "ttin": "one more worker",
    "ttou": "one worker fewer",
    "usr2": "ignored (use SIGHUP or SIGUSR1 to reload)",
}


class SiteApplication(BaseApplication):
    """gunicorn's configuration, taken from the site's directives and the command line."""

    def __init__(self, options, settings, workers):
        self.options = options
        self.settings = settings
        self.workers = workers
        self.boot_pipe = os.pipe()      # workers write their pid here once they serve
        self.balance = Balance()        # the workers' connection counts, shared
        self.slot = None                # the balance slot of the worker being forked
        os.set_blocking(self.boot_pipe[0], False)
        super().__init__(prog="greenphase")

    def load_config(self):
        s = self.settings
        put = self.cfg.set
        put("worker_class", "kernel.deploy.worker.GreenphaseWorker")
        put("workers", self.workers)
        put("bind", [show(a) for a in s.listen])     # shown only: the sockets are ours
        # gunicorn counts whole seconds; the worker keeps the exact grace itself.
        put("graceful_timeout", math.ceil(s.graceful_timeout) + 1 if s.graceful_timeout else FOREVER)
        put("timeout", max(1, math.ceil(s.worker_timeout)))
        put("max_requests", s.max_connections)
        put("max_requests_jitter", s.max_connections_jitter)
        if os.geteuid() == 0:       # User/Group: as Apache, only a root parent can drop
            if s.user is not None:
                put("user", s.user)
            if s.group is not None:
                put("group", s.group)
        put("errorlog", log_target(s.error_log))
        put("loglevel", s.log_level)
        put("logger_class", ErrorLogger)
        put("proc_name", "greenphase")
        if "control_socket_disable" in self.cfg.settings:     # gunicorn >= 24: not needed here
            put("control_socket_disable", True)

    def load(self):
        return None     # the worker builds the site itself, after the fork

    def reload_with(self, settings):
        self.settings = settings
        self.do_load_config()


def wrap(sock, cfg, log):
    """gunicorn's listener object around one of our bound (or inherited) sockets."""
    cls = TCP6Socket if sock.family == socket.AF_INET6 or ":" in address_of(sock)[0] else TCPSocket
    return cls(address_of(sock), cfg, log, fd=sock.detach())


class SiteArbiter(Arbiter):

    def __init__(self, app, sockets, inherited=False, pid_file=None):
        before = os.environ.get("SERVER_SOFTWARE")
        super().__init__(app)
        # gunicorn names itself in the environment; CGI scripts would inherit that.
        if before is None:
            os.environ.pop("SERVER_SOFTWARE", None)
        else:
            os.environ["SERVER_SOFTWARE"] = before
        self.inherited = inherited          # systemd's sockets: a reload keeps them as they are
        self.site_pid_file = pid_file
        self.LISTENERS = [wrap(s, self.cfg, self.log) for s in sockets]
        self.booted = set()
        self.announced = False

    def spawn_worker(self):
        # The child reads app.slot as it was at the fork; the parent notes whose it is.
        self.app.slot = self.app.balance.claim(set(self.WORKERS))
        # A stop signal reaching the child before it has handlers of its own would run the
        # arbiter's (inherited), which only queue it in the child's copy of the arbiter: the
        # worker would boot and serve, and the arbiter wait for it for ever. Blocked across
        # the fork, it stays pending until the worker's boot handlers take it.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            pid = super().spawn_worker()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        self.app.balance.assign(pid, self.app.slot)
        return pid

    # -- signals ----------------------------------------------------------------------------
    def _received(self, name):
        self.log.notice("SIG%s received: %s", name.upper(), SIGNALS[name])

    def handle_term(self):
        self._received("term")
        systemd.stopping()
        raise StopIteration

    def handle_winch(self):
        self._received("winch")
        systemd.stopping()
        raise StopIteration

    def handle_int(self):
        self._received("int")
        systemd.stopping()
        super().handle_int()

    def handle_quit(self):
        self._received("quit")
        systemd.stopping()
        super().handle_quit()

    def handle_hup(self):
        self._received("hup")
        self.graceful_reload()

    def handle_usr1(self):
        self._received("usr1")
        self.graceful_reload()

    def handle_usr2(self):
        self._received("usr2")

    def handle_ttin(self):
        self._received("ttin")
        super().handle_ttin()

    def handle_ttou(self):
        self._received("ttou")
        super().handle_ttou()

    def halt(self, reason=None, exit_status=0):
        if self.site_pid_file is not None:
            self.site_pid_file.remove(self.pid)
        super().halt(reason, exit_status)

    # -- readiness --------------------------------------------------------------------------
    def _read_boot_pipe(self):
        try:
            data = os.read(self.app.boot_pipe[0], 65536)
        except BlockingIOError:
            return
        self.booted.update(int(word) for word in data.split())

    def manage_workers(self):
        super().manage_workers()
        self._read_boot_pipe()
        if not self.announced and len(self.booted & set(self.WORKERS)) >= self.num_workers:
            self.announced = True
            for lnr in self.LISTENERS:
                print("listening on http://%s/" % show(address_of(lnr.sock)), flush=True)
            self.log.notice("greenphase serving %s with %d worker%s (pids %s)",
                            self.app.options.config_file, self.num_workers,
                            "" if self.num_workers == 1 else "s",
                            " ".join(str(p) for p in sorted(self.WORKERS)))
            systemd.ready("serving with %d workers" % self.num_workers)

    # -- reload -----------------------------------------------------------------------------
    def graceful_reload(self):
        systemd.reloading()
        try:
            self._reload()
        finally:
            systemd.ready("serving with %d workers" % self.num_workers)

    def _refuse(self, why):
        # To the error log and to stderr (the logger echoes there when the log is a file).
        self.log.error("reload refused, the running workers keep serving: %s", why)

    def _reload(self):
        held = [address_of(lnr.sock) for lnr in self.LISTENERS]
        answer = probe(self.app.options, held=held)    # our own addresses are not "taken"
        if answer.errors:
            self._refuse("the configuration does not pass check:\n  " + "\n  ".join(answer.errors))
            return
        try:
            listeners = self._listeners_for(answer.settings.listen)
        except StartError as exc:
            self._refuse(str(exc))
            return
        for warning in answer.warnings:
            self.log.warning("%s", warning)
        self.app.reload_with(answer.settings)
        self.setup(self.app)            # timeouts, worker count, logger (files reopened)
        self.log.reopen_files()
        dropped = [lnr for lnr in self.LISTENERS if lnr not in listeners]
        self.LISTENERS = listeners
        last_age = self.worker_age
        for _ in range(self.num_workers):
            self.spawn_worker()
        new = {pid for pid, w in self.WORKERS.items() if w.age > last_age}
        if not self._wait_booted(new):
            for pid in new & set(self.WORKERS):
                self.kill_worker(pid, signal.SIGTERM)
            self._refuse("the new workers did not start serving (see above)")
            return
        for lnr in dropped:
            lnr.close()
        old = sorted(pid for pid, w in self.WORKERS.items() if w.age <= last_age)
        for pid in old:
            self.kill_worker(pid, signal.SIGTERM)
        self.log.notice("reloaded: new workers %s serve; old workers %s finish their requests",
                        " ".join(str(p) for p in sorted(new)), " ".join(str(p) for p in old) or "-")

    def _listeners_for(self, addresses):
        """The listeners for a reloaded Listen set: those we hold stay open (they are not
        "taken"), new addresses are bound now."""
        if self.inherited:
            return list(self.LISTENERS)
        held = {address_of(lnr.sock): lnr for lnr in self.LISTENERS}
        wanted = [tuple(a) for a in addresses]
        fresh = bind([a for a in wanted if a not in held])
        fresh_by_address = dict(zip([a for a in wanted if a not in held], fresh))
        return [held[a] if a in held else wrap(fresh_by_address[a], self.cfg, self.log)
                for a in wanted]

    def _wait_booted(self, pids):
        deadline = time.monotonic() + max(BOOT_WAIT, self.timeout)
        while time.monotonic() < deadline:
            self._read_boot_pipe()
            if pids <= self.booted:
                return True
            try:
                self.reap_workers()
            except HaltServer:          # a new worker failed to boot: keep the old ones
                return False
            if not pids <= set(self.WORKERS) | self.booted:
                return False
            select.select([self.app.boot_pipe[0]], [], [], 0.1)
        return False
