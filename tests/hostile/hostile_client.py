"""Raw-socket helpers of the hostile-input corpus."""

import socket

import pytest

import hostile_site
from support.httpclient import Connection

HEALTH = b"GET /health HTTP/1.1\r\nHost: health\r\nConnection: close\r\n\r\n"


def still_serving(server):
    """The server process is up and answers a fresh health request."""
    assert server.proc.poll() is None, "the server process died" + server.stderr
    with Connection(server.port, timeout=10) as conn:
        response = conn.request(HEALTH)
    assert response.status == 200 and response.body == hostile_site.HEALTH_BODY


def exchange(port, data, timeout=10.0):
    """Send `data` on a fresh connection; (first response or None, bytes after it until close).

    A server that neither answers nor closes within `timeout` fails the test (a hang)."""
    method = data.split(b" ", 1)[0].decode("latin-1")
    with Connection(port, timeout=timeout) as conn:
        try:
            conn.send(data)
        except (BrokenPipeError, ConnectionResetError):
            pass        # it may refuse before reading everything: what it sent still counts
        try:
            response = conn.read_response(method)
        except ConnectionError:
            return None, conn.buffer
        except socket.timeout:
            pytest.fail("no answer and no close within %.0fs; got %r" % (timeout, conn.buffer[:200]))
        try:
            rest = conn.read_to_close()
        except ConnectionResetError:
            rest = conn.buffer
        except socket.timeout:
            pytest.fail("the connection stayed open %.0fs after %d" % (timeout, response.status))
    return response, rest


def assert_refused(response, rest, statuses):
    """A refusal with one of `statuses`, `Connection: close`, and nothing after it."""
    assert response is not None, "no answer, only %r" % rest[:200]
    assert response.status in statuses, response.raw[:300]
    assert response.header("Connection") == "close"
    assert rest == b"", "something followed the refusal: %r" % rest[:200]
