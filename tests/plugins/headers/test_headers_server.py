"""Header and RequestHeader through the real server: security headers on every answer (error
path included), headers a handler set being edited before they go out, .htaccess lines."""

import textwrap

import pytest

from support.httpclient import get

PROBE = '''
    from mod_python import apache

    def fixup(req):
        req.seen_in_fixup = req.headers_in.get("X-From-Config", "-")
        if req.uri.endswith("/flagged"):
            req.subprocess_env["FLAG"] = "1"
        return apache.OK

    def handler(req):
        name = req.uri.rsplit("/", 1)[-1]
        if name in ("missing", "documented"):
            return apache.HTTP_NOT_FOUND
        if name == "moved":
            req.headers_out["Location"] = "/elsewhere"
            return apache.HTTP_MOVED_TEMPORARILY
        if name == "boom":
            raise RuntimeError("handler trouble")
        req.content_type = "text/plain"
        req.headers_out["X-Handler"] = "made-by-probe"
        req.headers_out["X-Powered-By"] = "probe"
        # flushed at once: the head goes out with this first write
        req.write("config=%s drop=%s fixup-saw=%s\\n" % (
            req.headers_in.get("X-From-Config", "-"), req.headers_in.get("X-Drop", "-"),
            req.seen_in_fixup))
        req.write("streamed")
        return apache.OK
'''

SECURITY = {"Strict-Transport-Security": "max-age=63072000; includeSubDomains",
            "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"}


@pytest.fixture(scope="module")
def port(tmp_path_factory):
    from support.server import serve
    root = tmp_path_factory.mktemp("headers")
    (root / "py").mkdir()
    (root / "py" / "probe.py").write_text(textwrap.dedent(PROBE))
    (root / "static").mkdir()
    (root / "static" / "page.txt").write_text("static page\n")
    (root / "static" / ".htaccess").write_text("Header set X-From-Htaccess yes\n"
                                               "Header always append Cache-Control no-store\n")
    (root / "site.conf").write_text(textwrap.dedent(f'''
        DocumentRoot "{root}"
        ErrorLog "{root}/error_log"
        Header always set Strict-Transport-Security "max-age=63072000; includeSubDomains"
        Header always set X-Content-Type-Options nosniff
        Header always setifempty X-Frame-Options DENY
        Header set X-Only-Success yes
        Header always set X-Timing "%D %t"
        RequestHeader set X-From-Config configured
        RequestHeader unset X-Drop
        <Directory "{root}/py">
            SetHandler mod_python
            PythonPath "sys.path+['{root}/py']"
            PythonFixupHandler probe::fixup
            PythonHandler probe
        </Directory>
        <Directory "{root}/static">
            AllowOverride FileInfo
        </Directory>
        <Location /py/edited>
            Header edit X-Handler ^made-by-(.*)$ "rewritten-$1"
            Header unset X-Powered-By
        </Location>
        <Location /py/documented>
            ErrorDocument 404 /py/page
        </Location>
        <Location /py/flagged>
            Header set X-Flag "flag=%{{FLAG}}e" env=FLAG
        </Location>
    '''))
    server = serve(root / "site.conf", cwd=str(root), directory=str(tmp_path_factory.mktemp("conf")))
    yield server.port
    server.stop()


def assert_security_headers(response):
    for name, value in SECURITY.items():
        assert response.header_all(name) == [value], (name, response.headers)


def test_handler_response_gets_both_conditions(port):
    r = get(port, "/py/page")
    assert r.status == 200 and r.text.endswith("streamed")
    assert_security_headers(r)
    assert r.header("X-Only-Success") == "yes"
    assert r.header("X-Handler") == "made-by-probe"      # set by the handler, kept
    assert r.header("X-Timing").startswith("D=") and " t=" in r.header("X-Timing")


def test_request_headers_are_set_after_the_fixup_handler_ran(port):
    r = get(port, "/py/page", headers={"X-Drop": "secret", "X-From-Config": "client"})
    assert r.text.startswith("config=configured drop=- fixup-saw=client\n"), r.text


def test_header_edits_what_the_handler_set_before_the_head_went_out(port):
    r = get(port, "/py/edited")
    assert r.status == 200
    assert r.header("X-Handler") == "rewritten-probe"
    assert r.header("X-Powered-By") is None
    assert_security_headers(r)


@pytest.mark.parametrize("path, status", [("/py/missing", 404), ("/py/moved", 302),
                                          ("/py/boom", 500), ("/nowhere", 404)])
def test_error_responses_carry_always_headers_only(port, path, status):
    r = get(port, path)
    assert r.status == status
    assert_security_headers(r)
    assert r.header("X-Only-Success") is None      # onsuccess lines: not on the error path
    assert "handler trouble" not in r.text
    if status == 302:
        assert r.header("Location").endswith("/elsewhere")


def test_a_local_error_document_is_a_response_of_its_own(port):
    """The ErrorDocument's request writes the answer, so its Header lines apply in full, as
    Apache runs the redirected request's output filters (the status stays 404)."""
    r = get(port, "/py/documented")
    assert r.status == 404 and r.text.endswith("streamed")
    assert r.header("X-Only-Success") == "yes"
    assert_security_headers(r)


def test_env_condition_and_env_format(port):
    assert get(port, "/py/flagged").header("X-Flag") == "flag=1"
    assert get(port, "/py/page").header("X-Flag") is None


def test_htaccess_lines_apply_to_static_files(port):
    r = get(port, "/static/page.txt")
    assert r.status == 200 and r.text == "static page\n"
    assert r.header("X-From-Htaccess") == "yes" and r.header("Cache-Control") == "no-store"
    assert_security_headers(r)
    gone = get(port, "/static/absent.txt")
    assert gone.status == 404 and gone.header("Cache-Control") == "no-store"
    assert gone.header("X-From-Htaccess") is None


def test_head_request(port):
    r = get(port, "/static/page.txt", method="HEAD")
    assert r.status == 200 and r.body == b""
    assert_security_headers(r)


def test_bad_header_line_stops_the_server_with_file_and_line(tmp_path):
    import subprocess
    from support.server import greenphase_command
    conf = tmp_path / "bad.conf"
    conf.write_text("Listen 127.0.0.1:1\nHeader always set\n")
    done = subprocess.run(greenphase_command() + ["check", "--config", str(conf)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "%s:2: Header needs an action and a header name" % conf in done.stderr
