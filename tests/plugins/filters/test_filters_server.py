"""Filters through the real server: mod_python's documentation examples (the CAPITALIZE
output filter, an input filter), filters added by directive and by code, streaming through a
filter (the client sees the first part before the handler finishes), Content-Length framing
of a filtered body, a filter that raises."""

import socket
import textwrap

import pytest

from support.httpclient import Connection, build_request, get

# mod_python 3.5's documentation: "Filters" in the tutorial/reference, unchanged.
CAPITALIZE = '''
    from mod_python import apache

    def outputfilter(filter):

        s = filter.read()
        while s:
            filter.write(s.upper())
            s = filter.read()

        if s is None:
            filter.close()
'''

INPUT = '''
    from mod_python import apache

    def inputfilter(filter):
        s = filter.read()
        while s:
            filter.write(s.replace(b"a", b"4"))
            s = filter.read()
        if s is None:
            filter.close()
'''

BROKEN = '''
    def outputfilter(filter):
        raise RuntimeError("filter trouble")
'''

HANDLER = '''
    from mod_python import apache

    def handler(req):
        name = req.uri.rsplit("/", 1)[-1]
        req.content_type = "text/plain"
        if name == "echo":
            req.write(b"got " + req.read())
        elif name == "stream":
            req.write("first part\\n")          # flushed: through the filter, to the client
            req.read(4)                          # wait for the test to send the body
            req.write("second part\\n")
        elif name == "bycode":
            req.register_output_filter("SHOUT", "capitalize")
            req.add_output_filter("SHOUT")
            req.write("added by code", 0)
        elif name == "bycodein":
            req.add_input_filter("FOUR")
            req.write(b"read " + req.read())
        elif name == "declaredflushed":
            req.set_content_length(1)            # wrong once filtered, and flushed at once
            req.write("abc")
        elif name == "declared":
            req.set_content_length(3)            # the filter makes it longer
            req.write("abc", 0)
        else:
            req.write("hello %s" % name, 0)
        return apache.OK
'''


@pytest.fixture(scope="module")
def port(tmp_path_factory):
    from support.server import serve
    root = tmp_path_factory.mktemp("filters")
    for name, text in (("capitalize.py", CAPITALIZE), ("four.py", INPUT), ("broken.py", BROKEN),
                       ("probe.py", HANDLER)):
        (root / name).write_text(textwrap.dedent(text))
    (root / "docs").mkdir()
    (root / "docs" / "page.txt").write_text("a static page\n")
    (root / "docs" / "page.html").write_text("<p>not capitalised</p>\n")
    (root / "site.conf").write_text(textwrap.dedent(f'''
        DocumentRoot "{root}/docs"
        ErrorLog "{root}/error_log"
        PythonPath "sys.path+['{root}']"
        PythonOutputFilter capitalize CAPITALIZE
        PythonInputFilter four FOUR
        PythonOutputFilter broken BROKEN
        AddOutputFilter CAPITALIZE .txt
        <Location /py>
            SetHandler mod_python
            PythonHandler probe
        </Location>
        <Location /py/up>
            SetOutputFilter CAPITALIZE
        </Location>
        <Location /py/echo>
            SetInputFilter FOUR
        </Location>
        <Location /py/broken>
            SetOutputFilter BROKEN
        </Location>
        <Location /py/debugged>
            PythonDebug On
            SetOutputFilter BROKEN
        </Location>
    '''))
    server = serve(root / "site.conf", cwd=str(root), directory=str(tmp_path_factory.mktemp("conf")))
    server.root = root
    yield server
    server.stop()


def test_documented_capitalize_filter_on_a_static_txt_file(port):
    r = get(port.port, "/page.txt")
    assert r.status == 200
    assert r.body == b"A STATIC PAGE\n"
    # chunked, or the filtered body's own length: never a length the filter did not see
    assert r.header("Content-Length") in (None, str(len(r.body)))


def test_addoutputfilter_only_for_its_extension(port):
    r = get(port.port, "/page.html")
    assert r.body == b"<p>not capitalised</p>\n"


def test_setoutputfilter_on_a_handler(port):
    r = get(port.port, "/py/up")
    assert r.status == 200 and r.body == b"HELLO UP"


def test_filter_registered_and_added_by_code(port):
    r = get(port.port, "/py/bycode")
    assert r.body == b"ADDED BY CODE"


def test_declared_length_gives_way_to_the_filtered_body(port):
    with Connection(port.port) as conn:
        conn.send(build_request("GET", "/py/up/declared", port.port, close=False))
        r = conn.read_response()
        assert r.body == b"ABC" and r.header("Content-Length") == "3"
    r = get(port.port, "/py/bycode")
    assert r.body == b"ADDED BY CODE"


def test_input_filter_changes_the_body_the_handler_reads(port):
    r = get(port.port, "/py/echo", method="POST", body=b"banana",
            headers={"Content-Type": "application/octet-stream"})
    assert r.body == b"got b4n4n4"


def test_streaming_through_a_filter(port):
    """The handler's first flushed part reaches the client through the filter while the
    handler waits for the rest of the request body, which only the test sends."""
    sock = socket.create_connection(("127.0.0.1", port.port), timeout=10)
    try:
        sock.sendall(b"POST /py/up/stream HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                     b"Connection: close\r\n\r\n")
        seen = b""
        while b"FIRST PART\n" not in seen:
            piece = sock.recv(4096)
            assert piece, seen
            seen += piece
        assert b"Transfer-Encoding: chunked" in seen
        assert b"SECOND" not in seen
        sock.sendall(b"go!!")
        while True:
            piece = sock.recv(4096)
            if not piece:
                break
            seen += piece
        assert b"SECOND PART\n" in seen and seen.endswith(b"0\r\n\r\n")
    finally:
        sock.close()


def test_a_filter_that_raises_is_disabled_and_data_passes(port):
    r = get(port.port, "/py/broken")
    assert r.status == 200 and r.body == b"hello broken"
    log = (port.root / "error_log").read_text()
    assert "filter trouble" in log


def test_with_debug_the_traceback_goes_into_the_stream(port):
    r = get(port.port, "/py/debugged")
    assert b"hello debugged" in r.body
    assert b"RuntimeError: filter trouble" in r.body


def test_unfiltered_requests_keep_their_framing(port):
    r = get(port.port, "/py/plain")
    assert r.body == b"hello plain" and r.header("Content-Length") == "11"


def test_input_filter_added_by_code(port):
    r = get(port.port, "/py/bycodein", method="POST", body=b"alpaca")
    assert r.body == b"read 4lp4c4"


def test_a_declared_length_is_dropped_from_a_streamed_filtered_body(port):
    r = get(port.port, "/py/up/declaredflushed")
    assert r.body == b"ABC" and r.header("Content-Length") is None
    assert r.header("Transfer-Encoding") == "chunked"
