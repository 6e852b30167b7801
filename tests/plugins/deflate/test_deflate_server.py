"""The DEFLATE filter through the real server: gzip when Accept-Encoding allows it (q-values,
identity), Vary, no Content-Length once compressed, streaming flushes that decode at once,
and the responses it leaves alone (other types, HEAD, 304, 204, already encoded)."""

import gzip
import socket
import textwrap
import zlib

import pytest

from support.httpclient import get

HANDLER = '''
    from mod_python import apache

    def handler(req):
        name = req.uri.rsplit("/", 1)[-1]
        req.content_type = "text/html"
        if name == "nocontent":
            return apache.HTTP_NO_CONTENT and None or _empty(req)
        if name == "encoded":
            req.headers_out["Content-Encoding"] = "br"
            req.write(b"already", 0)
            return apache.OK
        if name == "json":
            req.content_type = "application/json"
        if name == "stream":
            req.write("<p>first</p>")
            req.read(2)
            req.write("<p>second</p>")
            return apache.OK
        req.write("<p>%s</p>" % ("hello " * 50), 0)
        return apache.OK

    def _empty(req):
        req.status = apache.HTTP_NO_CONTENT
        return apache.OK
'''


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from support.server import serve
    root = tmp_path_factory.mktemp("deflate")
    (root / "probe.py").write_text(textwrap.dedent(HANDLER))
    (root / "docs").mkdir()
    (root / "docs" / "page.html").write_text("<p>static " + "x" * 200 + "</p>\n")
    (root / "docs" / "all.bin").write_text("binary-ish " * 20)
    (root / "site.conf").write_text(textwrap.dedent(f'''
        DocumentRoot "{root}/docs"
        ErrorLog "{root}/error_log"
        PythonPath "sys.path+['{root}']"
        AddOutputFilterByType DEFLATE text/html text/plain
        <Location /py>
            SetHandler mod_python
            PythonHandler probe
        </Location>
        <Location /all.bin>
            SetOutputFilter DEFLATE
        </Location>
    '''))
    srv = serve(root / "site.conf", cwd=str(root), directory=str(tmp_path_factory.mktemp("conf")))
    yield srv
    srv.stop()


def test_gzip_when_accepted(server):
    r = get(server.port, "/py/page", headers={"Accept-Encoding": "gzip, deflate"})
    assert r.status == 200
    assert r.header("Content-Encoding") == "gzip"
    assert "Accept-Encoding" in r.header("Vary")
    assert gzip.decompress(r.body) == b"<p>" + b"hello " * 50 + b"</p>"
    assert len(r.body) < 300


def test_identity_when_not_accepted(server):
    for value in (None, "identity", "gzip;q=0", "br"):
        headers = {"Accept-Encoding": value} if value else {}
        r = get(server.port, "/py/page", headers=headers)
        assert r.header("Content-Encoding") is None, value
        assert r.header("Vary") == "Accept-Encoding"
        assert r.body == b"<p>" + b"hello " * 50 + b"</p>"
        assert r.header("Content-Length") == str(len(r.body))


def test_star_accepts_gzip(server):
    r = get(server.port, "/py/page", headers={"Accept-Encoding": "*;q=0.5"})
    assert r.header("Content-Encoding") == "gzip"


def test_static_file_by_type_and_length_dropped(server):
    r = get(server.port, "/page.html", headers={"Accept-Encoding": "gzip"})
    assert r.header("Content-Encoding") == "gzip"
    assert gzip.decompress(r.body).startswith(b"<p>static xxx")
    assert r.header("Content-Length") in (None, str(len(r.body)))  # never the file's length


def test_other_types_are_left_alone(server):
    r = get(server.port, "/py/json", headers={"Accept-Encoding": "gzip"})
    assert r.header("Content-Encoding") is None and r.header("Vary") is None


def test_setoutputfilter_deflate_on_any_type(server):
    r = get(server.port, "/all.bin", headers={"Accept-Encoding": "gzip"})
    assert r.header("Content-Encoding") == "gzip"
    assert gzip.decompress(r.body) == b"binary-ish " * 20


def test_head_no_body_and_no_encoding(server):
    r = get(server.port, "/py/page", method="HEAD", headers={"Accept-Encoding": "gzip"})
    assert r.status == 200 and r.body == b""
    assert r.header("Content-Encoding") is None


def test_no_content_and_already_encoded(server):
    r = get(server.port, "/py/nocontent", headers={"Accept-Encoding": "gzip"})
    assert r.status == 204 and r.header("Content-Encoding") is None
    r = get(server.port, "/py/encoded", headers={"Accept-Encoding": "gzip"})
    assert r.header("Content-Encoding") == "br" and r.body == b"already"


def test_not_modified_static_is_not_encoded(server):
    first = get(server.port, "/page.html", headers={"Accept-Encoding": "gzip"})
    r = get(server.port, "/page.html", headers={"Accept-Encoding": "gzip",
                                                "If-Modified-Since": first.header("Last-Modified")})
    assert r.status == 304 and r.body == b"" and r.header("Content-Encoding") is None


def _chunk(f):
    size = int(f.readline().strip(), 16)
    data = f.read(size)
    f.readline()
    return data


def test_a_flush_reaches_the_client_decodable(server):
    """The handler's first flushed part decodes on arrival, before the handler goes on
    (it waits for a request body only the test sends)."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    try:
        sock.sendall(b"POST /py/stream HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n"
                     b"Content-Length: 2\r\nConnection: close\r\n\r\n")
        f = sock.makefile("rb")
        head = b""
        while not head.endswith(b"\r\n\r\n"):
            head += f.readline()
        assert b"Content-Encoding: gzip" in head and b"Transfer-Encoding: chunked" in head
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        text = b""
        while b"<p>first</p>" not in text:
            text += decoder.decompress(_chunk(f))
        assert text == b"<p>first</p>"
        sock.sendall(b"go")
        while True:
            data = _chunk(f)
            if not data:
                break
            text += decoder.decompress(data)
        assert text + decoder.flush() == b"<p>first</p><p>second</p>"
    finally:
        sock.close()
