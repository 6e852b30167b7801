"""The WSGI entry under a real gunicorn, with its own sync and gevent workers."""

import socket

import pytest

from conftest import Gunicorn


@pytest.fixture(params=["sync", "gevent"])
def gunicorn(request, site):
    spec = 'greenphase.wsgi:make_app("%s")' % site.config
    server = Gunicorn(spec, request.param, cwd=site.root)
    yield server
    server.stop()


def test_pipeline_answers_and_reads_the_body(site, gunicorn):
    answer = site.get("/", port=gunicorn.port)
    assert answer.status == 200
    assert answer.text.split()[1] == "v1"
    assert answer.header("Content-Type") == "text/plain"
    posted = site.get("/echo", port=gunicorn.port, method="POST", body=b"a=1&b=%20two")
    assert posted.text == "POST b'a=1&b=%20two'"
    refused = site.get("/forbidden", port=gunicorn.port)       # the error path, its page
    assert refused.status == 403 and "Forbidden" in refused.text


def test_req_write_streams_through_the_iterable(site, gunicorn):
    with socket.create_connection(("127.0.0.1", gunicorn.port), timeout=30) as sock:
        sock.sendall(b"GET /gated HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        received = b""
        while b"first;" not in received:        # arrives while the handler still waits
            chunk = sock.recv(4096)
            assert chunk, "connection closed before the first write arrived"
            received += chunk
        assert b"second" not in received
        (site.state / "gate").touch()
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                break
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    assert b"transfer-encoding: chunked" in head.lower()
    assert b"first;" in body and b"second" in body


def test_application_from_environment(site):
    server = Gunicorn("kernel.deploy.wsgi:application", "gevent", cwd=site.root,
                      env={"GREENPHASE_CONFIG": str(site.config)})
    try:
        assert site.get("/stream", port=server.port).text == "piece 0;piece 1;piece 2;"
    finally:
        server.stop()
