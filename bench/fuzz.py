"""Fuzz: mutated requests against one real greenphase process; nothing may crash or hang it.

    .venv/bin/python bench/fuzz.py [--requests 100000] [--seed 1] [--concurrency 8]

Seeds: the requests recorded from Apache (tests/golden/cases/*/*.req) and the hostile corpus
(tests/hostile/: its framing cases, pipelines, paths, publisher and auth targets). Each request
is a seed with 1-4 mutations: bit flips, inserted bytes (CR, LF, NUL, '%', ';', high bytes,
framing headers ...), deleted spans, splices of two seeds, duplicated header lines, huge
values, extreme numbers, case flips, CRLF turned into LF, truncation. Request i of a run is
determined by (--seed, i), so a finding replays exactly.

Each mutant goes on a fresh connection, which the client then half-closes (it has nothing more
to say, so a truncated request ends at once instead of waiting out the server's Timeout). The
checks: the server answers or closes within --bound seconds (else a hang); its answer starts
with a well-formed status line; no 5xx unless the target is a handler that raises or reads a
body the client cut short (/debugoff/, /debugon/, /inject/, /echo/, the publisher) or the status
is 501/505; the server (`greenphase serve` as a user starts it, or --single) stays up, none of
its workers is replaced (a worker that crashed or hung), and it answers a health request
after every batch. Findings are
saved to --save (default /tmp/greenphase-fuzz/) as .req files. Exit status 1 on any finding.
"""

import argparse
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

import gevent
from gevent import socket

import target

GOLDEN = target.REPO / "tests" / "golden" / "cases"
STATUS = re.compile(rb"^HTTP/1\.1 (\d{3}) [^\r\n]*\r\n", re.M)
# Handlers here raise on purpose, or read a body the mutant may cut short (an IOError there
# is the handler's 500, as in mod_python); everywhere else a 5xx is the server's fault.
RAISING = (b"/debugoff/", b"/debugon/", b"/inject/")
READING = (b"/echo", b"/pub")    # however a mutant spells them: /echo#/, /echo?x, /pub/x.py
BODY_HEADER = re.compile(rb"(?i)content-length|transfer-encoding")
ALLOWED_5XX = {501, 505}
TOKENS = [b"\r", b"\n", b"\r\n", b"\0", b" ", b"\t", b":", b";", b",", b"%", b"%00", b"%2f",
          b"%2e%2e/", b"../", b"/", b"\\", b"\xff", b"\x7f", b"\xc0\xae", b"?", b"#", b"*",
          b"chunked", b"Content-Length: 5\r\n", b"Content-Length: -1\r\n",
          b"Transfer-Encoding: chunked\r\n", b"0\r\n\r\n", b"ffffffff\r\n", b"Expect: 100-continue\r\n",
          b"Host: evil\r\n", b"Connection: keep-alive\r\n", b" HTTP/1.0", b"HTTP/1.1\r\n", b"\r\n\r\n",
          b"Authorization: Basic c3BhbTplZ2dz\r\n", b"Range: bytes=0-1,-1,5-\r\n"]
NUMBERS = [b"-1", b"0", b"+3", b"0x10", b"99999999999999999999", b"18446744073709551616",
           b"4294967296", b"1e3", b"00000000003", b"3 3", b""]


def load_seeds():
    seeds = [path.read_bytes() for path in sorted(GOLDEN.glob("*/*.req"))]
    import test_hostile_auth
    import test_hostile_framing
    import test_hostile_paths
    import test_hostile_publisher
    seeds += [case.raw for case in test_hostile_framing.CASES]
    seeds += [raw for _, raw, _ in test_hostile_framing.PIPELINES]
    targets = [c[1] for c in test_hostile_paths.CASES] + [c[1] for c in test_hostile_publisher.CASES] \
        + [c[2] for c in test_hostile_auth.CASES]
    for t in targets:
        method, _, path = t.rpartition(" ")
        seeds.append(b"%s %s HTTP/1.1\r\nHost: fuzz\r\nUser-Agent: fuzz\r\nAccept: */*\r\n\r\n"
                     % ((method or "GET").encode(), path.encode("latin-1")))
    seeds.append(b"POST /echo/ HTTP/1.1\r\nHost: fuzz\r\nTransfer-Encoding: chunked\r\n\r\n"
                 b"5;ext=1\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n")
    seeds.append(b"POST /pub/funcs.py/hello HTTP/1.1\r\nHost: fuzz\r\nContent-Type: "
                 b"application/x-www-form-urlencoded\r\nContent-Length: 9\r\n\r\nname=fuzz")
    return seeds


# -- mutations ------------------------------------------------------------------------------

def flip(rng, data, seeds):
    if not data:
        return data
    i = rng.randrange(len(data))
    return data[:i] + bytes([data[i] ^ (1 << rng.randrange(8))]) + data[i + 1:]


def insert(rng, data, seeds):
    i = rng.randrange(len(data) + 1)
    token = rng.choice(TOKENS) if rng.random() < 0.8 else bytes(rng.randrange(256)
                                                                for _ in range(rng.randrange(1, 8)))
    return data[:i] + token + data[i:]


def delete(rng, data, seeds):
    if not data:
        return data
    i = rng.randrange(len(data))
    return data[:i] + data[i + rng.randrange(1, 16):]


def splice(rng, data, seeds):
    other = rng.choice(seeds)
    return data[:rng.randrange(len(data) + 1)] + other[rng.randrange(len(other) + 1):]


def duplicate_header(rng, data, seeds):
    lines = data.split(b"\r\n")
    if len(lines) < 3:
        return data
    i = rng.randrange(1, len(lines) - 1)
    return b"\r\n".join(lines[:i] + [lines[i]] * rng.randrange(2, 4) + lines[i:])


def huge_value(rng, data, seeds):
    size = rng.choice((1000, 8200, 20000, 100000, 300000))
    filler = rng.choice((b"A", b"0", b"a=b;", b"%41", b" "))
    if rng.random() < 0.5:
        i = data.find(b"\r\n")
        return data[:i + 2] + b"X-Huge: " + filler * (size // len(filler)) + b"\r\n" + data[i + 2:] \
            if i >= 0 else data + filler * size
    i = rng.randrange(len(data) + 1)
    return data[:i] + filler * (size // len(filler)) + data[i:]


def number(rng, data, seeds):
    runs = [m.span() for m in re.finditer(rb"\d+", data)]
    if not runs:
        return insert(rng, data, seeds)
    start, end = rng.choice(runs)
    return data[:start] + rng.choice(NUMBERS) + data[end:]


def case_flip(rng, data, seeds):
    if not data:
        return data
    i = rng.randrange(len(data))
    return data[:i] + data[i:i + 12].swapcase() + data[i + 12:]


def bare_lf(rng, data, seeds):
    spots = [m.start() for m in re.finditer(rb"\r\n", data)]
    if not spots:
        return data
    i = rng.choice(spots)
    return data[:i] + rng.choice((b"\n", b"\r", b"\n\r", b"\r\r\n")) + data[i + 2:]


def truncate(rng, data, seeds):
    return data[:rng.randrange(len(data) + 1)]


def pipeline(rng, data, seeds):
    return data + rng.choice(seeds)


MUTATIONS = [(flip, 4), (insert, 6), (delete, 3), (splice, 2), (duplicate_header, 3),
             (huge_value, 1), (number, 4), (case_flip, 2), (bare_lf, 3), (truncate, 2), (pipeline, 1)]


def mutant(seeds, seed, index):
    rng = random.Random(f"{seed}:{index}")
    data = rng.choice(seeds)
    functions, weights = zip(*MUTATIONS)
    for fn in rng.choices(functions, weights, k=rng.randrange(1, 5)):
        data = fn(rng, data, seeds)
    return data


# -- running --------------------------------------------------------------------------------

def handler_error(data):
    """A 500 here is a handler's: it raises on purpose, or read a body the mutant cut short."""
    return any(t in data for t in RAISING) or (any(t in data for t in READING)
                                                 and BODY_HEADER.search(data) is not None)


class Fuzz:
    def __init__(self, port, bound, save):
        self.port, self.bound, self.save = port, bound, save
        self.statuses = Counter()
        self.silent_closes = 0
        self.findings = Counter()
        self.saved = 0

    def found(self, kind, index, data, answer=b""):
        self.findings[kind] += 1
        if self.saved < 200:
            self.saved += 1
            self.save.mkdir(parents=True, exist_ok=True)
            (self.save / f"{kind}-{index}.req").write_bytes(data)
            (self.save / f"{kind}-{index}.resp").write_bytes(answer[:4000])

    def one(self, index, data):
        try:
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=self.bound)
        except OSError:
            self.found("connect-failed", index, data)
            return
        answer = b""
        try:
            try:
                sock.sendall(data)
                sock.shutdown(socket.SHUT_WR)
            except OSError:
                pass                # refused before it read everything: its answer still counts
            deadline = time.monotonic() + self.bound
            while True:
                sock.settimeout(max(0.01, deadline - time.monotonic()))
                try:
                    piece = sock.recv(65536)
                except socket.timeout:
                    self.found("hang", index, data, answer)
                    return
                except ConnectionResetError:
                    break
                if not piece:
                    break
                answer += piece
        finally:
            sock.close()
        self.check(index, data, answer)

    def check(self, index, data, answer):
        if not answer:
            self.silent_closes += 1
            return
        if not STATUS.match(answer):
            self.found("malformed-answer", index, data, answer)
            return
        for status in map(int, STATUS.findall(answer)):
            self.statuses[status] += 1
            if status >= 500 and status not in ALLOWED_5XX and not handler_error(data):
                self.found("unexpected-%d" % status, index, data, answer)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--batch", type=int, default=1000, help="requests between health checks")
    parser.add_argument("--bound", type=float, default=10.0, help="seconds to an answer or a close")
    parser.add_argument("--save", type=Path, default=Path("/tmp/greenphase-fuzz"))
    parser.add_argument("--single", action="store_true",
                        help="serve with one process (greenphase serve --single)")
    args = parser.parse_args(argv)

    seeds = load_seeds()
    server = target.start("Timeout 3\nKeepAliveTimeout 2\n", single=args.single)
    first_workers = target.workers(server)
    pid = server.proc.pid
    print(f"fuzz: {args.requests:,} mutants of {len(seeds)} seeds, seed {args.seed}, "
          f"concurrency {args.concurrency}, server pid {pid} (workers "
          f"{', '.join(map(str, first_workers))}) on port {server.port}", flush=True)
    fuzz = Fuzz(server.port, args.bound, args.save)
    started = time.monotonic()
    batches = healthy_batches = 0
    crashed = False
    try:
        for first in range(0, args.requests, args.batch):
            indexes = iter(range(first, min(first + args.batch, args.requests)))

            def worker():
                for i in indexes:
                    fuzz.one(i, mutant(seeds, args.seed, i))
            gevent.joinall([gevent.spawn(worker) for _ in range(args.concurrency)], raise_error=True)
            batches += 1
            if server.proc.poll() is not None:
                crashed = True
                fuzz.found("server-died", first, b"batch starting at %d" % first)
                break
            gone = set(first_workers) - set(target.workers(server))
            if gone:
                fuzz.found("worker-replaced", first, b"workers %r went away in the batch starting at %d"
                           % (sorted(gone), first))
                first_workers = target.workers(server)
            if target.healthy(server.port):
                healthy_batches += 1
            else:
                fuzz.found("health-failed", first, b"after the batch starting at %d" % first)
            if batches % 10 == 0:
                done = min(first + args.batch, args.requests)
                print(f"  {done:>8,} sent  {done / (time.monotonic() - started):5.0f}/s  "
                      f"findings {sum(fuzz.findings.values())}", flush=True)
    finally:
        elapsed = time.monotonic() - started
        rss = target.rss_all_kib(server)[0]
        server.stop()
    sent = min(args.requests, batches * args.batch)
    print(f"\nsent {sent:,} mutants in {elapsed:.0f} s ({sent / elapsed:.0f}/s); answered "
          f"{sum(fuzz.statuses.values()):,} responses, {fuzz.silent_closes:,} closed without an answer")
    print("statuses: " + ", ".join(f"{s}: {n:,}" for s, n in sorted(fuzz.statuses.items())))
    print(f"health request answered after {healthy_batches} of {batches} batches of {args.batch}; "
          f"server {'DIED' if crashed else 'still up'} (RSS of all its processes {rss / 1024:.1f} MiB at the end)")
    if fuzz.findings:
        print("findings: " + ", ".join(f"{k}: {n}" for k, n in fuzz.findings.items())
              + f" (examples in {args.save})")
    else:
        print("findings: none (no crash, no hang, no unexpected 5xx, no malformed answer)")
    return 1 if fuzz.findings else 0


if __name__ == "__main__":
    sys.exit(main())
