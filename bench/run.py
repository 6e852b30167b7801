"""Load benchmarks on loopback: greenphase against Apache + mod_python and a bare ceiling.

Servers (bench/servers.py): the bare gevent + httptools responder (the ceiling), greenphase as
`greenphase serve --config` starts it, and a private Apache 2.4 + mod_python configured as Debian
ships it (when apache2 and libapache2-mod-python are installed). greenphase and Apache serve the
same site and handler code (bench/site/). Scenarios:
  hello      the tutorial's hello handler               GET /hello/myscript.py
  publisher  a publisher call with one argument         GET /pub/funcs.py/hello?name=bench
  auth       the tutorial's basic-auth hello (spam/eggs) GET /auth/protected.py
  static     a 4 KB static file                         GET /static/page.html
  c256       hello on 256 connections (look at p99)
  sleep      1000 connections on a handler sleeping 1 s (req/s, timeouts, p99; cap 1000 req/s)
  rss        RSS of all server processes holding 10,000 idle keep-alive connections (fresh
             servers, KeepAliveTimeout 120 on both for this test)
Each scenario runs its servers interleaved (A/B/C, B/C/A, ...) for --rounds rounds after a
warm-up; the table shows medians. Load comes from wrk (apt-get install wrk), else from a Python
generator (no latencies). No access log on either server.
"""

import argparse
import base64
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import load
import servers

HERE = Path(__file__).resolve().parent
AUTH = "Authorization: Basic " + base64.b64encode(b"spam:eggs").decode()
ALL = ("ceiling", "greenphase", "apache")
APPS = ("greenphase", "apache")
IDLE_CONNECTIONS = 10_000
# --smoke checks the bench itself, in a few seconds: greenphase as one process (the arbiter
# and its workers take seconds to start on a busy machine).
SMOKE_OPTIONS = ("--single",)
# The idle test alone raises KeepAliveTimeout (5 s in Debian's apache2.conf and in greenphase)
# on both servers, so that its client holds the connections without pinging each one every
# few seconds (that would be thousands of requests a second, not idle connections).
IDLE_CONFIG = "KeepAliveTimeout 120"


@dataclass
class Scenario:
    name: str
    path: str
    expect: bytes
    servers: tuple
    connections: int = 0         # 0: --connections
    headers: tuple = ()
    sleep: bool = False          # uses --sleep-duration and wrk's 2 s timeout
    ceiling: str = "hello"       # the ceiling row its "vs ceiling" ratio uses


SCENARIOS = [
    Scenario("hello", "/hello/myscript.py", b"Hello World!", ALL),
    Scenario("publisher", "/pub/funcs.py/hello?name=bench", b"Hello, bench!", APPS),
    Scenario("auth", "/auth/protected.py", b"Hello World!", APPS, headers=(AUTH,)),
    Scenario("static", "/static/page.html", (HERE / "site/static/page.html").read_bytes(), APPS),
    Scenario("c256", "/hello/myscript.py", b"Hello World!", ALL, connections=256, ceiling="c256"),
    Scenario("sleep", "/sleep/sleeper.py", b"slept 1s", APPS, connections=1000, sleep=True,
             ceiling=None),
    Scenario("rss", "/hello/myscript.py", b"Hello World!", ALL, ceiling=None),
]


def fetch_once(port, path, headers=()):
    import socket
    extra = "".join(h + "\r\n" for h in headers)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.0\r\nHost: bench\r\n{extra}\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return head.split(b"\r\n")[0], body


def check(server, scenario):
    status, body = fetch_once(server.port, scenario.path, scenario.headers)
    if b" 200 " not in status + b" " or body != scenario.expect:
        raise RuntimeError(f"{server.name}: GET {scenario.path} answered {status!r} {body[:200]!r},"
                           f" expected 200 {scenario.expect[:60]!r}")


def note(text):
    print(text, file=sys.stderr, flush=True)


def measure_load(server, scenario, args, generator, warmup):
    url = f"http://127.0.0.1:{server.port}{scenario.path}"
    connections = scenario.connections or args.connections
    duration = args.sleep_duration if scenario.sleep else args.duration
    options = dict(threads=args.threads, headers=scenario.headers,
                   timeout=2.0 if scenario.sleep else None)
    if warmup and not args.smoke:
        generator(url, connections, min(2.0, duration), **options)
    return generator(url, connections, duration, **options)


def measure_rss(name, scenario, workdir, started):
    """A fresh server; RSS of its processes holding IDLE_CONNECTIONS keep-alive connections."""
    server = servers.STARTERS[name](servers.free_port(), workdir, IDLE_CONFIG)
    started.append(server)
    client = None
    try:
        check(server, scenario)
        before = servers.rss_kib(server.pids())
        client = subprocess.Popen([sys.executable, str(HERE / "idle_client.py"), str(server.port),
                                   scenario.path, str(IDLE_CONNECTIONS)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        ready = client.stdout.readline().split()
        if not ready or ready[0] != "ready":
            raise RuntimeError(f"idle client failed against {name}: {ready}")
        samples = []
        for _ in range(3):            # the highest of a few samples
            time.sleep(1.0)
            pids = server.pids()
            samples.append((servers.rss_kib(pids), servers.pss_kib(pids)))
        client.stdin.write("count\n")
        client.stdin.flush()
        held = int(client.stdout.readline().split()[1])
        return dict(rss=max(r for r, _ in samples), pss=max(p for _, p in samples), before=before,
                    held=held, processes=len(server.pids()))
    finally:
        if client:
            client.stdin.close()
            try:
                client.wait(10)
            except subprocess.TimeoutExpired:
                client.kill()
                client.wait()
        server.stop()
        started.remove(server)


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt_time(seconds):
    if seconds is None:
        return "—"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def table(results, order):
    rows = ["| scenario | server | req/s | p50 | p99 | vs Apache | vs ceiling | notes |",
            "|---|---|---:|---:|---:|---:|---:|---|"]
    for scenario in order:
        runs = results.get(scenario.name, {})
        for name in scenario.servers:
            if name not in runs:
                continue
            got = runs[name]
            if scenario.name == "rss":
                r = {key: median([run[key] for run in got]) for key in got[0]}
                rows.append(f"| rss | {name} | — | — | — | — | — | {r['rss'] / 1024:.0f} MiB RSS "
                            f"(PSS {r['pss'] / 1024:.0f} MiB) in {r['processes']:.0f} process(es) "
                            f"holding {r['held']:,.0f} of {IDLE_CONNECTIONS:,} (RSS at rest "
                            f"{r['before'] / 1024:.0f} MiB) |")
                continue
            rate = median([r.rate for r in got])
            apache = runs.get("apache")
            vs_apache = f"{rate / median([r.rate for r in apache]):.2f}x" if apache else "—"
            ceiling = results.get(scenario.ceiling, {}).get("ceiling") if scenario.ceiling else None
            vs_ceiling = f"{rate / median([r.rate for r in ceiling]):.1%}" if ceiling else "—"
            extra = []
            if scenario.sleep or any(r.timeouts for r in got):
                extra.append("timeouts " + "/".join(str(r.timeouts) for r in got))
            if any(r.bad for r in got):
                extra.append("non-2xx " + "/".join(str(r.bad) for r in got))
            if any(r.errors for r in got):
                extra.append("socket errors " + "/".join(str(r.errors) for r in got))
            rows.append(f"| {scenario.name} | {name} | {rate:,.0f} | {fmt_time(median([r.p50 for r in got]))} "
                        f"| {fmt_time(median([r.p99 for r in got]))} | {vs_apache} | {vs_ceiling} "
                        f"| {', '.join(extra)} |")
    return "\n".join(rows)


def describe_box(args, generator_name, apache, load_before):
    model = ""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        model = next((ln.split(":", 1)[1].strip() for ln in out.splitlines()
                      if ln.startswith("Model name")), "")
    except OSError:
        pass
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (f"{when}; {os.cpu_count()} CPUs ({model}), Linux {platform.release()}, Python "
            f"{platform.python_version()}; load: {generator_name}, {args.connections} connections"
            f" unless named, {args.threads} threads; {args.duration:g} s per run "
            f"(sleep: {args.sleep_duration:g} s), {args.rounds} rounds interleaved, medians; "
            f"Apache: {apache}; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} "
            f"after (other jobs on the machine)")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog=__doc__.split(
        "\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per run (default 5)")
    parser.add_argument("--sleep-duration", type=float, default=20.0,
                        help="seconds per sleep-test run (default 20: each of its connections "
                             "completes about one request a second, a short run loses its last)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="run only this scenario (repeatable): "
                             + ", ".join(s.name for s in SCENARIOS))
    parser.add_argument("--no-apache", action="store_true", help="leave Apache out")
    parser.add_argument("--smoke", action="store_true",
                        help="a quick check that the bench works: hello only, 1 s, 1 round, "
                             "no warm-up, no Apache, greenphase --single")
    args = parser.parse_args(argv)
    if args.smoke:
        args.only, args.duration, args.rounds, args.no_apache = ["hello"], 1.0, 1, True
    unknown = set(args.only) - {s.name for s in SCENARIOS}
    if unknown:
        parser.error("unknown scenario(s): " + ", ".join(sorted(unknown)))
    return args


def main(argv=None):
    args = parse_args(argv)
    generator = load.wrk if load.have_wrk() else load.python
    generator_name = "wrk" if load.have_wrk() else "Python fallback (apt-get install wrk)"
    missing = "left out (--no-apache)" if args.no_apache else servers.apache_available()
    names = [n for n in ALL if n != "apache" or not missing]
    chosen = [s for s in SCENARIOS if not args.only or s.name in args.only]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    load_before = os.getloadavg()[0]
    started, results = [], {}
    with tempfile.TemporaryDirectory(prefix="greenphase-bench-") as workdir:
        os.chmod(workdir, 0o755)           # Apache's children (www-data) read their run files
        try:
            if any(s.name != "rss" for s in chosen):
                for name in names:
                    options = {"options": SMOKE_OPTIONS} if args.smoke and name == "greenphase" else {}
                    started.append(servers.STARTERS[name](servers.free_port(), workdir, **options))
            running = {s.name: s for s in started}
            for scenario in chosen:
                here = [n for n in scenario.servers if n in names]
                runs = results.setdefault(scenario.name, {})
                for round_ in range(args.rounds):
                    order = here[round_ % len(here):] + here[:round_ % len(here)]
                    for name in order:
                        if scenario.name == "rss":
                            got = measure_rss(name, scenario, workdir, started)
                            note(f"rss {name}: {got}")
                        else:
                            server = running[name]
                            if round_ == 0:
                                check(server, scenario)
                            got = measure_load(server, scenario, args, generator, round_ == 0)
                            note(f"{scenario.name} {name} round {round_ + 1}: {got}")
                        runs.setdefault(name, []).append(got)
        finally:
            for server in started:
                server.stop()
    print(describe_box(args, generator_name, missing or "Debian's apache2 + mod_python, event MPM",
                       load_before))
    print()
    print(table(results, chosen))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:           # the servers were stopped on the way out
        sys.exit("bench: interrupted")
