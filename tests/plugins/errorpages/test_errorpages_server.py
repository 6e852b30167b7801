"""The errorpages plugin through a real server: built-in pages, every ErrorDocument form,
the recursion guard, PythonDebug, 401 headers, DONE from each phase, and a third-party
error-page plugin discovered like any installed one."""

import html
import textwrap

import pytest

from support.httpclient import Connection, build_request, get

STATIC_ONLY = ("--plugins", "static,errorpages")


def page_title(response):
    return "<title>%s</title>" % response.text.split("<title>", 1)[1].split("</title>", 1)[0]


# -- ErrorDocument with static documents ------------------------------------------------

@pytest.fixture
def docsite(tmp_path, serve):
    docs = tmp_path / "docs"
    for folder in ("errors", "text", "local", "remote", "inner", "loop", "broken", "emptydir",
                   "htaccess"):
        (docs / folder).mkdir(parents=True)
    (docs / "errors" / "nf.html").write_bytes(b"<html>custom not found</html>\n")
    (docs / "htaccess" / ".htaccess").write_text('ErrorDocument 404 "from .htaccess"\n')
    server = serve(f"""
DocumentRoot "{docs}"
<Directory "{docs}">
    AllowOverride FileInfo
</Directory>
<Directory "{docs}/text">
    ErrorDocument 404 "Custom ErrorDocument text for 404"
    ErrorDocument 403 "no listing here"
</Directory>
<Directory "{docs}/local">
    ErrorDocument 404 /errors/nf.html
</Directory>
<Directory "{docs}/remote">
    ErrorDocument 404 http://example.com/lost?from=greenphase
</Directory>
<Directory "{docs}/inner">
    ErrorDocument 404 "outer text"
</Directory>
<Directory "{docs}/inner/plain">
    ErrorDocument 404 default
</Directory>
<Directory "{docs}/broken">
    ErrorDocument 404 /errors/missing.html
</Directory>
<Directory "{docs}/loop">
    ErrorDocument 403 /loop/
</Directory>
""", args=STATIC_ONLY)
    (docs / "inner" / "plain").mkdir()
    return server


def test_plain_page(docsite):
    r = get(docsite.port, "/nothing-here")
    assert r.status == 404
    assert r.header("Content-Type") == "text/html; charset=iso-8859-1"
    assert page_title(r) == "<title>404 Not Found</title>"
    assert r.header("Content-Length") == str(len(r.body))


def test_text_document(docsite):
    r = get(docsite.port, "/text/missing.html")
    assert (r.status, r.body) == (404, b"Custom ErrorDocument text for 404")
    assert r.header("Content-Type") == "text/html; charset=iso-8859-1"
    r = get(docsite.port, "/text/")
    assert (r.status, r.body) == (403, b"no listing here")


def test_text_document_head(docsite):
    r = get(docsite.port, "/text/missing.html", method="HEAD")
    assert (r.status, r.body) == (404, b"")


def test_local_document_keeps_the_status(docsite):
    r = get(docsite.port, "/local/missing.html")
    assert (r.status, r.body) == (404, b"<html>custom not found</html>\n")
    assert r.header("Content-Type") == "text/html"


def test_local_document_head(docsite):
    with Connection(docsite.port) as conn:
        head = conn.request(build_request("HEAD", "/local/missing.html", docsite.port, close=False))
        after = conn.request(build_request("GET", "/errors/nf.html", docsite.port))
    assert (head.status, head.body, head.header("Content-Length")) == (404, b"", "30")
    # A body after the HEAD response would have been read as this one.
    assert (after.status, after.body) == (200, b"<html>custom not found</html>\n")


def test_local_document_is_fetched_with_get(docsite):
    # A POST to the document itself would be refused (405): the redirect must be a GET.
    r = get(docsite.port, "/local/missing.html", method="POST", body="a=1")
    assert (r.status, r.body) == (404, b"<html>custom not found</html>\n")


def test_remote_document_is_a_302(docsite):
    r = get(docsite.port, "/remote/missing.html")
    assert r.status == 302
    assert r.header("Location") == "http://example.com/lost?from=greenphase"
    assert "http://example.com/lost?from=greenphase" in html.unescape(r.text)


def test_default_overrides_an_outer_document(docsite):
    assert get(docsite.port, "/inner/missing.html").body == b"outer text"
    r = get(docsite.port, "/inner/plain/missing.html")
    assert r.status == 404 and page_title(r) == "<title>404 Not Found</title>"


def test_document_in_htaccess(docsite):
    r = get(docsite.port, "/htaccess/missing.html")
    assert (r.status, r.body) == (404, b"from .htaccess")


def test_missing_document_gives_the_plain_page_once(docsite):
    r = get(docsite.port, "/broken/missing.html")
    assert r.status == 404
    assert page_title(r) == "<title>404 Not Found</title>"
    assert "error document for this status failed with 404 Not Found" in r.text


def test_document_failing_with_its_own_status_does_not_loop(docsite):
    r = get(docsite.port, "/loop/")
    assert r.status == 403
    assert page_title(r) == "<title>403 Forbidden</title>"
    assert "failed with 403 Forbidden" in r.text


# -- with Python handlers ---------------------------------------------------------------

HANDLERS = '''
from mod_python import apache

def boom(req):
    raise ValueError("boom <from> handler")

def partial(req):
    req.content_type = "text/plain"
    req.write("partial output\\n")
    raise ValueError("boom after write")

def needs_auth(req):
    req.err_headers_out["WWW-Authenticate"] = 'Basic realm="Restricted Area"'
    req.headers_out["X-Dropped"] = "headers_out is not sent with an error"
    return apache.HTTP_UNAUTHORIZED

def not_found(req):
    return apache.HTTP_NOT_FOUND

def show_redirect(req):
    req.content_type = "text/plain"
    env = req.subprocess_env
    req.write("status=%s url=%s method=%s prev=%s" % (
        env.get("REDIRECT_STATUS"), env.get("REDIRECT_URL"), env.get("REDIRECT_REQUEST_METHOD"),
        req.prev.uri))
    return apache.OK

def done(req):
    req.content_type = "text/plain"
    req.write("%s wrote this and returned DONE\\n" % req.phase)
    return apache.DONE

def forbidden(req):
    return apache.HTTP_FORBIDDEN
'''


@pytest.fixture
def pysite(tmp_path, serve):
    docs = tmp_path / "docs"
    for folder in ("on", "off", "on_doc", "off_text", "off_local", "auth", "auth_text",
                   "auth_remote", "handler_doc", "failing_doc", "errors"):
        (docs / folder).mkdir(parents=True)
    (docs / "h.py").write_text(HANDLERS)
    (docs / "errors" / "oops.html").write_bytes(b"<html>custom 500</html>\n")

    def handler_dir(name, handler, *extra, debug="Off"):
        lines = "\n    ".join((f"PythonHandler h::{handler}", f"PythonDebug {debug}") + extra)
        return f'<Directory "{docs}/{name}">\n    {lines}\n</Directory>'

    server = serve("\n".join([
        f'DocumentRoot "{docs}"',
        f'<Directory "{docs}">\n    AddHandler mod_python .py\n    PythonPath "sys.path+[\'{docs}\']"\n</Directory>',
        handler_dir("on", "boom", debug="On"),
        handler_dir("off", "boom"),
        handler_dir("on_doc", "boom", 'ErrorDocument 500 "not shown with debug on"', debug="On"),
        handler_dir("off_text", "boom", 'ErrorDocument 500 "sorry, that failed"'),
        handler_dir("off_local", "boom", "ErrorDocument 500 /errors/oops.html"),
        handler_dir("auth", "needs_auth"),
        handler_dir("auth_text", "needs_auth", 'ErrorDocument 401 "log in first"'),
        handler_dir("auth_remote", "needs_auth", "ErrorDocument 401 http://example.com/login"),
        handler_dir("handler_doc", "not_found", "ErrorDocument 404 /errors/show.py"),
        handler_dir("failing_doc", "not_found", "ErrorDocument 404 /off/x.py"),
        '<Files "partial.py">\n    PythonHandler h::partial\n</Files>',
        f'<Directory "{docs}/errors">\n    PythonHandler h::show_redirect\n</Directory>',
    ]))
    server.docs = docs
    return server


def test_debug_on_shows_the_traceback(pysite):
    r = get(pysite.port, "/on/x.py")
    assert r.status == 500
    assert r.header("Content-Type") == "text/html"
    assert r.text.startswith('\n<pre>\nMod_python error: "PythonHandler h::boom"')
    assert "ValueError: boom &lt;from&gt; handler" in r.text


def test_debug_on_ignores_error_document(pysite):
    r = get(pysite.port, "/on_doc/x.py")
    assert r.status == 500 and "ValueError" in r.text and "not shown" not in r.text


def test_debug_off_plain_page(pysite):
    r = get(pysite.port, "/off/x.py")
    assert r.status == 500 and page_title(r) == "<title>500 Internal Server Error</title>"
    assert "Traceback" not in r.text and "boom" not in r.text


def test_debug_off_error_documents(pysite):
    assert get(pysite.port, "/off_text/x.py").body == b"sorry, that failed"
    r = get(pysite.port, "/off_local/x.py")
    assert (r.status, r.body) == (500, b"<html>custom 500</html>\n")


@pytest.mark.parametrize("debug, tail", [("on", "ValueError: boom after write"),
                                         ("off", "<title>500 Internal Server Error</title>")])
def test_failure_after_output_appends(pysite, debug, tail):
    r = get(pysite.port, f"/{debug}/partial.py")
    assert r.status == 200 and r.header("Content-Type") == "text/plain"
    assert r.text.startswith("partial output\n") and tail in r.text


@pytest.mark.parametrize("path, body", [("/auth/x.py", None), ("/auth_text/x.py", b"log in first"),
                                        ("/auth_remote/x.py", None)])
def test_401_keeps_www_authenticate(pysite, path, body):
    r = get(pysite.port, path)
    assert r.status == 401
    assert r.header("WWW-Authenticate") == 'Basic realm="Restricted Area"'
    assert r.header("X-Dropped") is None and r.header("Location") is None
    if body is None:
        assert page_title(r) == "<title>401 Unauthorized</title>"
    else:
        assert r.body == body


def test_error_document_handler_sees_the_redirect(pysite):
    r = get(pysite.port, "/handler_doc/x.py?q=1", method="POST", body="a=1")
    assert r.status == 404
    assert r.body == b"status=404 url=/handler_doc/x.py method=POST prev=/handler_doc/x.py"


def test_error_document_handler_failing_gives_the_original_page(pysite):
    r = get(pysite.port, "/failing_doc/x.py")
    assert r.status == 404
    assert page_title(r) == "<title>404 Not Found</title>"
    assert "failed with 500 Internal Server Error" in r.text


# -- DONE and errors from each phase ----------------------------------------------------

# (directive, allowed inside <Directory>)
PHASES = [("PythonPostReadRequestHandler", False), ("PythonTransHandler", False),
          ("PythonHeaderParserHandler", True), ("PythonAccessHandler", True),
          ("PythonTypeHandler", True), ("PythonFixupHandler", True)]


def phase_site(tmp_path, serve, directive, in_directory, function):
    docs = tmp_path / "docs"
    (docs / "case").mkdir(parents=True)
    (docs / "h.py").write_text(HANDLERS)
    (docs / "case" / "x.py").write_text(
        "def handler(req):\n    req.write('content handler ran\\n')\n    return 0\n")
    phase_line = f"{directive} h::{function}"
    return serve(textwrap.dedent(f"""
        DocumentRoot "{docs}"
        PythonPath "sys.path+['{docs}']"
        {"" if in_directory else phase_line}
        <Directory "{docs}/case">
            AddHandler mod_python .py
            PythonHandler x
            PythonPath "sys.path+['{docs}', '{docs}/case']"
            ErrorDocument 403 "forbidden by a phase"
            {phase_line if in_directory else ""}
        </Directory>
        """))


@pytest.mark.parametrize("directive, in_directory", PHASES)
def test_done_from_a_phase_is_the_response(tmp_path, serve, directive, in_directory):
    server = phase_site(tmp_path, serve, directive, in_directory, "done")
    r = get(server.port, "/case/x.py")
    assert r.status == 200
    assert r.text.endswith("wrote this and returned DONE\n")
    assert "content handler ran" not in r.text and "<html" not in r.text


@pytest.mark.parametrize("directive, in_directory", PHASES)
def test_status_from_a_phase_uses_the_error_page(tmp_path, serve, directive, in_directory):
    server = phase_site(tmp_path, serve, directive, in_directory, "forbidden")
    r = get(server.port, "/case/x.py")
    assert r.status == 403
    # Phases before map_to_storage only see server-wide configuration: no ErrorDocument.
    if in_directory:
        assert r.body == b"forbidden by a phase"
    else:
        assert page_title(r) == "<title>403 Forbidden</title>"


# -- a third-party error-page plugin ----------------------------------------------------

JSON_PLUGIN = '''
"""Error responses as JSON for clients that ask for it; HTML stays with errorpages."""
import json

from kernel import hookimpl


@hookimpl
def error_page(req, status, failure):
    if "application/json" not in (req.headers_in.getfirst("Accept") or ""):
        return None
    req.content_type = "application/json"
    return json.dumps({"status": status, "uri": req.uri})
'''


def test_third_party_error_page_plugin_comes_first(tmp_path, serve):
    # An installed distribution as importlib.metadata sees it: a module plus a dist-info
    # folder declaring the entry point, on the server's sys.path.
    site_packages = tmp_path / "site-packages"
    dist_info = site_packages / "greenphase_json_errors-1.0.dist-info"
    dist_info.mkdir(parents=True)
    (site_packages / "greenphase_json_errors.py").write_text(JSON_PLUGIN)
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: greenphase-json-errors\n"
                                        "Version: 1.0\n")
    (dist_info / "entry_points.txt").write_text("[greenphase]\njson_errors = greenphase_json_errors\n")
    docs = tmp_path / "docs"
    docs.mkdir()
    server = serve(f'DocumentRoot "{docs}"\nErrorDocument 404 "configured text"\n',
                   env={"PYTHONPATH": str(site_packages)},
                   args=("--plugins", "static,errorpages,json_errors"))
    r = get(server.port, "/missing", headers={"Accept": "application/json"})
    assert r.status == 404
    assert r.header("Content-Type") == "application/json"
    assert r.body == b'{"status": 404, "uri": "/missing"}'
    r = get(server.port, "/missing", headers={"Accept": "text/html"})
    assert (r.status, r.body) == (404, b"configured text")
