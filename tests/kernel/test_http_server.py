"""The kernel's HTTP engine against a real server process: framing, limits, bad input,
failures in plugins, shutdown and concurrency. A probe plugin stands in for handlers."""

import json
import resource
import selectors
import signal
import socket
import time
from pathlib import Path

import pytest

from kernel.testing import config_errors
from support.httpclient import Connection, build_request, exchange, get

# Only the probe plugins on the server's path: tests/ itself holds folders named like real
# packages (tests/kernel) that would shadow them.
IMPORTABLE = Path(__file__).resolve().parents[1] / "support" / "importable"
PROBE_ARGS = ("--plugins", "core", "--plugin", "kernel_probe.probe_plugin")
PROBE_ENV = {"PYTHONPATH": str(IMPORTABLE)}


def probe_site(tmp_path, extra=""):
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True, exist_ok=True)
    (docs / "a.txt").write_text("static a\n")
    return f"""
DocumentRoot "{docs}"
ErrorLog "{tmp_path}/error_log"
<Directory "{docs}">
    SetHandler probe
</Directory>
{extra}
"""


@pytest.fixture
def probe(serve, tmp_path):
    (tmp_path / "docs" / "sub").mkdir(parents=True)

    def start(extra=""):
        return serve(probe_site(tmp_path, extra), env=PROBE_ENV, args=PROBE_ARGS)
    return start


def info(response):
    assert response.status == 200, response.text
    return json.loads(response.body)


# -- framing -------------------------------------------------------------------------------

def test_buffered_output_goes_out_with_content_length(probe):
    server = probe()
    r = get(server.port, "/info")
    assert r.framing == "length" and int(r.header("Content-Length")) == len(r.body)
    assert info(r)["uri"] == "/info"


def test_flushed_writes_are_chunked_on_http11(probe):
    r = get(probe().port, "/stream")
    assert r.framing == "chunked"
    assert r.body == b"one;two"
    assert r.header("Content-Type") == "text/plain"


def test_http10_stream_is_close_delimited(probe):
    r = get(probe().port, "/stream", version="HTTP/1.0")
    assert r.framing == "close" and r.body == b"one;two"
    assert r.header("Transfer-Encoding") is None


def test_head_sends_headers_only(probe):
    server = probe()
    with Connection(server.port) as conn:
        r = conn.request(build_request("HEAD", "/stream", server.port, close=False))
        assert r.status == 200 and r.body == b""
        # The connection is still usable: nothing of a body was left on the wire.
        r2 = conn.request(build_request("GET", "/info", server.port))
        assert info(r2)["method"] == "GET"


def test_keep_alive_serves_several_requests_on_one_connection(probe):
    server = probe()
    with Connection(server.port) as conn:
        for n in range(3):
            r = conn.request(build_request("GET", f"/info?n={n}", server.port, close=False))
            assert info(r)["args"] == f"n={n}"
            assert r.header("Connection") != "close"


def test_an_idle_kept_alive_connection_ends_after_keep_alive_timeout(probe):
    """A kept-alive connection waits for its next request KeepAliveTimeout, not Timeout;
    requests arriving within it are served, also one whose head comes in two pieces."""
    server = probe("KeepAliveTimeout 1\nTimeout 30")
    with Connection(server.port) as conn:
        assert conn.request(build_request("GET", "/info", server.port, close=False)).status == 200
        assert conn.request(build_request("GET", "/info", server.port, close=False)).status == 200
        started = time.monotonic()
        assert conn.read_to_close() == b""      # closed by the server, no answer
    assert time.monotonic() - started < 10      # (Timeout 30 would not have closed it yet)
    with Connection(server.port) as conn:
        assert conn.request(build_request("GET", "/info", server.port, close=False)).status == 200
        conn.send(b"GET /info HTTP/1.1\r\n")   # begun in time: the head has Timeout now
        conn.send(b"Host: x\r\nConnection: close\r\n\r\n")
        assert info(conn.read_response())["uri"] == "/info"


def test_pipelined_requests_are_answered_in_order(probe):
    server = probe()
    raw = b"".join(build_request("GET", f"/info?p={n}", server.port, close=(n == 2)) for n in range(3))
    with Connection(server.port) as conn:
        conn.send(raw)
        answers = [info(conn.read_response())["args"] for _ in range(3)]
    assert answers == ["p=0", "p=1", "p=2"]


def test_max_keep_alive_requests_closes_the_connection(probe):
    server = probe("MaxKeepAliveRequests 2")
    with Connection(server.port) as conn:
        first = conn.request(build_request("GET", "/info", server.port, close=False))
        second = conn.request(build_request("GET", "/info", server.port, close=False))
        assert first.header("Connection") != "close"
        assert second.header("Connection") == "close"
        assert conn.read_to_close() == b""


def test_expect_100_continue(probe):
    server = probe()
    head = (b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n"
            b"Connection: close\r\n\r\n")
    with Connection(server.port) as conn:
        conn.send(head)
        interim = conn.read_response()
        assert interim.status == 100
        conn.send(b"hello")
        final = conn.read_response()
    assert final.status == 200 and final.body == b"hello"


def test_chunked_request_body_is_read(probe):
    server = probe()
    raw = (b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
           b"3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n")
    r = exchange(server.port, raw)
    assert r.body == b"abcdefg"


# -- limits and bad input --------------------------------------------------------------------

def still_serving(server):
    assert info(get(server.port, "/info"))["uri"] == "/info"


def test_request_line_over_limit_is_414(probe):
    server = probe("LimitRequestLine 100")
    r = get(server.port, "/info?" + "x" * 200)
    assert r.status == 414
    still_serving(server)


def test_header_field_over_limit_is_400(probe):
    server = probe("LimitRequestFieldSize 100")
    r = get(server.port, "/info", headers={"X-Big": "y" * 200})
    assert r.status == 400
    still_serving(server)


def test_too_many_header_fields_is_400(probe):
    server = probe("LimitRequestFields 5")
    r = get(server.port, "/info", headers={f"X-H{n}": "v" for n in range(10)})
    assert r.status == 400
    still_serving(server)


def test_body_over_limit_request_body_is_413(probe):
    server = probe("LimitRequestBody 10")
    assert get(server.port, "/echo", method="POST", body="x" * 11).status == 413
    assert get(server.port, "/echo", method="POST", body="x" * 10).body == b"x" * 10


def test_chunked_body_over_limit_is_413(probe):
    server = probe("LimitRequestBody 10")
    raw = (b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
           b"8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n")
    assert exchange(server.port, raw).status == 413
    still_serving(server)


def test_malformed_request_line_is_400(probe):
    server = probe()
    assert exchange(server.port, b"GARBAGE\r\n\r\n").status == 400
    assert exchange(server.port, b"GET /info HTTP/1.1 extra\r\nHost: x\r\n\r\n").status == 400
    still_serving(server)


def test_request_not_finished_within_timeout_is_408(probe):
    server = probe("Timeout 1")
    with Connection(server.port) as conn:
        conn.send(b"GET /info HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        assert conn.read_response().status == 408
    assert time.monotonic() - started < 5
    still_serving(server)


def test_a_trickling_request_head_is_cut_off_after_timeout(probe):
    server = probe("Timeout 1")
    with Connection(server.port) as conn:
        started = time.monotonic()
        answer = None
        for byte in b"GET /info HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"y" * 400:
            try:
                conn.send(bytes([byte]))
            except OSError:
                break
            conn.sock.settimeout(0.01)          # a byte every 10 ms, unless the server answers
            try:
                answer = conn.sock.recv(4096)
            except socket.timeout:
                continue
            break
        conn.sock.settimeout(10)
    assert answer and answer.startswith(b"HTTP/1.1 408")
    assert time.monotonic() - started < 3
    still_serving(server)


def test_http11_without_host_or_with_two_is_400(probe):
    server = probe()
    assert exchange(server.port, b"GET /info HTTP/1.1\r\n\r\n").status == 400
    assert exchange(server.port, b"GET /info HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n").status == 400


def test_content_length_with_transfer_encoding_is_400(probe):
    server = probe()
    raw = (b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
           b"3\r\nabc\r\n0\r\n\r\n")
    assert exchange(server.port, raw).status == 400
    still_serving(server)


@pytest.mark.parametrize("path,status", [
    ("/../etc/passwd", 400),
    ("/%2e%2e/etc/passwd", 400),
    ("/sub/%2e%2e/%2e%2e/etc/passwd", 400),
    ("/sub%2f..%2f..%2fetc/passwd", 404),
])
def test_path_traversal_is_refused(probe, path, status):
    server = probe()
    assert get(server.port, path).status == status
    still_serving(server)


def test_dot_segments_and_double_slashes_are_normalised(probe):
    server = probe()
    for path in ("//sub//x", "/sub/./x", "/a/../sub/x"):
        assert info(get(server.port, path))["uri"] == "/sub/x"


# -- mapping and configuration per request -----------------------------------------------------

def test_path_info_follows_the_longest_existing_file(probe, tmp_path):
    server = probe()
    data = info(get(server.port, "/a.txt/extra/path"))
    assert data["filename"] == str(tmp_path / "docs" / "a.txt")
    assert data["path_info"] == "/extra/path"
    missing = info(get(server.port, "/nodir/x.py"))
    assert missing["filename"] == str(tmp_path / "docs" / "nodir") and missing["path_info"] == "/x.py"


def test_directory_without_slash_redirects(probe, tmp_path):
    server = probe(f'<Directory "{tmp_path}/docs/sub">\n SetHandler None\n</Directory>')
    r = get(server.port, "/sub?q=1")
    assert r.status == 301
    assert r.header("Location").endswith("/sub/?q=1")


def test_htaccess_applies_under_allow_override(probe, tmp_path):
    docs = tmp_path / "docs"
    (docs / "sub" / ".htaccess").write_text("DirectoryIndex from-htaccess.html\n")
    server = probe(f'<Directory "{docs}/sub">\n AllowOverride Indexes\n</Directory>')
    assert info(get(server.port, "/sub/x"))["directory_index"] == ["from-htaccess.html"]
    assert info(get(server.port, "/x"))["directory_index"] == ["index.html"]


def test_htaccess_is_ignored_without_allow_override(probe, tmp_path):
    docs = tmp_path / "docs"
    (docs / "sub" / ".htaccess").write_text("DirectoryIndex from-htaccess.html\n")
    server = probe()
    assert info(get(server.port, "/sub/x"))["directory_index"] == ["index.html"]


def test_broken_htaccess_is_500_not_a_silent_skip(probe, tmp_path):
    docs = tmp_path / "docs"
    (docs / "sub" / ".htaccess").write_text("NoSuchDirective here\n")
    server = probe(f'<Directory "{docs}/sub">\n AllowOverride All\n</Directory>')
    assert get(server.port, "/sub/x").status == 500
    still_serving(server)
    assert "NoSuchDirective" in (tmp_path / "error_log").read_text()


def test_location_merges_after_directory(probe, tmp_path):
    server = probe("<Location /sub>\n DirectoryIndex from-location.html\n</Location>\n"
                   f'<Directory "{tmp_path}/docs/sub">\n DirectoryIndex from-directory.html\n</Directory>')
    assert info(get(server.port, "/sub/x"))["directory_index"] == ["from-location.html"]


@pytest.mark.parametrize("alias", ['/aliased "{docs}/sub"', '/aliased/ "{docs}/sub/"'])
def test_alias_maps_a_url_to_another_folder(probe, tmp_path, alias):
    server = probe("Alias " + alias.format(docs=tmp_path / "docs"))
    assert info(get(server.port, "/aliased/a.txt"))["filename"] == str(tmp_path / "docs" / "sub" / "a.txt")


def test_redirect_directives(probe, tmp_path):
    server = probe("Redirect /old http://example.org/new\n"
                   "Redirect permanent /moved /sub\n"
                   "RedirectMatch 303 ^/report-(\\d+)$ /reports?id=$1\n"
                   "Redirect gone /vanished\n"
                   f'<Directory "{tmp_path}/docs/sub">\n  Redirect /sub/here /there\n</Directory>')
    r = get(server.port, "/old/page?q=1")
    assert (r.status, r.header("Location")) == (302, "http://example.org/new/page?q=1")
    r = get(server.port, "/moved/x")
    assert r.status == 301 and r.header("Location").endswith("/sub/x")
    r = get(server.port, "/report-42")
    assert r.status == 303 and r.header("Location").endswith("/reports?id=42")
    assert get(server.port, "/vanished").status == 410
    r = get(server.port, "/sub/here")
    assert r.status == 302 and r.header("Location").endswith("/there")
    assert get(server.port, "/oldish").status == 200       # whole path segments only


def test_bad_redirect_lines_are_config_errors(tmp_path):
    errors = config_errors(tmp_path, "Redirect bogus /a /b\nRedirect gone /a http://x\n"
                           "RedirectMatch (unclosed /x\n", plugins=[], name="r.conf")
    assert len(errors) == 3 and all("r.conf:" in e for e in errors)


def test_alias_match_force_type_remove_handler_and_types_config(probe, tmp_path):
    docs = tmp_path / "docs"
    (tmp_path / "mime.types").write_text("application/x-greenphase  gpx\n")
    (docs / "typed" / "removed").mkdir(parents=True)
    server = probe(f'TypesConfig "{tmp_path}/mime.types"\n'
                   f'AliasMatch ^/by-id/([0-9]+)$ "{docs}/sub/item$1.txt"\n'
                   f'<Directory "{docs}/typed">\n  SetHandler None\n  AddHandler probe .run\n'
                   f'  ForceType text/x-forced\n</Directory>\n'
                   f'<Directory "{docs}/typed/removed">\n  RemoveHandler .run\n</Directory>\n')
    assert info(get(server.port, "/by-id/42"))["filename"] == str(docs / "sub" / "item42.txt")
    assert info(get(server.port, "/file.gpx"))["content_type"] == "application/x-greenphase"
    typed = info(get(server.port, "/typed/x.run"))
    assert (typed["handler"], typed["content_type"]) == ("probe", "text/x-forced")
    assert get(server.port, "/typed/removed/x.run").status == 404     # nobody serves it now


def test_log_level_filters_the_error_log(probe, tmp_path):
    server = probe("LogLevel crit")
    assert get(server.port, "/raise").status == 500
    server.stop()
    assert "probe raised" not in (tmp_path / "error_log").read_text()


def test_name_based_virtual_hosts(probe, tmp_path):
    server = probe("<VirtualHost *>\n ServerName one.example\n</VirtualHost>\n"
                   "<VirtualHost *>\n ServerName two.example\n ServerAlias *.two.example\n</VirtualHost>")
    def host(name):
        raw = f"GET /info HTTP/1.1\r\nHost: {name}\r\nConnection: close\r\n\r\n".encode()
        return info(exchange(server.port, raw))["server"]
    assert host("two.example") == "two.example"
    assert host("www.two.example") == "two.example"
    assert host("unknown.example") == "one.example"


def test_internal_redirect_runs_a_new_request(probe, tmp_path):
    (tmp_path / "docs" / "target").mkdir()
    server = probe()
    data = info(get(server.port, "/redirect"))
    assert data["uri"] == "/target/info" and data["args"] == "from=redirect"
    assert data["env"]["REDIRECT_URL"] == "/redirect"
    assert data["env"]["REDIRECT_STATUS"] == "200"


# -- failures cost one 500, never the server ----------------------------------------------------

@pytest.mark.parametrize("action", ["raise", "exit", "interrupt"])
def test_plugin_exceptions_are_500(probe, tmp_path, action):
    server = probe()
    r = get(server.port, "/" + action)
    assert r.status == 500
    assert b"Traceback" not in r.body
    still_serving(server)
    assert server.proc.poll() is None


def test_phase_hooks_run_only_for_the_phases_a_plugin_declares(serve, tmp_path):
    (tmp_path / "docs").mkdir()
    server = serve(probe_site(tmp_path), env=PROBE_ENV,
                   args=PROBE_ARGS + ("--plugin", "kernel_probe.declared_plugin"))
    r = get(server.port, "/info")
    assert r.header("X-Fixups") == "called"
    assert r.header("X-Access-Checker") is None


def test_status_result_goes_through_the_error_path(probe):
    server = probe()
    r = get(server.port, "/status?418")
    assert r.status == 418 and r.reason == "I'm a teapot"
    assert get(server.port, "/status?599").reason == "Server Error"


def test_access_and_error_logs_are_written(probe, tmp_path):
    server = probe(f'CustomLog "{tmp_path}/access_log" common')
    get(server.port, "/info?x=1")
    get(server.port, "/raise")
    server.stop()
    lines = (tmp_path / "access_log").read_text().splitlines()
    assert '"GET /info?x=1 HTTP/1.1" 200' in lines[0]
    assert '"GET /raise HTTP/1.1" 500' in lines[1]
    assert "ValueError: probe raised" in (tmp_path / "error_log").read_text()


def test_a_client_that_leaves_makes_write_fail_and_the_server_goes_on(probe, tmp_path):
    server = probe()
    conn = Connection(server.port)
    conn.send(build_request("GET", "/firehose", server.port))
    assert conn._read_until(b"xxxx")              # the handler is streaming
    conn.close()
    log = tmp_path / "error_log"
    deadline = time.monotonic() + 10
    while "write failed" not in log.read_text() and time.monotonic() < deadline:
        still_serving(server)                      # each round trip gives the server time
    assert "probe: write failed: Write failed, client closed connection." in log.read_text()
    still_serving(server)


@pytest.mark.parametrize("path", ["/header?a%0d%0aSet-Cookie:%20evil=1", "/flushed/header?a%0aX:%20y",
                                  "/ctype?text/html%0d%0aSet-Cookie:%20evil=1"])
def test_response_splitting_is_refused_with_500(probe, tmp_path, path):
    (tmp_path / "docs" / "flushed").mkdir()
    server = probe()
    r = get(server.port, path)
    assert r.status == 500
    assert r.header("Set-Cookie") is None and r.header("X") is None
    assert b"evil" not in r.raw.split(b"\r\n\r\n")[0]
    assert "CR, LF or NUL" in (tmp_path / "error_log").read_text()
    assert get(server.port, "/header?plain").header("X-Echo") == "plain"


def test_a_client_that_stops_reading_is_cut_off_after_timeout(probe, tmp_path):
    server = probe("Timeout 1")
    conn = socket.socket()
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    conn.connect(("127.0.0.1", server.port))
    conn.sendall(build_request("GET", "/flood", server.port))
    log = tmp_path / "error_log"
    deadline = time.monotonic() + 15
    while "write failed" not in log.read_text() and time.monotonic() < deadline:
        still_serving(server)       # other clients are served meanwhile
    conn.close()
    assert "probe: write failed" in log.read_text()


def test_content_length_set_by_hand_is_sent_instead_of_chunking(probe):
    r = get(probe().port, "/length")
    assert r.framing == "length" and r.header("Content-Length") == "6" and r.body == b"abcdef"


def test_location_survives_a_201(probe):
    r = get(probe().port, "/created")
    assert r.status == 201 and r.header("Location") == "/things/1"


def test_invalid_utf8_in_the_path_echoes_as_its_bytes(probe):
    r = get(probe().port, "/x/%ff/echo-uri")
    assert r.status == 200 and r.body == b"/x/\xff/echo-uri"


@pytest.mark.parametrize("host", ["a b", "x/../y", "<script>", 'ex"ample', "x:99999", "x:abc"])
def test_malformed_host_is_400(probe, host):
    server = probe()
    raw = f"GET /sub HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
    assert exchange(server.port, raw).status == 400
    still_serving(server)


def test_ipv6_host_keeps_its_brackets_in_urls(probe):
    server = probe()
    raw = f"GET /url HTTP/1.1\r\nHost: [::1]:{server.port}\r\nConnection: close\r\n\r\n".encode()
    assert exchange(server.port, raw).body == f"http://[::1]:{server.port}/x".encode()


def test_htaccess_and_htpasswd_are_never_served(probe, tmp_path):
    docs = tmp_path / "docs"
    (docs / ".htpasswd").write_text("spam:secret\n")
    server = probe(f'<Directory "{docs}">\n SetHandler None\n</Directory>')
    assert get(server.port, "/.htpasswd").status == 403
    assert get(server.port, "/.htaccess").status == 403


def test_add_default_charset(probe, tmp_path):
    server = probe("AddDefaultCharset utf-8")
    assert get(server.port, "/stream").header("Content-Type") == "text/plain; charset=utf-8"
    assert get(server.port, "/info").header("Content-Type") == "application/json"


def test_oversized_head_gets_an_answer_not_a_reset(probe):
    server = probe()
    with Connection(server.port) as conn:
        conn.send(b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        assert conn.read_response().status == 414


def test_a_body_longer_than_its_declared_length_ends_the_connection(probe):
    server = probe()
    with Connection(server.port) as conn:
        r = conn.request(build_request("GET", "/wronglength", server.port, close=False))
        assert r.header("Content-Length") == "3"
        assert conn.read_to_close() == b"def"       # no next response can be mistaken for it


def test_no_100_continue_inside_a_started_response(probe):
    server = probe()
    raw = (b"POST /write-then-read HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
           b"Expect: 100-continue\r\nConnection: close\r\n\r\nhello")
    r = exchange(server.port, raw)
    assert r.status == 200 and r.body == b"first;hello"


def test_a_broken_chunked_body_is_400_and_closes(probe):
    server = probe()
    with Connection(server.port) as conn:
        conn.send(b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                  b"3\r\nabc\r\nZZ\r\n")
        r = conn.read_response()
        assert r.status == 400 and r.header("Connection") == "close"
        assert conn.read_to_close() == b""
    still_serving(server)


def test_413_closes_instead_of_reading_the_refused_body(probe):
    server = probe("LimitRequestBody 10")
    with Connection(server.port) as conn:
        conn.send(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 50000000\r\n\r\n" + b"x" * 1000)
        r = conn.read_response()
        assert r.status == 413 and r.header("Connection") == "close"


def test_a_long_url_split_from_its_headers_is_not_414(probe):
    server = probe()
    with Connection(server.port) as conn:
        conn.send(b"GET /info?" + b"q" * 5000)
        conn.send(b" HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-H%d: %s\r\n" % (n, b"v" * 1000)
                                                        for n in range(8)) + b"Connection: close\r\n\r\n")
        assert conn.read_response().status == 200


def test_symlinks_need_followsymlinks(probe, tmp_path):
    docs = tmp_path / "docs"
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text("secret\n")
    (docs / "link").symlink_to(tmp_path / "outside")
    (docs / "nolinks").mkdir()
    (docs / "nolinks" / "link").symlink_to(tmp_path / "outside")
    server = probe(f'<Directory "{docs}/nolinks">\n  Options -FollowSymLinks\n</Directory>')
    assert info(get(server.port, "/link/secret.txt"))["filename"].endswith("/link/secret.txt")
    assert get(server.port, "/nolinks/link/secret.txt").status == 403


def test_redirect_locations_are_escaped(probe, tmp_path):
    (tmp_path / "docs" / "a?b").mkdir()
    server = probe(f'<Directory "{tmp_path}/docs/a?b">\n SetHandler None\n</Directory>')
    r = get(server.port, "/a%3Fb")
    assert r.status == 301 and r.header("Location").endswith("/a%3Fb/")


def test_access_log_escapes_what_clients_send(probe, tmp_path):
    server = probe(f'CustomLog "{tmp_path}/access_log" combined')
    get(server.port, "/info", headers={"User-Agent": 'evil" 200 1 "forged'})
    server.stop()
    line = (tmp_path / "access_log").read_text().splitlines()[0]
    assert line.endswith('"evil\\" 200 1 \\"forged"')


def test_htaccess_cannot_include_or_define(probe, tmp_path):
    docs = tmp_path / "docs"
    (docs / "sub" / ".htaccess").write_text("Include /etc/hostname\n")
    server = probe(f'<Directory "{docs}/sub">\n AllowOverride All\n</Directory>')
    assert get(server.port, "/sub/x").status == 500
    assert "Include is not allowed in .htaccess" in (tmp_path / "error_log").read_text()


def test_unlimited_keep_alive_does_not_announce_max_0(probe):
    server = probe("MaxKeepAliveRequests 0")
    with Connection(server.port) as conn:
        r = conn.request(build_request("GET", "/info", server.port, close=False))
    assert r.header("Keep-Alive") == "timeout=5"


# -- shutdown and concurrency ---------------------------------------------------------------

def test_sigterm_lets_an_in_flight_request_finish(probe):
    server = probe()
    conn = Connection(server.port)
    conn.send(build_request("GET", "/sleep?1", server.port))
    assert conn._read_until(b"started\n")            # the handler is running
    server.proc.send_signal(signal.SIGTERM)
    rest = conn.read_to_close()
    conn.close()
    assert b"finished" in rest and rest.endswith(b"0\r\n\r\n")
    assert server.proc.wait(15) == 0
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=2)


def test_graceful_stop_closes_idle_connections_quietly(probe, tmp_path):
    server = probe()
    idle = Connection(server.port)
    idle.request(build_request("GET", "/info", server.port, close=False))    # now idle, kept alive
    server.proc.send_signal(signal.SIGTERM)
    assert server.proc.wait(15) == 0
    assert idle.read_to_close() == b""
    idle.close()
    assert "crashed" not in (tmp_path / "error_log").read_text()


def test_a_thousand_sleeping_requests_run_concurrently(probe):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 4096:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(4096, hard), hard))
    server = probe()
    count = 1000
    selector = selectors.DefaultSelector()
    started = time.monotonic()
    socks = []
    for n in range(count):
        s = socket.create_connection(("127.0.0.1", server.port), timeout=30)
        s.sendall(build_request("GET", "/nap?1", server.port))
        s.setblocking(False)
        selector.register(s, selectors.EVENT_READ, bytearray())
        socks.append(s)
    done = 0
    deadline = started + 30
    while done < count and time.monotonic() < deadline:
        for key, _ in selector.select(timeout=1):
            chunk = key.fileobj.recv(65536)
            if chunk:
                key.data.extend(chunk)
                continue
            selector.unregister(key.fileobj)
            key.fileobj.close()
            assert key.data.startswith(b"HTTP/1.1 200") and key.data.endswith(b"awake")
            done += 1
    elapsed = time.monotonic() - started
    for s in socks:
        s.close()
    assert done == count
    # Serially this would take 1000 s; concurrency brings it to a few seconds.
    assert elapsed < 20, elapsed
