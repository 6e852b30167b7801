"""Idle keep-alive connections park (kernel.http.listener): beyond ``park_above`` open
connections, one waiting for its next request gives up its greenlet and is woken by its
socket. What the client sees does not change: the next request, pipelined requests, the
KeepAliveTimeout close and a graceful stop all behave as for a connection that waits."""

import io
import time

import gevent
import pytest
from gevent import socket

from kernel.http.listener import Listener
from kernel.testing.sites import build_site

CONFIG = '''
Listen 127.0.0.1:1
ServerRoot "{root}"
DocumentRoot "{root}"
ErrorLog "{root}/error_log"
KeepAliveTimeout {keep_alive}
<Directory "{root}">
    Require all granted
</Directory>
'''

GET = b"GET /page.txt HTTP/1.1\r\nHost: test\r\n\r\n"


def wait_until(predicate, what, timeout=10.0):
    """Poll with gevent's sleep: the server runs in this thread's event loop."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting for " + what
        gevent.sleep(0.01)


@pytest.fixture
def serve(tmp_path):
    started = []

    def start(keep_alive=5, park_above=0):
        (tmp_path / "page.txt").write_text("hello")
        site = build_site(tmp_path, CONFIG.format(root=tmp_path, keep_alive=keep_alive))
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        listener = Listener(site, announce=io.StringIO(), sockets=[sock])
        listener.park_above = park_above
        listener.start()
        started.append(listener)
        return listener, sock.getsockname()[1]

    yield start
    for listener in started:
        if not listener.stop_begun:
            listener.stop()


def read_answers(client, count=1):
    data = b""
    while data.count(b"hello") < count:
        chunk = client.recv(65536)
        assert chunk, data
        data += chunk
    return data


def parked(listener):
    return [conn for conn, greenlet in listener.connections.values() if greenlet is None]


def test_an_idle_connection_parks_and_its_next_request_wakes_it(serve):
    listener, port = serve()
    client = socket.create_connection(("127.0.0.1", port))
    client.sendall(GET)
    assert read_answers(client).startswith(b"HTTP/1.1 200 OK")
    wait_until(lambda: parked(listener), "the connection to park")
    conn = parked(listener)[0]
    client.sendall(GET)
    assert read_answers(client).startswith(b"HTTP/1.1 200 OK")
    assert conn.keepalives == 2                     # the same connection, served again
    wait_until(lambda: parked(listener) == [conn], "it to park again")
    client.sendall(GET + GET)                       # pipelined
    assert read_answers(client, 2).count(b"HTTP/1.1 200 OK") == 2
    client.close()
    wait_until(lambda: not listener.connections, "the closed connection to go")
    assert listener.open == 0
    assert not listener.watchers and not listener.keep_open     # nothing kept for it


def test_below_park_above_connections_wait_in_their_greenlet(serve):
    listener, port = serve(park_above=1000)
    client = socket.create_connection(("127.0.0.1", port))
    client.sendall(GET)
    read_answers(client)
    client.sendall(GET)
    read_answers(client)
    [(conn, greenlet)] = listener.connections.values()
    assert greenlet is not None and not conn.parked and not listener.watchers
    client.close()


def test_a_parked_connection_is_closed_at_its_keepalive_timeout(serve):
    listener, port = serve(keep_alive=1)
    client = socket.create_connection(("127.0.0.1", port))
    client.sendall(GET)
    read_answers(client)
    wait_until(lambda: parked(listener), "the connection to park")
    with gevent.Timeout(10):
        assert client.recv(65536) == b""            # the server closed it
    wait_until(lambda: not listener.connections, "the connection to go")
    assert listener.open == 0


def test_a_graceful_stop_closes_parked_connections(serve):
    listener, port = serve()
    clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
    for client in clients:
        client.sendall(GET)
        read_answers(client)
    wait_until(lambda: len(parked(listener)) == 3, "the connections to park")
    with gevent.Timeout(10):
        listener.stop()
        for client in clients:
            assert client.recv(65536) == b""
    assert not listener.connections
