"""The publisher through the real server: mapping, security, arguments, results, framing."""

import os
import textwrap

import pytest

from support.httpclient import get
from kernel.testing import basic_auth_header

PAGES = '''
    from mod_python import publisher, util

    def index():
        return "index"

    def hello(req, name="world"):
        return "Hello, %s!" % name

    def both(req, a, b="B"):
        return "a=%r b=%r" % (a, b)

    def upload(f, note=""):
        return "%s %d %s" % (f.filename, len(f.value), note)

    def raw():
        return b"\\x00\\xffbytes"

    def stream(req):
        req.content_type = "text/csv"
        yield "a,b\\n"
        yield "1,2\\n"

    def writer(req):
        req.write("written;")
        return "returned"

    def nothing():
        return None

    def go(req):
        util.redirect(req, "/pages.py/hello?name=moved")

    @publisher.auth({"spam": "eggs"}, realm="Pages")
    def secret():
        return "secret"

    class Box:
        label = "box"

        @publisher.access(["boss"])
        def inside(self):
            return "inside"

    box = Box()
'''


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("pubsite")
    (root / "pages.py").write_text(textwrap.dedent(PAGES))
    (root / "later").mkdir()
    (root / "set").mkdir()      # SetHandler: names without .py reach the publisher too
    (root / "set" / "pages.py").write_text(textwrap.dedent(PAGES))
    (root / "set" / "index.py").write_text("def index():\n    return 'set index'\n"
                                           "def fallback():\n    return 'from index.py'\n")
    (root / "site.conf").write_text(textwrap.dedent(f'''
        DocumentRoot "{root}"
        LimitRequestBody 100000
        <Directory "{root}">
            AddHandler mod_python .py
            PythonHandler mod_python.publisher
            PythonDebug On
            # the edit tests request at once: every request looks at the file
            PythonAutoReloadInterval 0
        </Directory>
        <Directory "{root}/set">
            SetHandler mod_python
        </Directory>
        <Directory "{root}/later">
            PythonAutoReloadInterval 3600
        </Directory>
    '''))
    return root


@pytest.fixture
def port(serve, site):
    return serve(site / "site.conf", cwd=str(site)).port


def test_mapping(port):
    assert get(port, "/pages.py").text == "index"
    assert get(port, "/pages.py/").text == "index"
    assert get(port, "/set/pages").text == "index"
    assert get(port, "/set/pages/hello").text == "Hello, world!"
    assert get(port, "/set/fallback").text == "from index.py"
    assert get(port, "/set/").text == "set index"
    assert get(port, "/pages").status == 404     # AddHandler .py: not the publisher's
    assert get(port, "/pages.py/box/label").text == "box"


@pytest.mark.parametrize("path, status", [
    ("/pages.py/nosuch", 404), ("/nosuch.py/x", 404), ("/pages.py/_x", 403),
    ("/pages.py/util", 403), ("/pages.py/Box", 403), ("/pages.py/hello/__code__", 403),
    ("/pages.py/box/inside/x", 403),
])
def test_refusals(port, path, status):
    response = get(port, path)
    assert response.status == status
    assert "Traceback" not in response.text


def test_methods(port):
    response = get(port, "/pages.py/hello", method="PUT", body="x")
    assert response.status == 405
    assert set(response.header("Allow").replace(" ", "").split(",")) >= {"GET", "POST", "HEAD"}


def test_arguments(port):
    assert get(port, "/pages.py/hello?name=a&name=b").text == "Hello, ['a', 'b']!"
    response = get(port, "/pages.py/both", {"Content-Type": "application/x-www-form-urlencoded"},
                   "POST", "a=J%C3%B6rg&req=x")
    assert response.text == "a='Jörg' b='B'"


def test_missing_argument_is_400_naming_it(port):
    response = get(port, "/pages.py/both?b=1")
    assert response.status == 400 and "'a'" in response.text
    assert response.header("Content-Type").startswith("text/html")


def test_upload(port):
    data = bytes(range(256)) * 100
    body = (b'--BB\r\nContent-Disposition: form-data; name="f"; filename="d.bin"\r\n'
            b"Content-Type: application/octet-stream\r\n\r\n" + data +
            b'\r\n--BB\r\nContent-Disposition: form-data; name="note"\r\n\r\nok\r\n--BB--\r\n')
    response = get(port, "/pages.py/upload", {"Content-Type": "multipart/form-data; boundary=BB"},
                   "POST", body)
    assert response.text == "d.bin 25600 ok"


def test_body_over_limit_is_413(port):
    response = get(port, "/pages.py/both", {"Content-Type": "application/x-www-form-urlencoded"},
                   "POST", "a=" + "x" * 100001)
    assert response.status == 413


def test_results_and_framing(port):
    response = get(port, "/pages.py/hello")
    assert (response.header("Content-Type"), response.framing) == ("text/plain", "length")
    response = get(port, "/pages.py/raw")
    assert response.body == b"\x00\xffbytes"
    response = get(port, "/pages.py/stream")
    assert (response.text, response.header("Content-Type"), response.framing) == \
        ("a,b\n1,2\n", "text/csv", "chunked")
    response = get(port, "/pages.py/writer")
    assert (response.text, response.header("Content-Type")) == ("written;returned", "text/x-python")
    response = get(port, "/pages.py/nothing")
    assert (response.body, response.header("Content-Length")) == (b"", "0")
    response = get(port, "/pages.py/hello", method="HEAD")
    assert (response.body, response.header("Content-Length")) == (b"", "13")


def test_redirect(port):
    response = get(port, "/pages.py/go")
    assert response.status == 302 and response.header("Location") == "/pages.py/hello?name=moved"


def test_auth_decorators(port):
    response = get(port, "/pages.py/secret")
    assert response.status == 401
    assert response.header("WWW-Authenticate") == 'Basic realm="Pages"'
    assert get(port, "/pages.py/secret", {"Authorization": basic_auth_header("spam", "bad")}).status == 401
    assert get(port, "/pages.py/secret", {"Authorization": "Basic !!!"}).status == 400
    assert get(port, "/pages.py/secret", {"Authorization": basic_auth_header("spam", "eggs")}).text == "secret"
    assert get(port, "/pages.py/box/inside", {"Authorization": basic_auth_header("spam", "eggs")}).status == 403
    assert get(port, "/pages.py/box/inside", {"Authorization": basic_auth_header("boss", "x")}).text == "inside"


def test_edited_module_is_reloaded(port, site):
    path = site / "edited.py"
    path.write_text("def index():\n    return 'first'\n")
    assert get(port, "/edited.py").text == "first"
    path.write_text("def index():\n    return 'second version'\n")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    assert get(port, "/edited.py").text == "second version"


def test_edited_module_serves_its_new_function(port, site):
    path = site / "edited_named.py"
    path.write_text("def hello(req, name):\n    return 'first ' + name\n")
    assert get(port, "/edited_named.py/hello?name=a").text == "first a"
    assert get(port, "/edited_named.py/hello?name=b").text == "first b"     # remembered
    path.write_text("def hello(req, name):\n    return 'second ' + name\n"
                    "hello.__auth__ = {'spam': 'eggs'}\n")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    assert get(port, "/edited_named.py/hello?name=c").status == 401
    auth = {"Authorization": basic_auth_header("spam", "eggs")}
    assert get(port, "/edited_named.py/hello?name=d", auth).text == "second d"


def test_edit_waits_for_the_reload_interval(port, site):
    """PythonAutoReloadInterval 3600: the file was just looked at, a change waits an hour."""
    path = site / "later" / "page.py"
    path.write_text("def index():\n    return 'first'\n")
    assert get(port, "/later/page.py").text == "first"
    path.write_text("def index():\n    return 'second version'\n")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    assert get(port, "/later/page.py").text == "first"
