"""Load benchmarks on loopback: greenphase against a bare gevent + httptools responder.

Scenarios, each measured for --duration seconds after a short warm-up, in one run:
  baseline   bench/baseline_server.py: GET /                        -> "Hello World!"
  hello      greenphase, PythonHandler (the tutorial's myscript)    -> "Hello World!"
  publisher  greenphase, /pub/funcs.py/both?a=1&b=2 (publisher call) -> "a=1 b=2"
Load comes from wrk when installed (apt-get install wrk), else from a Python generator
(gevent greenlets, one keep-alive connection each); the output says which.
Usage: bench/run.py [--duration 5] [--connections 32] [--threads 1]
"""

import argparse
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
SITE = HERE / "site"
WARMUP = 1.0
START_TIMEOUT = 20.0

SCENARIOS = [  # name, server, path, expected body
    ("baseline", "baseline", "/", b"Hello World!"),
    ("hello", "greenphase", "/hello/myscript.py", b"Hello World!"),
    ("publisher", "greenphase", "/pub/funcs.py/both?a=1&b=2", b"a=1 b=2"),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Process:
    """A server subprocess, ready once it printed `listening on http://...`."""

    def __init__(self, command, cwd=None):
        self.proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        lines = queue.Queue()
        threading.Thread(target=lambda: [lines.put(ln) for ln in self.proc.stdout] + [lines.put(None)],
                         daemon=True).start()
        while True:
            line = lines.get(timeout=START_TIMEOUT)
            if line is None:
                sys.exit(f"{command[0]} exited before listening:\n{self.proc.stderr.read()}")
            if "listening on http://" in line:
                return

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def start_baseline(port, workdir):
    return Process([sys.executable, str(HERE / "baseline_server.py"), str(port)])


def start_greenphase(port, workdir):
    config = Path(workdir) / "bench.conf"
    config.write_text(f'ServerRoot "{SITE}"\nListen 127.0.0.1:{port}\n'
                      f'ErrorLog "{workdir}/error_log"\nInclude site.conf\n')
    script = Path(sys.executable).parent / "greenphase"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "kernel.cli"]
    return Process(command + ["serve", "--config", str(config)])


STARTERS = {"baseline": start_baseline, "greenphase": start_greenphase}


def fetch_once(port, path):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.0\r\nHost: bench\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return head.split(b"\r\n")[0], body


def run_wrk(url, args, duration):
    seconds = max(1, round(duration))            # wrk takes whole seconds
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s", url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return rate, int(bad.group(1)) if bad else 0, errors.group(1) if errors else ""


def run_python(url, args, duration):
    """Fallback generator: in a child process, `connections` gevent greenlets each loop
    GET over one keep-alive connection, parsing responses with httptools."""
    run = subprocess.run([sys.executable, str(HERE / "pyload.py"), url, str(args.connections),
                          str(duration)], capture_output=True, text=True)
    if run.returncode:
        sys.exit(f"load generator failed on {url}:\n{run.stderr}")
    done, bad, seconds = run.stdout.split()
    return int(done) / float(seconds), int(bad), ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    args = parser.parse_args()
    use_wrk = shutil.which("wrk") is not None
    load = run_wrk if use_wrk else run_python
    print(f"load generator: {'wrk' if use_wrk else 'python fallback (gevent greenlets, httptools)'}, "
          f"{args.connections} keep-alive connections"
          + (f", {args.threads} thread(s)" if use_wrk else "")
          + f", {args.duration:g} s per scenario after {WARMUP:g} s warm-up; "
          f"{os.cpu_count()} CPU(s), Python {sys.version.split()[0]}")
    results = {}
    with tempfile.TemporaryDirectory(prefix="greenphase-bench-") as workdir:
        for name, kind, path, expected in SCENARIOS:
            port = free_port()
            server = STARTERS[kind](port, workdir)
            try:
                status, body = fetch_once(port, path)
                if b" 200 " not in status + b" " or body != expected:
                    sys.exit(f"{name}: GET {path} answered {status!r} {body[:200]!r}, "
                             f"expected 200 {expected!r}")
                url = f"http://127.0.0.1:{port}{path}"
                load(url, args, WARMUP)
                rate, bad, errors = load(url, args, args.duration)
            finally:
                server.stop()
            results[name] = rate
            ratio = rate / results["baseline"]
            note = (f"  non-2xx: {bad}" if bad else "") + (f"  socket errors: {errors}" if errors else "")
            print(f"{name:10s} {rate:10.0f} req/s  {ratio:6.1%} of baseline  GET {path}{note}",
                  flush=True)


if __name__ == "__main__":
    main()
