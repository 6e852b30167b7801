"""``PythonConnectionHandler`` on its own Listen: mod_python's documented echo handler on a
raw socket, while HTTP keeps working on the other port."""

import socket
import textwrap

import pytest

from support.httpclient import get
from support.server import free_port

# mod_python's documentation example (Connection Handler section), unchanged.
ECHO = '''
    from mod_python import apache

    def connectionhandler(conn):
        while 1:
            conn.write(conn.readline())
        return apache.OK
'''
INFO = '''
    from mod_python import apache

    def connectionhandler(conn):
        line = conn.readline()
        conn.write(b"got %r from %s:%d on %s:%d server %s\\n" % (
            line, conn.remote_addr[0].encode(), conn.remote_addr[1], conn.local_addr[0].encode(),
            conn.local_addr[1], conn.base_server.server_hostname.encode()))
        conn.write(conn.read(5))
        return apache.OK
'''


@pytest.fixture
def site(tmp_path, serve):
    (tmp_path / "echo.py").write_text(textwrap.dedent(ECHO))
    (tmp_path / "info.py").write_text(textwrap.dedent(INFO))
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("http still works\n")
    echo_port, info_port = free_port(), free_port()
    # The test harness replaces the Listen lines of the config it is given: these two come
    # from an included file.
    (tmp_path / "listen.conf").write_text(
        f"Listen 127.0.0.1:{echo_port}\nListen 127.0.0.1:{info_port}\n")
    server = serve(f"""
DocumentRoot "{tmp_path}/docs"
Include "{tmp_path}/listen.conf"
<VirtualHost 127.0.0.1:{echo_port}>
    ServerName echo.example
    PythonPath "['{tmp_path}'] + sys.path"
    PythonConnectionHandler echo
</VirtualHost>
<VirtualHost 127.0.0.1:{info_port}>
    ServerName info.example
    PythonPath "['{tmp_path}'] + sys.path"
    PythonConnectionHandler info::connectionhandler
</VirtualHost>
""")
    server.echo_port, server.info_port = echo_port, info_port
    return server


def test_echo_handler_on_a_raw_socket(site):
    with socket.create_connection(("127.0.0.1", site.echo_port), timeout=10) as sock:
        f = sock.makefile("rb")
        for line in (b"hello\n", b"not HTTP at all\n", b"GET / HTTP/1.1\n"):
            sock.sendall(line)
            assert f.readline() == line
    # The handler loops forever; the closed client ends it (no greenlet left spinning).
    sock.close()
    with socket.create_connection(("127.0.0.1", site.echo_port), timeout=10) as again:
        again.sendall(b"still served\n")
        assert again.makefile("rb").readline() == b"still served\n"


def test_connection_members_and_read(site):
    with socket.create_connection(("127.0.0.1", site.info_port), timeout=10) as sock:
        sock.sendall(b"first line\nabcdefgh")
        f = sock.makefile("rb")
        info = f.readline()
        port = sock.getsockname()[1]
        assert info == (b"got b'first line\\n' from 127.0.0.1:%d on 127.0.0.1:%d server info.example\n"
                        % (port, site.info_port))
        assert f.read(5) == b"abcde"


def test_http_on_the_main_listen(site):
    r = get(site.port, "/a.txt")
    assert (r.status, r.body) == (200, b"http still works\n")
