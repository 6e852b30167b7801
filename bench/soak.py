"""Soak: a million mixed requests against one real greenphase process, its RSS sampled.

    .venv/bin/python bench/soak.py [--requests 1000000] [--concurrency 16] [--seed 1]

The mix (bench/target.py serves the hostile corpus's site): the hello handler, a publisher call,
basic auth (right and missing credentials), static files, POSTed bodies read by a handler, and
errors (404, 403, a handler raising under PythonDebug Off, a malformed request). About a third
of the requests go on a fresh `Connection: close` connection, the rest on kept-alive ones
(renewed when the server ends them). Every answer is checked (status, and body where it is
fixed). The server runs as a user starts it (`greenphase serve`: gunicorn's arbiter and one
worker per core; --workers N, or --single for one process); the RSS of all its processes,
and of each worker, is sampled every --sample-every requests.

Reported: requests sent and answers counted (lost = sent without an answer), wrong answers,
RSS after the warm-up and at the end (growth, and the slope of a least-squares line through
the samples after warm-up), per worker too, workers replaced during the run, and the rate.
Exit status 1 when an answer was wrong or lost, the server died or a worker was replaced, or
RSS grew by more than --max-growth MiB after warm-up. Loopback only; it stops by itself. CPU
heavy: run it under `nice -n 10` on a shared machine.
"""

import argparse
import base64
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass

import gevent
from gevent import socket

import target

AUTH = b"Authorization: Basic " + base64.b64encode(b"spam:eggs") + b"\r\n"
INDEX = target.hostile_site.FILES["index.html"].encode()


@dataclass
class Kind:
    name: str
    request: bytes          # method, target and headers, without the last CRLF and Connection
    status: int
    body: bytes = None      # the exact body expected, when it is fixed
    weight: int = 1
    closes: bool = False    # the server ends the connection after it (a refused request)


def body_post(text):
    return b"POST /echo/ HTTP/1.1\r\nHost: soak\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n" \
        % len(text), text


ECHO_HEAD, ECHO_BODY = body_post(b"soak body " * 20)
KINDS = [
    Kind("hello", b"GET /hello/hello.py HTTP/1.1\r\nHost: soak\r\n", 200, b"Hello World!", 25),
    Kind("publisher", b"GET /pub/funcs.py/hello?name=soak HTTP/1.1\r\nHost: soak\r\n", 200,
         b"Hello, soak!", 20),
    Kind("auth", b"GET /auth/secret.txt HTTP/1.1\r\nHost: soak\r\n" + AUTH, 200,
         b"TOP-SECRET-CONTENT\n", 10),
    Kind("auth-missing", b"GET /auth/secret.txt HTTP/1.1\r\nHost: soak\r\n", 401, None, 5),
    Kind("static", b"GET /index.html HTTP/1.1\r\nHost: soak\r\n", 200, INDEX, 20),
    Kind("post-body", ECHO_HEAD, 200, b"got %d:%s" % (len(ECHO_BODY), ECHO_BODY), 8),
    Kind("not-found", b"GET /no/such/file.html HTTP/1.1\r\nHost: soak\r\n", 404, None, 5),
    Kind("forbidden", b"GET /.htpasswd HTTP/1.1\r\nHost: soak\r\n", 403, None, 3),
    Kind("handler-raises", b"GET /debugoff/x.py HTTP/1.1\r\nHost: soak\r\n", 500, None, 2),
    Kind("malformed", b"GET /health HTTP/1.1\r\nHost: soak\r\nContent-Length: abc\r\n", 400, None, 2,
         closes=True),
]
CLOSE_SHARE = 0.3
READ_TIMEOUT = 30.0


def wire(kind, close):
    body = ECHO_BODY if kind.name == "post-body" else b""
    return kind.request + (b"Connection: close\r\n" if close else b"") + b"\r\n" + body


class Soak:
    def __init__(self, server, total, sample_every):
        self.server, self.port = server, server.port
        self.total, self.sample_every = total, sample_every
        self.next = 0
        self.sent = self.answered = self.lost = 0
        self.wrong = Counter()
        self.examples = {}
        self.by_kind = Counter()
        self.samples = []           # (requests answered or lost, total RSS KiB, {worker: KiB})
        self.first_workers = target.workers(server)
        self.replaced = set()       # workers that went away during the run (crashed, replaced)

    def take(self):
        if self.next >= self.total:
            return None
        self.next += 1
        return self.next

    def settle(self, kind, result):
        """One request is over: `result` is (status, body, keep_alive) or None (lost)."""
        self.by_kind[kind.name] += 1
        if result is None:
            self.lost += 1
        else:
            self.answered += 1
            status, body, _ = result
            if status != kind.status or (kind.body is not None and body != kind.body):
                self.wrong[kind.name] += 1
                self.examples.setdefault(kind.name, (status, body[:200]))
        done = self.answered + self.lost
        if done % self.sample_every == 0:
            total, each = target.rss_all_kib(self.server)
            self.samples.append((done, total, each))
            self.replaced.update(set(self.first_workers) - set(each))

    def worker(self, seed):
        rng = random.Random(seed)
        weights = [k.weight for k in KINDS]
        conn = None
        while self.take() is not None:
            kind = rng.choices(KINDS, weights)[0]
            close = kind.closes or rng.random() < CLOSE_SHARE
            if close:
                if conn is not None:
                    conn.close()
                    conn = None
                self.settle(kind, self.one_shot(wire(kind, True)))
                continue
            if conn is None:
                conn = Kept(self.port)
            result = conn.exchange(wire(kind, False), self)
            self.settle(kind, result)
            if result is None or not result[2]:
                conn.close()
                conn = None
        if conn is not None:
            conn.close()

    def one_shot(self, raw):
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=READ_TIMEOUT)
        try:
            sock.sendall(raw)
            self.sent += 1
            responses = target.Responses()
            while not responses.done:
                data = sock.recv(65536)
                if not data:
                    return None
                responses.feed(data)
            return responses.done[0]
        except OSError:
            return None
        finally:
            sock.close()


class Kept:
    """One keep-alive connection."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=READ_TIMEOUT)
        self.responses = target.Responses()

    def exchange(self, raw, soak):
        try:
            self.sock.sendall(raw)
            soak.sent += 1
            while not self.responses.done:
                data = self.sock.recv(65536)
                if not data:
                    return None
                self.responses.feed(data)
            return self.responses.done.pop(0)
        except OSError:
            return None

    def close(self):
        self.sock.close()


def slope_per_100k(points):
    """KiB per 100,000 requests of the least-squares line through (requests, KiB)."""
    if len(points) < 2:
        return 0.0
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    sxy = sum((x - mx) * (y - my) for x, y in points)
    return sxy / sxx * 100_000 if sxx else 0.0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--sample-every", type=int, default=10_000)
    parser.add_argument("--warmup", type=int, default=None,
                        help="requests before RSS counts (default: a tenth, at most 100,000)")
    parser.add_argument("--max-growth", type=float, default=10.0,
                        help="MiB of RSS growth after warm-up that fails the run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--single", action="store_true",
                        help="serve with one process (greenphase serve --single)")
    parser.add_argument("--workers", type=int, default=None,
                        help="greenphase serve --workers N (default: greenphase's own, one per core)")
    args = parser.parse_args(argv)
    warmup = args.warmup if args.warmup is not None else min(args.requests // 10, 100_000)

    server = target.start(single=args.single, workers=args.workers)
    total, each = target.rss_all_kib(server)
    print(f"soak: {args.requests:,} requests, concurrency {args.concurrency}, server pid "
          f"{server.proc.pid} (workers {', '.join(map(str, each))}) on port {server.port}, "
          f"RSS {total / 1024:.1f} MiB in all at start", flush=True)
    soak = Soak(server, args.requests, args.sample_every)
    started = time.monotonic()
    progress = gevent.spawn(report_progress, soak, started)
    try:
        gevent.joinall([gevent.spawn(soak.worker, args.seed * 1000 + n)
                        for n in range(args.concurrency)], raise_error=True)
    finally:
        progress.kill()
        elapsed = time.monotonic() - started
        alive = server.proc.poll() is None
        healthy = alive and target.healthy(server.port)
        server.stop()
    return summarize(soak, args, warmup, elapsed, alive, healthy)


def report_progress(soak, started):
    while True:
        gevent.sleep(30)
        done = soak.answered + soak.lost
        rss = soak.samples[-1][1] / 1024 if soak.samples else 0     # all processes
        print(f"  {done:>9,} done  {done / (time.monotonic() - started):6.0f} req/s  "
              f"RSS {rss:.1f} MiB  wrong {sum(soak.wrong.values())}  lost {soak.lost}", flush=True)


def summarize(soak, args, warmup, elapsed, alive, healthy):
    after = [(n, kib) for n, kib, _ in soak.samples if n >= warmup]
    base = after[0][1] if after else 0
    end = soak.samples[-1][1] if soak.samples else 0
    growth = (end - base) / 1024
    peak = max((kib for _, kib in after), default=0) / 1024
    first = next((each for n, _, each in soak.samples if n >= warmup), {})
    last = soak.samples[-1][2] if soak.samples else {}
    wrong = sum(soak.wrong.values())
    print(f"\nrequests sent {soak.sent:,}, answers counted {soak.answered:,}, lost {soak.lost:,}, "
          f"wrong answers {wrong:,}")
    print("mix: " + ", ".join(f"{name} {count:,}" for name, count in soak.by_kind.most_common()))
    for name, count in soak.wrong.items():
        print(f"  wrong {name}: {count:,}, e.g. {soak.examples[name]!r}")
    print(f"elapsed {elapsed:.0f} s, {soak.answered / elapsed:.0f} answers/s")
    print(f"RSS (arbiter and workers together) samples: {len(soak.samples)} (every "
          f"{args.sample_every:,}); after the warm-up of "
          f"{warmup:,}: {base / 1024:.1f} MiB -> {end / 1024:.1f} MiB at the end "
          f"(growth {growth:+.1f} MiB, peak {peak:.1f} MiB, slope "
          f"{slope_per_100k(after) / 1024:+.2f} MiB per 100k requests)")
    print("RSS MiB by requests: " + " ".join(f"{n // 1000}k:{kib / 1024:.1f}"
                                             for n, kib, _ in soak.samples[::max(1, len(soak.samples) // 20)]))
    print("per worker after warm-up -> end: " + ", ".join(
        f"pid {pid} {first[pid] / 1024:.1f} -> {last[pid] / 1024:.1f} MiB" for pid in sorted(first) if pid in last))
    print(f"workers replaced during the run: {len(soak.replaced)}"
          + (f" ({', '.join(map(str, sorted(soak.replaced)))})" if soak.replaced else ""))
    print(f"server process alive at the end: {alive}, health request answered: {healthy}")
    ok = alive and healthy and wrong == 0 and soak.lost == 0 and soak.sent == soak.answered \
        and growth <= args.max_growth and not soak.replaced
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
