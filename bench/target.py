"""The server bench/soak.py and bench/fuzz.py run against: the hostile corpus's site.

tests/hostile/hostile_site.py has one of everything (a hello handler, the publisher, basic
auth, static files, handlers that raise under PythonDebug Off, an echo handler), so the soak
mixes real work with errors and the fuzzer's mutants land on every kind of resource. The server
is `greenphase serve --config` as a user starts it (tests/support/server.py), on a free
loopback port.
"""

import socket
import sys
import tempfile
from pathlib import Path

import httptools

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests"), str(REPO / "tests" / "hostile")]

import hostile_site  # noqa: E402
from servers import descendants  # noqa: E402
from support.server import Server, free_port, greenphase_command, serve, write_config  # noqa: E402

HEALTH = b"GET /health HTTP/1.1\r\nHost: health\r\nConnection: close\r\n\r\n"


def start(extra_config="", single=False, workers=None):
    """The hostile site served on a free loopback port; returns the running Server (with .root).

    By default as a user starts it: `greenphase serve --config` (gunicorn's arbiter and its
    workers); `single`: one process (`--single`); `workers`: `--workers N`."""
    root = Path(tempfile.mkdtemp(prefix="greenphase-bench-"))
    config = hostile_site.build(root) + extra_config
    if single:
        server = serve(config, directory=root)
    else:
        port = free_port()
        command = greenphase_command() + ["serve", "--config", str(write_config(config, port, root))]
        if workers:
            command += ["--workers", str(workers)]
        server = Server(write_config(config, port, root), port, command=command)
    server.root = root
    return server


def rss_kib(pid):
    """Resident set size of process `pid` in KiB (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def workers(server):
    """The pids serving requests: the arbiter's worker processes (`greenphase serve` runs one
    per core under gunicorn's arbiter), or the server itself when it has none (--single)."""
    children = [pid for pid in descendants(server.proc.pid) if pid != server.proc.pid]
    return sorted(children) or [server.proc.pid]


def rss_all_kib(server):
    """RSS of the server and all its processes, and of each worker: (total, {pid: KiB})."""
    each = {pid: rss_kib(pid) for pid in workers(server)}
    total = sum(each.values())
    if server.proc.pid not in each:
        total += rss_kib(server.proc.pid)
    return total, each


def healthy(port, timeout=10.0):
    """True when a fresh connection gets the health file back within `timeout`."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.sendall(HEALTH)
            data = b""
            while piece := sock.recv(65536):
                data += piece
    except OSError:
        return False
    return data.startswith(b"HTTP/1.1 200 ") and data.endswith(hostile_site.HEALTH_BODY)


class Responses:
    """Complete responses read from one keep-alive connection (httptools' response parser)."""

    def __init__(self):
        self.parser = httptools.HttpResponseParser(self)
        self.done = []              # [(status, body, keep_alive)]
        self.body = []

    def on_body(self, body):
        self.body.append(body)

    def on_message_complete(self):
        self.done.append((self.parser.get_status_code(), b"".join(self.body),
                          self.parser.should_keep_alive()))
        self.body = []

    def feed(self, data):
        self.parser.feed_data(data)
