"""PythonHandler mod_python.wsgi through the real server: the documentation's examples
verbatim, SCRIPT_NAME/PATH_INFO under <Location> and base_uri, the request body, PEP 3333's
start_response (exc_info), write callable and close()."""

import json
import textwrap

import pytest

from support.httpclient import get
from support.server import serve

# mod_python's documentation, "WSGI Handler": mysite/wsgi.py in /path/to/mysite.
DOC_APP = '''
def application(environ, start_response):
   status = '200 OK'
   output = 'Hello World!'

   response_headers = [('Content-type', 'text/plain'),
                       ('Content-Length', str(len(output)))]
   start_response(status, response_headers)

   return [output]
'''

APPS = '''
import json
import sys

CLOSED = []


def show(environ, start_response):
    """The environment as JSON (the streams' types only)."""
    keys = ("SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "REQUEST_METHOD", "SERVER_PROTOCOL",
            "wsgi.version", "wsgi.url_scheme", "wsgi.multithread", "wsgi.multiprocess",
            "wsgi.run_once", "HTTP_AUTHORIZATION", "HTTP_X_TEST")
    body = json.dumps({k: environ.get(k) for k in keys})
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body.encode()]


def echo(environ, start_response):
    data = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    first = environ["wsgi.input"].readline()
    environ["wsgi.errors"].write("echo got %d bytes\\n" % len(data))
    start_response("201 Created", [("Content-Type", "text/plain"), ("X-Echo", "yes")])
    return [b"got:", data, first]


def lines(environ, start_response):
    got = [line for line in environ["wsgi.input"]]
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [("%d|" % len(got)).encode()] + got


def writer(environ, start_response):
    write = start_response("200 OK", [("Content-Type", "text/plain")])
    write(b"from write;")
    return ["from iterable"]


class Stream:
    def __init__(self, environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])

    def __iter__(self):
        yield b"a"
        yield "b"

    def close(self):
        CLOSED.append("closed")


def closed(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [",".join(CLOSED).encode()]


def recovers(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("X-Dropped", "1")])
    try:
        raise ValueError("late trouble")
    except ValueError:
        start_response("503 Busy", [("Content-Type", "text/plain")], sys.exc_info())
    return [b"sorry"]


def too_late(environ, start_response):
    write = start_response("200 OK", [("Content-Type", "text/plain")])
    write(b"partial")
    try:
        raise KeyError("after the headers")
    except KeyError:
        start_response("500 Oops", [], sys.exc_info())
    return [b"never"]


def no_start(environ, start_response):
    return [b"body without start_response"]


def bad_status(environ, start_response):
    start_response("OK", [])
    return [b""]


not_callable_but_there = 42

# The standard library's own demo application, checked by its PEP 3333 validator: any
# breach of the protocol by the server (environ keys and types, wsgi.input's methods,
# start_response's arguments, close()) raises AssertionError, which is a 500.
from wsgiref.simple_server import demo_app
from wsgiref.validate import validator

validated = validator(demo_app)


def _validated_echo(environ, start_response):
    data = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    environ["wsgi.errors"].write("validated\\n")
    environ["wsgi.errors"].flush()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(data)))])
    return [data]


validated_echo = validator(_validated_echo)
'''


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("wsgi")
    (root / "path" / "to" / "mysite" / "mysite").mkdir(parents=True)
    mysite = root / "path" / "to" / "mysite"
    (mysite / "mysite" / "__init__.py").write_text("")
    (mysite / "mysite" / "wsgi.py").write_text(DOC_APP)
    (root / "apps").mkdir()
    (root / "apps" / "apps.py").write_text(textwrap.dedent(APPS))
    (root / "docs").mkdir()
    (root / "docs" / "static.txt").write_text("static file\n")
    (root / "site.conf").write_text(textwrap.dedent(f'''
        DocumentRoot "{root}/docs"
        ErrorLog "{root}/error_log"

        # The documentation's first form, verbatim (its path adjusted): the whole site.
        <Location /hello>
           SetHandler mod_python
           PythonHandler mod_python.wsgi
           PythonOption mod_python.wsgi.application mysite.wsgi
           PythonPath "sys.path+['{mysite}']"
        </Location>

        # The documentation's <Location> form, verbatim.
        <Location /wsgiapps>
           SetHandler mod_python
           PythonHandler mod_python.wsgi
           PythonOption mod_python.wsgi.application mysite.wsgi
           PythonPath "sys.path+['{mysite}']"
        </Location>

        <Location /show/>
           SetHandler mod_python
           PythonHandler mod_python.wsgi
           PythonPath "sys.path+['{root}/apps']"
           PythonOption mod_python.wsgi.application apps::show
        </Location>
        <Location /based>
           SetHandler mod_python
           PythonHandler mod_python.wsgi
           PythonPath "sys.path+['{root}/apps']"
           PythonOption mod_python.wsgi.application apps::show
           PythonOption mod_python.wsgi.base_uri /based/deeper
        </Location>
        <Location /app>
           SetHandler mod_python
           PythonHandler mod_python.wsgi
           PythonPath "sys.path+['{root}/apps']"
           PythonOption mod_python.wsgi.application apps::show
        </Location>
        <Location /app/echo>
           PythonOption mod_python.wsgi.application apps::echo
        </Location>
        <Location /app/lines>
           PythonOption mod_python.wsgi.application apps::lines
        </Location>
        <Location /app/writer>
           PythonOption mod_python.wsgi.application apps::writer
        </Location>
        <Location /app/stream>
           PythonOption mod_python.wsgi.application apps::Stream
        </Location>
        <Location /app/closed>
           PythonOption mod_python.wsgi.application apps::closed
        </Location>
        <Location /app/recovers>
           PythonOption mod_python.wsgi.application apps::recovers
        </Location>
        <Location /app/too_late>
           PythonOption mod_python.wsgi.application apps::too_late
        </Location>
        <Location /app/no_start>
           PythonOption mod_python.wsgi.application apps::no_start
        </Location>
        <Location /app/bad_status>
           PythonOption mod_python.wsgi.application apps::bad_status
        </Location>
        <Location /app/validated>
           PythonOption mod_python.wsgi.application apps::validated
        </Location>
        <Location /app/validated_echo>
           PythonOption mod_python.wsgi.application apps::validated_echo
        </Location>
        <Location /app/missing>
           PythonOption mod_python.wsgi.application apps::no_such_callable
        </Location>
        <Location /app/bad_base>
           PythonOption mod_python.wsgi.base_uri /app/
        </Location>
    '''))
    return root


@pytest.fixture(scope="module")
def port(site, tmp_path_factory):
    server = serve(site / "site.conf", cwd=str(site), directory=str(tmp_path_factory.mktemp("conf")))
    yield server.port
    server.stop()


def env(port, path, **kw):
    response = get(port, path, **kw)
    assert response.status == 200, response.text
    return json.loads(response.body)


def test_documentation_example_verbatim(port):
    response = get(port, "/hello")
    assert (response.status, response.body) == (200, b"Hello World!")
    assert response.header("Content-Type").startswith("text/plain")
    assert response.header("Content-Length") == "12"
    # "content formerly under http://example.com/hello becomes available under
    # http://example.com/wsgiapps/hello"
    assert get(port, "/wsgiapps/hello").body == b"Hello World!"


@pytest.mark.parametrize("path, script_name, path_info", [
    ("/wsgiapps", "/wsgiapps", ""),
    ("/show/", "/show", "/"),                     # a Location's trailing slash is dropped
    ("/show/a/b", "/show", "/a/b"),
    ("/app", "/app", ""),
    ("/app/", "/app", "/"),
    ("/app/x/y.html", "/app", "/x/y.html"),
    ("/based/deeper/x", "/based/deeper", "/x"),   # base_uri wins over the Location
    ("/based/deeperx", "/based/deeper", "x"),     # 3.5 compares characters, not segments
])
def test_script_name_and_path_info_split_the_uri(port, path, script_name, path_info):
    if path == "/wsgiapps":
        assert get(port, path).body == b"Hello World!"
        return
    got = env(port, path)
    assert (got["SCRIPT_NAME"], got["PATH_INFO"]) == (script_name, path_info)
    assert got["SCRIPT_NAME"] + got["PATH_INFO"] == path


def test_environment_keys(port):
    got = env(port, "/app/x?a=1&b=2", headers={"Authorization": "Basic eDp5", "X-Test": "t"})
    assert got["QUERY_STRING"] == "a=1&b=2" and got["REQUEST_METHOD"] == "GET"
    assert got["SERVER_PROTOCOL"] == "HTTP/1.1"
    assert got["wsgi.version"] == [1, 0] and got["wsgi.url_scheme"] == "http"
    assert got["wsgi.multithread"] is True and got["wsgi.multiprocess"] is False
    assert got["wsgi.run_once"] is False
    assert got["HTTP_AUTHORIZATION"] == "Basic eDp5" and got["HTTP_X_TEST"] == "t"


def test_outside_the_base_uri_is_declined(port, site):
    # /based (the Location) does not start with the base_uri /based/deeper: declined, and
    # the default handler finds no file.
    assert get(port, "/based/other").status == 404
    assert "does not start with mod_python.wsgi.base_uri" in (site / "error_log").read_text()


def test_body_through_wsgi_input(port, site):
    response = get(port, "/app/echo", method="POST", body=b"x=1&y=2",
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert (response.status, response.body) == (201, b"got:x=1&y=2")
    assert response.header("X-Echo") == "yes"
    assert "echo got 7 bytes" in (site / "error_log").read_text()     # wsgi.errors -> log


def test_iterating_wsgi_input(port):
    response = get(port, "/app/lines", method="POST", body=b"one\ntwo\nthree")
    assert response.body == b"3|one\ntwo\nthree"


def test_write_callable_comes_first(port):
    assert get(port, "/app/writer").body == b"from write;from iterable"


def test_streamed_result_is_closed(port):
    response = get(port, "/app/stream")
    assert (response.body, response.framing) == (b"ab", "chunked")
    assert get(port, "/app/closed").body == b"closed"


def test_start_response_with_exc_info_before_output_replaces_the_response(port):
    response = get(port, "/app/recovers")
    assert (response.status, response.reason, response.body) == (503, "Busy", b"sorry")
    assert response.header("X-Dropped") is None


def test_exc_info_after_output_reraises(port, site):
    response = get(port, "/app/too_late")
    assert response.body.startswith(b"partial") and b"never" not in response.body
    assert "after the headers" in (site / "error_log").read_text()


@pytest.mark.parametrize("path", ["/app/no_start", "/app/bad_status", "/app/bad_base"])
def test_broken_applications_are_a_500(port, path):
    response = get(port, path)
    assert response.status == 500
    assert b"Traceback" not in response.body


def test_missing_callable_is_declined_and_logged(port, site):
    assert get(port, "/app/missing").status == 404
    assert "mod_python.wsgi.application ('apps::no_such_callable') not found" in \
        (site / "error_log").read_text()


def test_head_sends_no_body(port):
    response = get(port, "/hello", method="HEAD")
    assert (response.status, response.body) == (200, b"")


def test_the_standard_librarys_validator_accepts_the_server(port):
    response = get(port, "/app/validated/some/path?x=1")
    assert response.status == 200, response.text
    assert b"Hello world!" in response.body and b"PATH_INFO = '/validated/some/path'" in response.body
    assert b"SCRIPT_NAME = '/app'" in response.body     # the Location with the handler
    echo = get(port, "/app/validated_echo", method="POST", body=b"payload")
    assert (echo.status, echo.body) == (200, b"payload")
