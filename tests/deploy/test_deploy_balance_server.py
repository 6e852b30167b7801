"""Two workers on one listening socket hold a burst of new connections evenly
(kernel.deploy.balance), and a worker stuck in a handler does not keep new ones waiting."""

import re
import socket
import threading

from conftest import wait_for
from kernel.deploy.balance import SLACK

BURST = 60


def open_and_ask(port):
    """A keep-alive connection, asked once; (socket, pid of the worker that answered)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(b"GET / HTTP/1.1\r\nHost: test\r\n\r\n")
    data = b""
    while not data.endswith(b"\r\n0\r\n\r\n"):     # the last chunk
        chunk = sock.recv(4096)
        assert chunk, data
        data += chunk
    return sock, int(re.search(rb"\r\n(\d+) v1\r\n", data).group(1))


def test_a_burst_of_connections_is_spread_over_both_workers(site, arbiter):
    arbiter(site, workers=2)
    held, lock = [], threading.Lock()

    def one():
        pair = open_and_ask(site.port)
        with lock:
            held.append(pair)

    threads = [threading.Thread(target=one) for _ in range(BURST)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    try:
        counts = {}
        for _, pid in held:
            counts[pid] = counts.get(pid, 0) + 1
        assert len(held) == BURST
        assert len(counts) == 2, counts
        # at each accept a worker was at most SLACK above the other
        assert max(counts.values()) - min(counts.values()) <= SLACK + 1, counts
    finally:
        for sock, _ in held:
            sock.close()


def test_a_worker_stuck_in_a_handler_is_not_waited_for(site, arbiter):
    """The stuck worker holds fewer connections, yet the other takes every new one."""
    arbiter(site, workers=2)
    held = [open_and_ask(site.port) for _ in range(2 * SLACK + 4)]
    try:
        pids = {pid for _, pid in held}
        assert len(pids) == 2
        spinner = socket.create_connection(("127.0.0.1", site.port), timeout=30)
        spinner.sendall(b"GET /spin HTTP/1.1\r\nHost: test\r\n\r\n")
        wait_for(lambda: (site.state / "spinner").exists() and (site.state / "spinner").read_text(),
                 what="a worker to spin")
        stuck = int((site.state / "spinner").read_text())
        # The stuck worker's connections close: now it holds far fewer than the other.
        for sock, pid in held:
            if pid == stuck:
                sock.close()
        answers = [open_and_ask(site.port) for _ in range(SLACK + 4)]
        assert {pid for _, pid in answers} == pids - {stuck}
        for sock, _ in answers:
            sock.close()
        # WorkerTimeout ends the stuck worker (a stop now would wait for it in vain)
        try:
            assert spinner.recv(4096) == b""
        except ConnectionResetError:
            pass
        spinner.close()
    finally:
        for sock, _ in held:
            sock.close()
