"""Fairness between connections (kernel.http.connection): a client whose next request is
always waiting (a pipelining client, wrk) never makes its greenlet wait, so the serving loop
hands the others a turn: after YIELD_AFTER requests in a row while few connections are open,
after every request once the process holds more than CROWD. Observed as the order in which
one event loop serves a pipelining connection and a connection with a single request."""

import gevent
from gevent import socket

from kernel.http import connection as connection_module
from kernel.http.connection import Connection
from kernel.testing.sites import build_site

PIPELINED = 20
PROBE = '''
from greenphase import hookimpl, OK
SERVED = []

@hookimpl
def handler(req):
    SERVED.append(req.uri)
    req.write("ok")
    return OK
'''


class Crowd:
    """What a Connection reads of its listener here: how many are open, not parking."""
    crowded = False

    def __init__(self, open_connections):
        self.open = open_connections


def served_order(tmp_path, listener):
    (tmp_path / "fair_probe.py").write_text(PROBE)
    site = build_site(tmp_path, 'Listen 127.0.0.1:1\nDocumentRoot "%s"\nLoadPlugin ./fair_probe.py\n'
                      % tmp_path)
    probe = next(p for p in site.pm.get_plugins() if getattr(p, "SERVED", None) is not None)
    clients, conns = [], []
    for n in range(2):
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        client = socket.create_connection(server.getsockname())
        accepted, addr = server.accept()
        server.close()
        conn = Connection(site, accepted, addr, n + 1)
        conn.parking = listener
        clients.append(client)
        conns.append(conn)
    greedy, single = clients
    greedy.sendall(b"".join(b"GET /greedy/%d HTTP/1.1\r\nHost: t\r\n\r\n" % i
                            for i in range(PIPELINED)))
    single.sendall(b"GET /single HTTP/1.1\r\nHost: t\r\n\r\n")
    # (on loopback sendall has put the bytes in the server's socket when it returns)
    workers = [gevent.spawn(c.serve) for c in conns]
    try:
        with gevent.Timeout(10):
            while len(probe.SERVED) < PIPELINED + 1:
                gevent.sleep(0.01)
    finally:
        for c in clients:
            c.close()
        gevent.joinall(workers, timeout=5)
    return probe.SERVED


def test_a_pipelining_client_gives_the_others_a_turn_after_yield_after_requests(tmp_path):
    order = served_order(tmp_path, Crowd(2))
    assert order[0] == "/greedy/0"
    assert 1 <= order.index("/single") <= connection_module.YIELD_AFTER


def test_with_a_crowd_open_a_turn_follows_every_request(tmp_path):
    order = served_order(tmp_path, Crowd(connection_module.CROWD + 1))
    assert order[:2] == ["/greedy/0", "/single"]
