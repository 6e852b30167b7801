"""PythonHandler mod_python.cgihandler through the real server: the documentation's
.htaccess setup, GET and POST (stdin), CGI headers, errors, and concurrent requests that
never see each other's environment, input or output."""

import textwrap
import threading

import pytest

from support.httpclient import get
from support.server import serve

SCRIPTS = {
    # mod_python's own test script (test/htdocs/cgitest.py), verbatim.
    "cgitest.py": '''
        from __future__ import print_function

        print("Content-type: text/plain\\n")
        print("test ok")
    ''',
    "form.py": '''
        import cgi
        import os
        import sys

        form = cgi.FieldStorage()
        print("Content-Type: text/plain")
        print()
        print("method=%s" % os.environ["REQUEST_METHOD"])
        print("name=%s" % form.getfirst("name"))
        print("colors=%s" % ",".join(form.getlist("color")))
        print("script=%s info=%s" % (os.environ["SCRIPT_NAME"], os.environ.get("PATH_INFO")))
        print("gateway=%s" % os.environ["GATEWAY_INTERFACE"])
        print("cwd=%s" % os.getcwd())
        print("main=%s" % (__name__ == "__main__"))
    ''',
    "raw.py": '''
        import os
        import sys

        data = sys.stdin.buffer.read(int(os.environ.get("CONTENT_LENGTH") or 0))
        sys.stdout.write("Status: 202 Taken\\r\\nContent-Type: application/octet-stream\\r\\n"
                         "X-Length: %d\\r\\n\\r\\n" % len(data))
        sys.stdout.flush()
        sys.stdout.buffer.write(data[::-1])
    ''',
    "lines.py": '''
        import sys
        lines = sys.stdin.readlines()
        print("Content-Type: text/plain\\n")
        print("%d lines, last %r" % (len(lines), lines[-1]))
    ''',
    "moved.py": '''
        print("Location: http://example.com/elsewhere")
        print()
    ''',
    "silent.py": '''
        x = 1
    ''',
    "noheader.py": '''
        print("just a body, no header block")
    ''',
    "crash.py": '''
        print("Content-Type: text/plain\\n")
        raise RuntimeError("script trouble")
    ''',
    "exits.py": '''
        import sys
        print("Content-Type: text/plain\\n")
        print("before exit")
        sys.exit(0)
        print("after exit")
    ''',
    "uses_helper.py": '''
        import cgihelper
        print("Content-Type: text/plain\\n")
        print(cgihelper.GREETING)
    ''',
    "cgihelper.py": '''
        import threading
        GREETING = "helper next to the script"
        ARRIVED = threading.Barrier(int(open("parties.txt").read()), timeout=20)
    ''',
    "parties.txt": None,
    "setenv.py": '''
        import os
        os.environ["MINE"] = "leaked?"
        print("Content-Type: text/plain\\n")
        print(os.environ["MINE"])
    ''',
    "getenv.py": '''
        import os
        print("Content-Type: text/plain\\n")
        print(os.environ.get("MINE"), "PATH" in os.environ, "HOME" in os.environ)
    ''',
    "together.py": '''
        import os
        import sys
        import cgihelper

        mine = os.environ["QUERY_STRING"]
        body = sys.stdin.read()
        os.environ["MINE"] = mine               # stays in this request
        cgihelper.ARRIVED.wait()                # every request is inside a script now
        print("Content-Type: text/plain\\n")
        print("%s|%s|%s|%s" % (mine, os.environ["QUERY_STRING"], os.environ["MINE"], body))
    ''',
}
PARTIES = 6


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("cgi")
    cgi = root / "cgi"
    cgi.mkdir()
    for name, text in SCRIPTS.items():
        (cgi / name).write_text(str(PARTIES) if text is None else textwrap.dedent(text))
    # The documentation's setup, verbatim: "simply add this to your .htaccess file".
    (cgi / ".htaccess").write_text("SetHandler mod_python\nPythonHandler mod_python.cgihandler\n")
    (root / "site.conf").write_text(textwrap.dedent(f'''
        DocumentRoot "{root}"
        ErrorLog "{root}/error_log"
        <Directory "{cgi}">
            AllowOverride All
        </Directory>
    '''))
    return root


@pytest.fixture(scope="module")
def port(site, tmp_path_factory):
    server = serve(site / "site.conf", cwd=str(site), directory=str(tmp_path_factory.mktemp("conf")))
    yield server.port
    server.stop()


def test_mod_pythons_own_cgitest(port):
    response = get(port, "/cgi/cgitest.py")
    assert (response.status, response.text) == (200, "test ok\n")
    assert response.header("Content-Type").startswith("text/plain")


def test_get_form(port, site):
    response = get(port, "/cgi/form.py/extra/path?name=Ada&color=red&color=blue")
    assert response.status == 200
    assert response.text.splitlines() == [
        "method=GET", "name=Ada", "colors=red,blue", "script=/cgi/form.py info=/extra/path",
        "gateway=Python-CGI/1.1", "cwd=%s/cgi" % site, "main=True"]


def test_post_form_reads_stdin(port):
    response = get(port, "/cgi/form.py", method="POST", body=b"name=Grace&color=green",
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.text.splitlines()[:3] == ["method=POST", "name=Grace", "colors=green"]


def test_multipart_post(port):
    body = (b"--XyZ\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nLin\r\n"
            b"--XyZ--\r\n")
    response = get(port, "/cgi/form.py", method="POST", body=body,
                   headers={"Content-Type": "multipart/form-data; boundary=XyZ"})
    assert response.text.splitlines()[1] == "name=Lin"


def test_status_header_and_binary_body(port):
    response = get(port, "/cgi/raw.py", method="POST", body=b"\x00\x01abc\xff")
    assert (response.status, response.reason) == (202, "Taken")
    assert response.header("Content-Type") == "application/octet-stream"
    assert response.header("X-Length") == "6"
    assert response.body == b"\xffcba\x01\x00"


def test_stdin_lines(port):
    response = get(port, "/cgi/lines.py", method="POST", body=b"a\nb\nc")
    assert response.text == "3 lines, last 'c'\n"


def test_location_alone_redirects(port):
    response = get(port, "/cgi/moved.py")
    assert (response.status, response.header("Location")) == (302, "http://example.com/elsewhere")


@pytest.mark.parametrize("script, logged", [
    ("silent.py", "the script printed no output"),
    ("noheader.py", "the script printed an unfinished header block"),
    ("crash.py", "script trouble"),
])
def test_broken_scripts_are_a_500_and_logged(port, site, script, logged):
    response = get(port, "/cgi/" + script)
    assert response.status == 500 and b"Traceback" not in response.body
    assert logged in (site / "error_log").read_text()


def test_missing_script_is_a_404(port):
    assert get(port, "/cgi/nothere.py").status == 404


def test_only_python_sources_run(port, site):
    (site / "cgi" / "upload.txt").write_text('print("Content-Type: text/plain\\n")\nprint("ran")\n')
    response = get(port, "/cgi/upload.txt")
    assert response.status == 404 and b"ran" not in response.body


def test_sys_exit_ends_the_script(port):
    assert get(port, "/cgi/exits.py").text == "before exit\n"


def test_imports_next_to_the_script(port):
    assert get(port, "/cgi/uses_helper.py").text == "helper next to the script\n"


def test_concurrent_requests_keep_their_own_environment_input_and_output(port):
    """All requests are inside the script at once (a barrier in the helper module), each
    reads its own query string and body after the others have changed theirs."""
    results = {}

    def one(n):
        results[n] = get(port, "/cgi/together.py?r%d" % n, method="POST",
                         body=("body%d" % n).encode())
    threads = [threading.Thread(target=one, args=(n,)) for n in range(PARTIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == list(range(PARTIES))
    for n, response in results.items():
        assert (response.status, response.text) == (200, "r%d|r%d|r%d|body%d\n" % (n, n, n, n))


def test_a_change_to_os_environ_stays_in_its_request(port):
    assert get(port, "/cgi/setenv.py").text == "leaked?\n"
    # The next script sees the CGI variables only: nothing set by the last one, and not the
    # server process's own environment (HOME), as with 3.5's cgihandler.
    assert get(port, "/cgi/getenv.py").text == "None True False\n"
