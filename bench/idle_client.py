"""Hold N idle keep-alive connections to a server, for bench/run.py's memory measurement.

Each connection sends one GET and reads the answer, then stays open and idle; every PING
seconds (less than the KeepAliveTimeout bench/run.py sets for this test) it sends one more GET
so the server keeps it. Opening stops after OPEN_BUDGET seconds or GIVE_UP failures in a row (a server that
cannot take them all, like Apache's event MPM with Debian's limits, leaves the rest unanswered). Prints
`ready <held> <failed>` when done opening; then each line read on stdin is answered with
`held <n>`, the connections still open; end of input ends the program.
Usage: idle_client.py PORT PATH N
"""

import random
import sys
import time

import gevent
from gevent import socket
from gevent.lock import Semaphore

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from servers import raise_nofile  # noqa: E402

IN_FLIGHT = 500          # connections being opened at once
OPEN_TIMEOUT = 5.0       # for the connect and the first answer
OPEN_BUDGET = 30.0       # a loaded machine needs long for 10,000
GIVE_UP = 1000           # this many failures in a row: the server takes no more
PING = 100.0             # below the KeepAliveTimeout run.py gives the servers for this test


def read_answer(sock):
    """One whole response (Content-Length framed, as every bench answer is)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        body += chunk


class Holder:
    def __init__(self, port, request):
        self.port, self.request = port, request
        self.held = self.failed = self.failed_in_a_row = 0
        self.gate = Semaphore(IN_FLIGHT)
        self.sockets = []

    def hold(self):
        try:
            with gevent.Timeout(OPEN_TIMEOUT):
                sock = socket.create_connection(("127.0.0.1", self.port))
                sock.sendall(self.request)
                read_answer(sock)
        except (OSError, ConnectionError, gevent.Timeout):
            self.failed += 1
            self.failed_in_a_row += 1
            return
        finally:
            self.gate.release()
        self.failed_in_a_row = 0
        self.held += 1
        self.sockets.append(sock)
        try:
            while True:
                gevent.sleep(PING * random.uniform(0.8, 1.1))
                sock.sendall(self.request)
                read_answer(sock)
        except (OSError, ConnectionError):
            self.held -= 1


def main():
    port, path, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    raise_nofile()
    holder = Holder(port, f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
    deadline = time.monotonic() + OPEN_BUDGET
    greenlets = []
    for _ in range(count):
        if holder.failed_in_a_row >= GIVE_UP or \
                not holder.gate.acquire(timeout=max(0.0, deadline - time.monotonic())):
            break
        greenlets.append(gevent.spawn(holder.hold))
    # wait for the last openings to finish (each is bounded by OPEN_TIMEOUT)
    while holder.gate.counter < IN_FLIGHT:
        gevent.sleep(0.05)
    print("ready", holder.held, count - holder.held, flush=True)
    stdin = gevent.get_hub().threadpool
    while stdin.spawn(sys.stdin.readline).get():
        print("held", holder.held, flush=True)
    for sock in holder.sockets:
        sock.close()


if __name__ == "__main__":
    main()
