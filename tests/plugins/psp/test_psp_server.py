"""PSP through the real server: the mod_python.psp handler, the documentation's examples,
PSP(req, ...) from handlers and published functions, sessions, the mtime cache, PythonDebug's
code view for .psp_ URLs, and errors that name the template file and line."""

import os
import re
import textwrap
from importlib.metadata import entry_points

import pytest

from support.httpclient import get
from support.server import serve as start_server

DOC_HELLO = """\
<html>
<%
import time
%>
Hello world, the time is: <%=time.strftime("%Y-%m-%d, %H:%M:%S")%>
</html>
"""

DOC_LOOP = """\
<html>
<%
for n in range(3):
    # This indent will persist
%>
<p>This paragraph will be
repeated 3 times.</p>
<%
# This line will cause the block to end
%>
This line will only be shown once.<br>
</html>
"""

DOC_LOOP_SHORT = """\
<html>
<%
for n in range(3):
%>
<p>This paragraph will be
repeated 3 times.</p>
<%
%>
This line will only be shown once.<br>
</html>
"""

REPEATED = ("<html>\n" + "\n<p>This paragraph will be\nrepeated 3 times.</p>\n" * 3
            + "\nThis line will only be shown once.<br>\n</html>\n")

DOC_REDIRECT = """\
<%

# note that the '<' above is the first byte of the page!
psp.redirect('http://www.modpython.org')
%>
"""

DOC_TEMPLATE = """\
<html>
  <!-- This is a simple psp template called template.html -->
  <h1>Hello, <%=what%>!</h1>
</html>
"""

DOC_TEMPLATE_HANDLER = """\
from mod_python import apache, psp

def handler(req):
    template = psp.PSP(req, filename='template.html')
    template.run({'what':'world'})
    return apache.OK
"""

PUBLISHED = """\
from mod_python import psp

def page(req, name="nobody"):
    return psp.PSP(req, "greeting.tmpl", vars={"name": name})

def counter(req):
    return psp.PSP(req, "counter.tmpl")
"""

COUNTER = "<%\nsession['hits'] = session.get('hits', 0) + 1\n%>hits=<%= session['hits'] %>"


def build_site(root):
    files = {
        "hello.psp": DOC_HELLO,
        "loop.psp": DOC_LOOP,
        "loop_short.psp": DOC_LOOP_SHORT,
        "redirect.psp": DOC_REDIRECT,
        "form.psp": "<% name = form.getfirst('name', 'stranger') %>Hello <%= name %>",
        "include.psp": '[<%@ include file="' + str(root / "abs.txt") + '" %>]'
                       '[<%@ include file="parts/inc.psp" %>]',
        "abs.txt": "absolute",
        "parts/inc.psp": "<%= 'relative' %>",
        "main.psp": "okay\n<%\npsp.set_error_page('fail.psp')\nraise ValueError('boom')\n%>\n",
        "fail.psp": "fail <%= exception[1] %>\n",
        "boom.psp": "line1\n<%\nx = 1\ny = x / 0\n%>\n",
        "boominc.psp": 'a\n<%@ include file="parts/bad.psp" %>\n',
        "parts/bad.psp": "b1\n<%= undefined_name %>\n",
        "syntax.psp": "x\n<%\nif True\n    pass\n%>\n",
        "counter.psp": COUNTER,
        "changing.psp": "version one",
        "off/hello.psp": "off <%= 1 + 1 %>",
        "off/boom.psp": "line1\n<%= 1 / 0 %>\n",
        "off/syntax.psp": "<% if %>",
        "tmpl/template.html": DOC_TEMPLATE,
        "tmpl/tmplhandler.py": DOC_TEMPLATE_HANDLER,
        "pub/pages.py": PUBLISHED,
        "pub/greeting.tmpl": "<p>Hello, <%= name %>!</p>",
        "pub/counter.tmpl": COUNTER,
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (root / "site.conf").write_text(textwrap.dedent(f'''
        DocumentRoot "{root}"
        <Directory "{root}">
            AddHandler mod_python .psp .psp_
            PythonHandler mod_python.psp
            PythonDebug On
        </Directory>
        <Directory "{root}/off">
            PythonDebug Off
        </Directory>
        <Directory "{root}/tmpl">
            SetHandler mod_python
            PythonHandler tmplhandler
        </Directory>
        <Directory "{root}/pub">
            AddHandler mod_python .py
            PythonHandler mod_python.publisher
        </Directory>
    '''))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("pspsite")
    build_site(root)
    server = start_server(root / "site.conf", cwd=str(root))
    yield root, server
    server.stop()


@pytest.fixture(scope="module")
def port(site):
    return site[1].port


# -- the handler and the documentation's examples ---------------------------------------------

def test_doc_hello_world(port):
    r = get(port, "/hello.psp")
    assert r.status == 200 and r.header("Content-Type").startswith("text/html")
    assert re.fullmatch(r"<html>\n\nHello world, the time is: \d{4}-\d\d-\d\d, \d\d:\d\d:\d\d\n"
                        r"</html>\n", r.text)


@pytest.mark.parametrize("path", ["/loop.psp", "/loop_short.psp"])
def test_doc_indentation_examples(port, path):
    assert get(port, path).text == REPEATED


def test_doc_redirect(port):
    r = get(port, "/redirect.psp")
    assert r.status == 302 and r.header("Location") == "http://www.modpython.org"


def test_form_in_a_page(port):
    assert get(port, "/form.psp?name=Ann").text == "Hello Ann"
    assert get(port, "/form.psp").text == "Hello stranger"


def test_form_posted_to_a_page(port):
    r = get(port, "/form.psp", method="POST", body=b"name=Posted",
            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 200 and r.text == "Hello Posted"


def test_head_runs_the_page_without_a_body(port):
    r = get(port, "/loop.psp", method="HEAD")
    assert r.status == 200 and r.text == ""
    assert r.header("Content-Length") == str(len(REPEATED))


def test_includes_absolute_and_relative(port):
    assert get(port, "/include.psp").text == "[absolute][relative]"


def test_error_page(port):
    assert get(port, "/main.psp").text.split() == ["okay", "fail", "boom"]


def test_doc_template_from_a_handler(port):
    r = get(port, "/tmpl/anything")
    assert r.status == 200
    assert "<h1>Hello, world!</h1>" in r.text


def test_psp_returned_by_a_published_function(port):
    r = get(port, "/pub/pages.py/page?name=Bo")
    assert r.status == 200 and r.text == "<p>Hello, Bo!</p>"
    assert r.header("Content-Type").startswith("text/html")


def test_missing_page_is_404(port):
    assert get(port, "/nothere.psp").status == 404


# -- sessions -----------------------------------------------------------------------------------

def _hits(port, path):
    first = get(port, path)
    cookie = first.header("Set-Cookie")
    assert first.text == "hits=1" and cookie and cookie.startswith("pysid=")
    second = get(port, path, headers={"Cookie": cookie.split(";")[0]})
    return second.text


def test_session_in_a_psp_page(port):
    """The sessions plugin answers named_handler for mod_python.Session::Session."""
    assert _hits(port, "/counter.psp") == "hits=2"


def test_session_in_a_template_run_by_a_published_function(port):
    assert _hits(port, "/pub/pages.py/counter") == "hits=2"


def test_page_without_session_sets_no_cookie(port):
    assert get(port, "/hello.psp").header("Set-Cookie") is None


# -- the cache follows the file -----------------------------------------------------------------

def test_changed_page_is_recompiled(site, port):
    root, _ = site
    path = root / "changing.psp"
    assert get(port, "/changing.psp").text == "version one"
    mtime = os.stat(path).st_mtime_ns
    path.write_text("version <%= 'two' %>")
    os.utime(path, ns=(mtime + 2_000_000_000, mtime + 2_000_000_000))
    assert get(port, "/changing.psp").text == "version two"


# -- PythonDebug --------------------------------------------------------------------------------

def test_debug_on_shows_generated_code_for_psp_underscore(port):
    r = get(port, "/loop.psp_")
    assert r.status == 200 and r.header("Content-Type").startswith("text/html")
    assert "PSP-produced Python code" in r.text
    assert '<td class="py">for n in range(3):</td>' in r.text
    assert "# This line will cause the block to end" in r.text
    assert "This paragraph will be" in r.text


def test_debug_view_of_a_page_that_does_not_compile(port):
    r = get(port, "/syntax.psp_")
    assert r.status == 200 and '<td class="py">if True</td>' in r.text


def test_debug_view_of_a_missing_page_is_404(port):
    assert get(port, "/nothere.psp_").status == 404


def test_debug_off_psp_underscore_is_404(port):
    assert get(port, "/off/hello.psp").text == "off 2"
    r = get(port, "/off/hello.psp_")
    assert r.status == 404 and "PSP-produced" not in r.text


def test_run_time_error_with_debug_on_names_the_template_line(site, port):
    root, _ = site
    r = get(port, "/boom.psp")
    assert r.status == 500
    assert 'File &quot;%s&quot;, line 4' % (root / "boom.psp") in r.text
    assert "y = x / 0" in r.text and "ZeroDivisionError" in r.text


def test_run_time_error_in_an_include_names_the_included_file(site, port):
    root, _ = site
    r = get(port, "/boominc.psp")
    assert r.status == 500
    assert "PSP template %s:2 (included from %s:2)" % (root / "parts/bad.psp",
                                                       root / "boominc.psp") in r.text


def test_parse_error_with_debug_on_names_the_template_line(site, port):
    root, _ = site
    r = get(port, "/syntax.psp")
    assert r.status == 500
    assert 'File &quot;%s&quot;, line 3' % (root / "syntax.psp") in r.text
    assert "PSPSyntaxError" in r.text and "if True" in r.text


@pytest.mark.parametrize("path", ["/off/boom.psp", "/off/syntax.psp"])
def test_errors_with_debug_off_are_a_plain_500_and_logged_with_the_line(site, port, path):
    root, _ = site
    r = get(port, path)
    assert r.status == 500
    assert "Traceback" not in r.text and ".psp" not in r.text
    where = "%s\", line %d" % (root / path.lstrip("/"), 2 if "boom" in path else 1)
    assert where in (root / "logs" / "error_log").read_text()


def test_without_a_session_provider_the_face_falls_back_to_mod_python_session(site):
    """No plugin answers named_handler for mod_python.Session::Session (the sessions plugin
    is not enabled): a .psp page naming
    ``session`` fails saying so; PSP from user code (the face) uses mod_python.Session."""
    root, _ = site
    enabled = sorted(ep.name for ep in entry_points(group="greenphase") if ep.name != "sessions")
    server = start_server(root / "site.conf", cwd=str(root), args=("--plugins", ",".join(enabled)))
    try:
        assert _hits(server.port, "/pub/pages.py/counter") == "hits=2"
        assert get(server.port, "/counter.psp").status == 500
        log = (root / "logs" / "error_log").read_text()
        assert "uses 'session', but no enabled plugin provides mod_python.Session" in log
    finally:
        server.stop()
