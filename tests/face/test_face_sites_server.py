"""Sites that name mod_python's own handler modules start and serve; mod_python.testhandler;
what handler code sees of the process (sys.argv, python22) and apache.register_cleanup at
shutdown."""

import textwrap

import pytest

from support.httpclient import get
from support.server import Server, free_port, greenphase_command, serve, write_config

HANDLERS = '''
    import sys
    from mod_python import apache, python22   # many old handler files start like this

    def argv(req):
        req.content_type = "text/plain"
        req.write(repr(sys.argv))
        return apache.OK

    def register(req):
        apache.register_cleanup(write_marker, req.get_options()["marker"])
        req.write("registered")
        return apache.OK

    def mpm(req):
        req.write("forked=%d daemons=%d threaded=%d" % (
            apache.mpm_query(apache.AP_MPMQ_IS_FORKED), apache.mpm_query(apache.AP_MPMQ_MAX_DAEMONS),
            apache.mpm_query(apache.AP_MPMQ_IS_THREADED)))
        return apache.OK

    def write_marker(path):
        with open(path, "w") as f:
            f.write("cleaned up at shutdown")
'''


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("named")
    for name in ("psp", "wsgi", "cgi", "h"):
        (tmp_path / name).mkdir()
    (tmp_path / "psp" / "page.psp").write_text("<% x = 6 * 7 %>answer=<%= x %>\n")
    (tmp_path / "wsgi" / "app.py").write_text(textwrap.dedent('''
        def application(environ, start_response):
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"wsgi ok"]
    '''))
    (tmp_path / "cgi" / "hello.py").write_text('print("Content-Type: text/plain\\n")\nprint("cgi ok")\n')
    (tmp_path / "h" / "h.py").write_text(textwrap.dedent(HANDLERS))
    (tmp_path / "site.conf").write_text(textwrap.dedent(f'''
        DocumentRoot "{tmp_path}"
        ErrorLog "{tmp_path}/error_log"
        <Directory "{tmp_path}/psp">
            AddHandler mod_python .psp
            PythonHandler mod_python.psp
        </Directory>
        <Directory "{tmp_path}/wsgi">
            SetHandler mod_python
            PythonHandler mod_python.wsgi
            PythonOption mod_python.wsgi.application app
        </Directory>
        <Directory "{tmp_path}/cgi">
            SetHandler mod_python
            PythonHandler mod_python.cgihandler
        </Directory>
        # installation.rst's diagnostic page, verbatim
        <Location /mpinfo>
          SetHandler mod_python
          PythonHandler mod_python.testhandler
        </Location>
        <Location /test>
            SetHandler mod_python
            PythonHandler mod_python.testhandler
            PythonOption shown-option "<b>escaped</b>"
        </Location>
        <Location /debugtest>
            SetHandler mod_python
            PythonHandler mod_python.testhandler
            PythonDebug On
        </Location>
        <Directory "{tmp_path}/h">
            SetHandler mod_python
            PythonHandler h::argv
            PythonOption marker "{tmp_path}/marker"
            <Files register>
                PythonHandler h::register
            </Files>
            <Files mpm>
                PythonHandler h::mpm
            </Files>
        </Directory>
    '''))
    return tmp_path


def test_a_site_naming_psp_wsgi_and_cgihandler_starts_and_serves(serve_site):
    port = serve_site.port
    assert get(port, "/psp/page.psp").text.strip() == "answer=42"
    assert get(port, "/wsgi/anything").text == "wsgi ok"
    assert get(port, "/cgi/hello.py").text == "cgi ok\n"


def start(site, tmp_path_factory, workers=None):
    """``greenphase serve --single`` (the harness's default), or the arbiter with workers."""
    if workers is None:
        return serve(site / "site.conf", cwd=str(site),
                     directory=str(tmp_path_factory.mktemp("conf")))
    port = free_port()
    config = write_config(site / "site.conf", port, tmp_path_factory.mktemp("conf"))
    return Server(config, port, cwd=str(site), command=greenphase_command() + [
        "serve", "--workers", str(workers), "--config", str(config)])


@pytest.fixture(scope="module")
def serve_site(site, tmp_path_factory):
    server = start(site, tmp_path_factory)
    yield server
    server.stop()


def test_testhandler_page(serve_site, site):
    response = get(serve_site.port, "/test?x=1", headers={"X-Probe": "<script>"})
    assert response.status == 200 and response.header("Content-Type").startswith("text/html")
    page = response.text
    assert "<title>mod_python test page</title>" in page
    for heading in ("General information", "Request input headers", "Request environment",
                    "Request options", "Server configuration"):
        assert "<h3>%s</h3>" % heading in page
    assert "&lt;script&gt;" in page and "<script>" not in page       # values are escaped
    assert "&lt;b&gt;escaped&lt;/b&gt;" in page
    assert "No (one process)" in page and str(site) in page
    assert "<h3>Server configuration tree</h3>" in page
    assert "    PythonHandler mod_python.testhandler" in page       # inside its <Location>


def test_testhandler_documentation_example(serve_site):
    response = get(serve_site.port, "/mpinfo")
    assert response.status == 200 and "<title>mod_python test page</title>" in response.text


def test_testhandler_log_view_needs_python_debug(serve_site, site):
    get(serve_site.port, "/cgi/missing.py")
    plain = get(serve_site.port, "/test?view_log=1")
    assert plain.header("Content-Type").startswith("text/html")      # the page, not the log
    debug = get(serve_site.port, "/debugtest?view_log=1")
    assert debug.header("Content-Type").startswith("text/plain")
    assert debug.body == (site / "error_log").read_bytes()[-len(debug.body):]


def test_handler_code_sees_mod_pythons_argv(serve_site):
    assert get(serve_site.port, "/h/x").text == "['mod_python']"


def test_register_cleanup_runs_at_shutdown(site, tmp_path_factory):
    server = start(site, tmp_path_factory)      # its own: this test stops it
    try:
        assert get(server.port, "/h/register").text == "registered"
        assert not (site / "marker").exists()
    finally:
        assert server.stop() == 0
    assert (site / "marker").read_text() == "cleaned up at shutdown"


def test_mpm_query_reports_the_worker_processes(serve_site, site, tmp_path_factory):
    assert get(serve_site.port, "/h/mpm").text == "forked=0 daemons=1 threaded=1"
    server = start(site, tmp_path_factory, workers=2)
    try:
        # AP_MPMQ_STATIC (1): forked, with a fixed number of processes
        assert get(server.port, "/h/mpm").text == "forked=1 daemons=2 threaded=1"
    finally:
        server.stop()
