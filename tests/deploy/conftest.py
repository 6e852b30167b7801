"""Sites and processes for the deployment tests: `greenphase serve` under the arbiter, and a
real gunicorn serving the WSGI entry. Short timeouts are configured, never waited out."""

import os
import queue
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from support.httpclient import get
from support.server import Server, free_port, greenphase_command, with_port
from support.waiting import wait_for as _wait_for

# The handler every deployment test serves: its answers name the worker's pid and the code
# version; /slow waits for a file the test creates; /spin keeps the CPU busy.
APP = '''
import os
import time
from mod_python import apache

VERSION = "{version}"
STATE = {state!r}


def handler(req):
    req.content_type = "text/plain"
    if req.uri == "/slow":
        open(os.path.join(STATE, "started-%d-%d" % (os.getpid(), id(req))), "w").close()
        while not os.path.exists(os.path.join(STATE, "gate")):
            time.sleep(0.01)        # gevent's sleep: the worker serves others meanwhile
        req.write("slow done by %d" % os.getpid())
    elif req.uri == "/spin":
        with open(os.path.join(STATE, "spinner"), "w") as f:
            f.write(str(os.getpid()))
        end = time.monotonic() + 60
        while time.monotonic() < end:       # holds the CPU: no greenlet runs in this worker
            pass
        req.write("spun")
    elif req.uri == "/uid":
        req.write("%d %d" % (os.getuid(), os.getgid()))
    elif req.uri == "/stream":
        for i in range(3):
            req.write("piece %d;" % i)
    elif req.uri == "/gated":
        req.write("first;")                 # flushed: the client has it before the gate opens
        while not os.path.exists(os.path.join(STATE, "gate")):
            time.sleep(0.01)
        req.write("second")
    elif req.uri == "/forbidden":
        return apache.HTTP_FORBIDDEN
    elif req.uri == "/echo":
        req.write("%s %r" % (req.method, req.read()))
    else:
        req.write("%d %s" % (os.getpid(), VERSION))
    return apache.OK
'''

CONFIG = '''
ServerRoot "{root}"
DocumentRoot "{root}/htdocs"
ErrorLog "{root}/logs/error_log"
LogLevel info
GracefulShutdownTimeout 20
WorkerTimeout 3
{extra}
<Directory "{root}/htdocs">
    SetHandler mod_python
    PythonHandler app
    PythonAutoReload Off
</Directory>
'''


class Site:
    """A site folder: htdocs/app.py, a config file, a state folder for /slow and /spin."""

    def __init__(self, root, extra=""):
        self.root = Path(root)
        self.state = self.root / "state"
        for folder in ("htdocs", "state", "logs"):
            (self.root / folder).mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.config = self.root / "site.conf"
        self.write_app("v1")
        self.write_config(extra)

    def write_app(self, version):
        path = self.root / "htdocs" / "app.py"
        path.write_text(APP.format(version=version, state=str(self.state)))
        for cached in (self.root / "htdocs" / "__pycache__").glob("app*"):
            cached.unlink()

    def write_config(self, extra="", port=None):
        text = CONFIG.format(root=self.root, extra=textwrap.dedent(extra))
        self.config.write_text(with_port(text, port or self.port))

    @property
    def error_log(self):
        path = self.root / "logs" / "error_log"
        return path.read_text() if path.exists() else ""

    def get(self, path="/", port=None, **kw):
        return get(port or self.port, path, **kw)


def serve_command(config, *args):
    return greenphase_command() + ["serve", "--config", str(config), *args]


@pytest.fixture
def site(tmp_path):
    return Site(tmp_path / "site")


@pytest.fixture
def arbiter():
    """Factory: `arbiter(site, workers=2, env=None, command=None)` -> running Server."""
    started = []

    def start(site, workers=2, env=None, command=None):
        server = Server(site.config, site.port, env=env,
                        command=command or serve_command(site.config, "--workers", str(workers)))
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def wait_for(predicate, timeout=60.0, what="condition"):
    """support.waiting.wait_for with the longer default a process start needs."""
    return _wait_for(predicate, timeout, what, interval=0.05)


def pids_answering(site, want, tries=400):
    """Distinct worker pids seen over fresh connections, until `want` of them answered."""
    seen = set()
    for _ in range(tries):
        seen.add(int(site.get("/").text.split()[0]))
        if len(seen) >= want:
            break
    return seen


class Gunicorn:
    """A real gunicorn serving the WSGI entry; ready once it says it listens."""

    def __init__(self, app_spec, worker_class, cwd, env=None):
        self.port = free_port()
        self.lines = queue.Queue()
        self.output = []
        command = [str(Path(sys.executable).parent / "gunicorn"), "-k", worker_class,
                   "-b", "127.0.0.1:%d" % self.port, "--graceful-timeout", "2", app_spec]
        self.proc = subprocess.Popen(command, cwd=cwd, env=dict(os.environ, **(env or {})),
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._drain, daemon=True).start()
        deadline = time.monotonic() + 30
        while True:
            line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            if line is None:
                raise RuntimeError("gunicorn exited:\n" + "".join(self.output))
            if re.search(r"Listening at: http://127\.0\.0\.1:%d" % self.port, line):
                return          # bound: requests wait in the backlog until a worker serves

    def _drain(self):
        for line in self.proc.stdout:
            self.output.append(line)
            self.lines.put(line)
        self.lines.put(None)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
