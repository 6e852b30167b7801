"""A process's limits: MaxConnections (accepting pauses, the next clients wait in the listen
backlog, a log line says so) and BlockingLogThreshold (a handler that keeps the event loop
busy is logged with its stack by gevent's monitor thread)."""

import socket
import time

from tests.support.server import Server, free_port

SPIN = '''
import time
from mod_python import apache
def handler(req):
    end = time.time() + 0.6
    while time.time() < end:     # CPU-bound: never yields to the event loop
        pass
    req.write("spun")
    return apache.OK
'''


def config(tmp_path, port, extra):
    (tmp_path / "htdocs").mkdir(exist_ok=True)
    (tmp_path / "htdocs" / "spin.py").write_text(SPIN)
    (tmp_path / "htdocs" / "a.txt").write_text("a")
    conf = tmp_path / "site.conf"
    conf.write_text("Listen 127.0.0.1:%d\nDocumentRoot %s/htdocs\nErrorLog %s/error_log\n"
                    "KeepAliveTimeout 30\n<Directory %s/htdocs>\nAddHandler mod_python .py\n"
                    "PythonHandler spin\n</Directory>\n%s\n"
                    % (port, tmp_path, tmp_path, tmp_path, extra))
    return conf


def request(sock, path="/a.txt"):
    sock.sendall(b"GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % path.encode())
    data = b""
    while not data.endswith(b"\r\n\r\na"):
        chunk = sock.recv(4096)
        assert chunk, data
        data += chunk
    return data


def wait_for_log(path, text, timeout=20):
    deadline = time.monotonic() + timeout
    while text not in (path.read_text() if path.exists() else ""):
        assert time.monotonic() < deadline, "no %r in the error log" % text
        time.sleep(0.05)


def test_max_connections_pauses_accepting_until_one_closes(tmp_path):
    port = free_port()
    with Server(config(tmp_path, port, "MaxConnections 2"), port):
        first = socket.create_connection(("127.0.0.1", port), timeout=10)
        second = socket.create_connection(("127.0.0.1", port), timeout=10)
        assert request(first).startswith(b"HTTP/1.1 200")
        assert request(second).startswith(b"HTTP/1.1 200")
        wait_for_log(tmp_path / "error_log", "MaxConnections (2) reached")
        third = socket.create_connection(("127.0.0.1", port), timeout=10)   # the backlog takes it
        third.sendall(b"GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n")
        third.settimeout(0.5)
        try:
            early = third.recv(100)
        except socket.timeout:
            early = None
        assert early is None            # not served while two connections are open
        first.close()                   # one closes: accepting resumes, the third is served
        third.settimeout(10)
        assert third.recv(100).startswith(b"HTTP/1.1 200")
        assert request(second).startswith(b"HTTP/1.1 200")
        for sock in (second, third):
            sock.close()


def test_a_cpu_bound_handler_is_logged_with_its_stack(tmp_path):
    port = free_port()
    with Server(config(tmp_path, port, "BlockingLogThreshold 0.1"), port):
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(b"GET /x.py HTTP/1.0\r\nHost: x\r\n\r\n")
            data = b""
            while chunk := sock.recv(4096):
                data += chunk
        assert data.endswith(b"spun")
        wait_for_log(tmp_path / "error_log", "the event loop was blocked for more than 0.1s")
        log = (tmp_path / "error_log").read_text()
        assert "spin.py" in log and "while time.time() < end" in log



ECHO = '''
from mod_python import apache
def handler(req):
    req.write("got %d" % len(req.read()))
    return apache.OK
'''


def test_request_read_timeout_defaults_are_apaches(tmp_path):
    from kernel.testing import build_site
    (tmp_path / "htdocs").mkdir()
    site = build_site(tmp_path, "DocumentRoot %s/htdocs\n" % tmp_path)
    assert site.main_server.config["RequestReadTimeout"]["header"] == (20.0, 40.0, 500)
    assert site.main_server.config["RequestReadTimeout"]["body"] == (20.0, 0.0, 500)
    site = build_site(tmp_path, "DocumentRoot %s/htdocs\nRequestReadTimeout header=5-9,MinRate=100 "
                                "body=0\n" % tmp_path)
    assert site.main_server.config["RequestReadTimeout"]["header"] == (5.0, 9.0, 100)
    assert site.main_server.config["RequestReadTimeout"]["body"][0] == 0.0


def slow_client(port, first, then_wait=30):
    """Send ``first``, then nothing: (seconds until the server answered or closed, answer)."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=then_wait) as sock:
        sock.sendall(first)
        data = b""
        try:
            while chunk := sock.recv(4096):
                data += chunk
        except ConnectionResetError:
            pass
    return time.monotonic() - started, data


def test_request_read_timeout_ends_a_trickled_head_and_body(tmp_path):
    port = free_port()
    (tmp_path / "htdocs").mkdir()
    (tmp_path / "htdocs" / "echo.py").write_text(ECHO)
    conf = tmp_path / "site.conf"
    conf.write_text("Listen 127.0.0.1:%d\nDocumentRoot %s/htdocs\nTimeout 30\n"
                    "RequestReadTimeout header=1 body=1\n<Directory %s/htdocs>\n"
                    "AddHandler mod_python .py\nPythonHandler echo\n</Directory>\n"
                    % (port, tmp_path, tmp_path))
    with Server(conf, port):
        took, data = slow_client(port, b"GET /a HTTP/1.1\r\nHost: x\r\n")
        assert data.startswith(b"HTTP/1.1 408") and took < 10     # not Timeout's 30 s
        took, data = slow_client(port, b"POST /echo.py HTTP/1.1\r\nHost: x\r\n"
                                       b"Content-Length: 100\r\n\r\n12")
        assert took < 10 and b"got 100" not in data
        # a prompt client is served on the same server
        took, data = slow_client(port, b"POST /echo.py HTTP/1.0\r\nContent-Length: 2\r\n\r\n12")
        assert data.endswith(b"got 2")


def health(port):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GET /a.txt HTTP/1.0\r\n\r\n")
        data = b""
        while chunk := sock.recv(4096):
            data += chunk
    return data


def test_health_answered_through_slowloris_and_a_pipelined_flood(tmp_path):
    port = free_port()
    with Server(config(tmp_path, port, "RequestReadTimeout header=2-4,MinRate=10\n"
                                       "MaxKeepAliveRequests 0"), port):
        # slowloris: 60 clients trickle a head, a few bytes per round
        loris = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(60)]
        head = b"GET /a.txt HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100
        for step in range(0, 30, 3):
            for sock in loris:
                try:
                    sock.sendall(head[step:step + 3])
                except OSError:
                    pass
            assert health(port).endswith(b"\r\n\r\na")       # answered at every round
        # a flood of tiny pipelined requests on one connection, health alongside
        count = 2000
        flood = socket.create_connection(("127.0.0.1", port), timeout=30)
        flood.sendall(b"GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n" * count)
        assert health(port).endswith(b"\r\n\r\na")
        received = b""
        while received.count(b"HTTP/1.1 200") < count:
            chunk = flood.recv(1 << 16)
            assert chunk, "flood connection closed after %d responses" % received.count(b"HTTP/1.1 200")
            received += chunk
        flood.close()
        # the trickling clients are ended by RequestReadTimeout (408), not kept
        for sock in loris:
            data = b""
            try:
                while chunk := sock.recv(4096):
                    data += chunk
            except ConnectionResetError:
                pass
            assert data == b"" or data.startswith(b"HTTP/1.1 408")
            sock.close()
        assert health(port).endswith(b"\r\n\r\na")


STUCK = '''
import time
from mod_python import apache
def handler(req):
    if req.args == "after-write":
        req.write("partial")
        req.flush()
    time.sleep(60)          # blocked (a wait that never ends)
    req.write("never")
    return apache.OK
'''


def test_python_handler_timeout_ends_a_blocked_handler(tmp_path):
    port = free_port()
    (tmp_path / "htdocs").mkdir()
    (tmp_path / "htdocs" / "stuck.py").write_text(STUCK)
    conf = tmp_path / "site.conf"
    conf.write_text("Listen 127.0.0.1:%d\nDocumentRoot %s/htdocs\nErrorLog %s/error_log\n"
                    "<Directory %s/htdocs>\nAddHandler mod_python .py\nPythonHandler stuck\n"
                    "PythonHandlerTimeout 0.5\n</Directory>\n" % (port, tmp_path, tmp_path, tmp_path))
    with Server(conf, port):
        took, data = slow_client(port, b"GET /stuck.py HTTP/1.1\r\nHost: x\r\n\r\n")
        assert data.startswith(b"HTTP/1.1 500") and took < 10
        took, data = slow_client(port, b"GET /stuck.py?after-write HTTP/1.1\r\nHost: x\r\n\r\n")
        assert data.startswith(b"HTTP/1.1 200") and b"partial" in data and b"never" not in data
        assert took < 10                    # the connection was closed, not left open
    log = (tmp_path / "error_log").read_text()
    assert log.count("PythonHandler stuck ran longer than PythonHandlerTimeout (0.5s); ended") == 2
