"""Python*Handler directives through the real server."""

import os
import subprocess
import textwrap

import pytest

from support.httpclient import Connection, build_request, get
from support.server import greenphase_command

HANDLERS = '''
    from mod_python import apache
    import startup            # PythonImport ran it at start-up: the same module

    LOG = []

    def first(req):
        req.content_type = "text/plain"
        req.write("first;")
        return apache.OK

    def second(req):
        req.write("second;")
        return apache.OK

    def plain(req):
        req.content_type = "text/plain"
        req.write("plain ext=%s" % req.extension)
        return apache.OK

    def pyext(req):
        req.content_type = "text/plain"
        req.write("pyext ext=%s" % req.extension)
        return apache.OK

    def fixup(req):
        req.seen_in_fixup = req.phase
        req.add_handler("PythonHandler", "h::added")
        return apache.OK

    def context(req):
        req.content_type = "text/plain"
        h = req.hlist
        req.write("phase=%s fixup=%s handler=%s dir=%s;" % (
            req.phase, req.seen_in_fixup, h.handler, h.directory))
        return apache.OK

    def added(req):
        req.write("added")
        return apache.OK

    def options(req):
        req.content_type = "text/plain"
        req.write("%s %s %s %s" % (req.get_options().get("greeting"),
                                   req.server.get_options().get("greeting"),
                                   req.get_config().get("PythonDebug"), req.interpreter))
        return apache.OK

    def record(req):
        LOG.append("%s %s" % (req.phase, req.uri))
        return apache.OK

    def report(req):
        req.content_type = "text/plain"
        req.write("|".join(LOG) + " imported=%s" % startup.CALLED)
        return apache.OK

    def boom(req):
        raise RuntimeError("cleanup trouble")
'''


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("handlers")
    (root / "lib").mkdir()
    (root / "lib" / "h.py").write_text(textwrap.dedent(HANDLERS))
    (root / "lib" / "startup.py").write_text("CALLED = []\ndef init():\n    CALLED.append('init')\n")
    for name in ("stack", "ext", "phases", "options", "logged", "reload", "reload_later"):
        (root / name).mkdir()
    (root / "site.conf").write_text(textwrap.dedent(f'''
        DocumentRoot "{root}"
        PythonPath "sys.path+['{root}/lib']"
        PythonImport startup::init main
        PythonOption greeting server-hello
        <Directory "{root}">
            SetHandler mod_python
            PythonDebug On
        </Directory>
        <Directory "{root}/stack">
            PythonHandler h::first h::second
            PythonHandler h::second
        </Directory>
        <Directory "{root}/ext">
            PythonHandler h::plain
            PythonHandler h::pyext | .py
        </Directory>
        <Directory "{root}/phases">
            PythonFixupHandler h::fixup
            PythonHandler h::context
        </Directory>
        <Directory "{root}/options">
            PythonOption greeting dir-hello
            PythonHandler h::options
        </Directory>
        <Directory "{root}/logged">
            PythonLogHandler h::record
            PythonCleanupHandler h::record h::boom
            PythonHandler h::report
        </Directory>
        <Directory "{root}/reload">
            PythonHandler page
            PythonAutoReloadInterval 0
        </Directory>
        <Directory "{root}/reload_later">
            PythonHandler page
            PythonAutoReloadInterval 3600
        </Directory>
    '''))
    return root


@pytest.fixture(scope="module")
def port(site, tmp_path_factory):
    from support.server import serve
    server = serve(site / "site.conf", cwd=str(site), directory=str(tmp_path_factory.mktemp("conf")))
    yield server.port
    server.stop()


def test_stacked_handlers_one_line_and_repeated(port):
    assert get(port, "/stack/x").text == "first;second;second;"


def test_extension_lists(port):
    assert get(port, "/ext/a.py").text == "pyext ext=.py"
    assert get(port, "/ext/a.txt").text == "plain ext=None"


def test_phase_hlist_and_add_handler(port, site):
    assert get(port, "/phases/x").text == \
        "phase=PythonHandler fixup=PythonFixupHandler handler=h::context dir=%s/phases/;added" % site


def test_options_config_and_interpreter(port):
    assert get(port, "/options/x").text == "dir-hello server-hello 1 localhost"


def test_log_and_cleanup_handlers_run_after_the_response(port):
    with Connection(port) as conn:
        conn.request(build_request("GET", "/logged/one", port, close=False))
        second = conn.request(build_request("GET", "/logged/two", port))
    assert second.text.startswith("PythonLogHandler /logged/one|PythonCleanupHandler /logged/one")
    assert second.text.endswith("imported=['init']")


def test_autoreload_over_http(port, site):
    page = site / "reload" / "page.py"
    page.write_text("def handler(req):\n    req.write('one')\n    return 0\n")
    os.utime(page, ns=(10**18, 10**18))
    assert get(port, "/reload/x").text == "one"
    page.write_text("def handler(req):\n    req.write('two')\n    return 0\n")
    os.utime(page, ns=(2 * 10**18, 2 * 10**18))
    assert get(port, "/reload/x").text == "two"


def test_autoreload_interval_over_http(port, site):
    """PythonAutoReloadInterval 3600: the file was just stat'ed, a change waits an hour (the
    in-process tests step a clock past the interval)."""
    page = site / "reload_later" / "page.py"
    page.write_text("def handler(req):\n    req.write('one')\n    return 0\n")
    os.utime(page, ns=(10**18, 10**18))
    assert get(port, "/reload_later/x").text == "one"
    page.write_text("def handler(req):\n    req.write('two')\n    return 0\n")
    os.utime(page, ns=(2 * 10**18, 2 * 10**18))
    assert get(port, "/reload_later/x").text == "one"


def test_missing_plugin_handler_is_reported_by_check(tmp_path):
    conf = tmp_path / "site.conf"
    conf.write_text(f'<Directory "{tmp_path}">\n    PythonHandler mod_python.publisher\n</Directory>\n')
    out = subprocess.run(greenphase_command() + ["check", "--config", str(conf),
                                                 "--plugins", "handlers"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 1
    assert f"{conf}:2: PythonHandler mod_python.publisher: no enabled plugin provides " \
           "'mod_python.publisher'" in out.stderr


@pytest.mark.parametrize("where", ["htaccess", "config"])
def test_handlers_from_htaccess_and_added_for_unconfigured_phases(serve, tmp_path, where):
    """Phases no section configures are skipped quickly; .htaccess and add_handler still count."""
    docs = tmp_path / "docs"
    (docs / "open").mkdir(parents=True)
    handlers = "SetHandler mod_python\nPythonHandler page\n"
    if where == "htaccess":
        (docs / "open" / ".htaccess").write_text(handlers)
        inside = "AllowOverride FileInfo\n"
    else:
        inside = handlers
    (docs / "open" / "page.py").write_text(textwrap.dedent('''
        from mod_python import apache
        SEEN = []
        def handler(req):
            req.add_handler("PythonLogHandler", "page::logger")
            req.content_type = "text/plain"
            req.write("logged before: %s" % SEEN)
            return apache.OK
        def logger(req):
            SEEN.append(req.uri)
            return apache.OK
    '''))
    server = serve(f'DocumentRoot "{docs}"\n<Directory "{docs}/open">\n{inside}</Directory>\n')
    assert get(server.port, "/open/a").text == "logged before: []"
    assert get(server.port, "/open/b").text == "logged before: ['/open/a']"


TUTORIAL_SCRIPT = '''from mod_python import apache

def handler(req):

    req.content_type = "text/plain"
    req.write("Hello World!")

    return apache.OK
'''


@pytest.mark.parametrize("directive, layout", [
    ("PythonHandler myscript", "myscript.py"),
    ("PythonHandler myscript::spam", "myscript.py"),
    ("PythonHandler subdir.myscript", "subdir/myscript.py"),
])
def test_tutorial_hello_config_variants(serve, tmp_path, directive, layout):
    """The tutorial's config verbatim (its lost </Directory> restored), the handler named with
    '::', and a module in a subdirectory named in package notation (no __init__.py)."""
    site = tmp_path / "mywebdir"
    (site / layout).parent.mkdir(parents=True, exist_ok=True)
    script = TUTORIAL_SCRIPT.replace("def handler", "def spam") if "::spam" in directive else TUTORIAL_SCRIPT
    (site / layout).write_text(script)
    server = serve(f"DocumentRoot {tmp_path}\n<Directory {site}>\n    AddHandler mod_python .py\n"
                   f"    {directive}\n    PythonDebug On\n</Directory>\n")
    for name in ("myscript.py", "montypython.py"):
        r = get(server.port, "/mywebdir/" + name)
        assert (r.status, r.body, r.header("Content-Type")) == (200, b"Hello World!", "text/plain")


def test_local_modules_never_shadow_the_standard_library(serve, tmp_path):
    site = tmp_path / "app"
    site.mkdir()
    (site / "json.py").write_text("SHADOW = True\n")
    (site / "helpers.py").write_text("NAME = 'local helpers'\n")
    (site / "page.py").write_text(textwrap.dedent('''
        import json
        import helpers
        def handler(req):
            req.content_type = "text/plain"
            req.write("%s %s" % (hasattr(json, "SHADOW"), helpers.NAME))
            return 0
    '''))
    server = serve(f"DocumentRoot {tmp_path}\n<Directory {site}>\n  SetHandler mod_python\n"
                   f"  PythonHandler page\n</Directory>\n")
    assert get(server.port, "/app/x").text == "False local helpers"


def test_server_init_handler_runs_once_beside_a_handler_module(serve, tmp_path):
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "initm.py").write_text("RUNS = []\ndef inithandler(req):\n    RUNS.append(req.uri)\n    return 0\n")
    (lib / "silent.py").write_text(textwrap.dedent('''
        import initm
        def handler(req):
            req.content_type = "text/plain"
            req.write("init ran %d times" % initm.RUNS.count(req.uri))
            return 0
    '''))
    server = serve(f'PythonPath "sys.path+[\'{lib}\']"\nPythonInitHandler initm\nDocumentRoot {tmp_path}\n'
                   f"<Directory {tmp_path}/lib>\n  SetHandler mod_python\n  PythonHandlerModule silent\n"
                   f"</Directory>\n")
    assert get(server.port, "/lib/x").text == "init ran 1 times"
