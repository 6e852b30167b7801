"""One test per hook, `test_hook_<name>`, asserting what kernel/hookspecs.py says it does
(tests/test_manual.py fails when a hook has none). Each plugin is a file next to the site,
loaded with `LoadPlugin ./file.py`; requests go through the real connection code in-process,
or through a real server where the hook is about the process (server_start, server_stop)."""

import io
import textwrap

from kernel.testing import Client, build_site

HEAD = "from greenphase import *\nfrom greenphase import hookimpl, Directive, ConfigError\n"


def site_with(tmp_path, code, config="", files=None, check=True):
    (tmp_path / "htdocs").mkdir(exist_ok=True)
    for name, text in (files or {}).items():
        path = tmp_path / "htdocs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (tmp_path / "probe.py").write_text(HEAD + textwrap.dedent(code))
    return build_site(tmp_path, 'DocumentRoot "%s/htdocs"\nLoadPlugin ./probe.py\n%s'
                      % (tmp_path, textwrap.dedent(config)), check=check)


def get(site, path, headers=None):
    return Client(site).get(path, headers=headers) if headers else Client(site).get(path)


# -- service hooks ------------------------------------------------------------------------

def test_hook_register_directives(tmp_path):
    site = site_with(tmp_path, '''
        @hookimpl
        def register_directives():
            return [Directive("Greeting", (1, 1), OR_ALL, syntax="word", default="none")]

        @hookimpl
        def handler(req):
            req.write(req.dir_config["Greeting"])
            return OK
    ''', '<Location /in>\nGreeting hello\n</Location>\n')
    assert get(site, "/in/x").body == b"hello"
    assert get(site, "/out").body == b"none"            # the declared default elsewhere


def test_hook_apache_modules(tmp_path):
    site = site_with(tmp_path, '''
        @hookimpl
        def register_directives():
            return [Directive("Seen", (1, 1), OR_ALL)]

        @hookimpl
        def apache_modules():
            return ["probe"]
    ''', '<IfModule mod_probe.c>\nSeen yes\n</IfModule>\n<IfModule !mod_probe.c>\nSeen no\n</IfModule>\n')
    assert site.main_server.config["Seen"] == "yes"


def test_hook_configure(tmp_path):
    site = site_with(tmp_path, '''
        @hookimpl
        def configure(site):
            site.state["probe.ready"] = True
            return [ConfigError("probe: something is missing")]
    ''', check=False)
    assert site.state["probe.ready"] is True
    assert [str(e) for e in site.errors] == ["probe: something is missing"]


def test_hook_phases_used(tmp_path):
    site = site_with(tmp_path, '''
        @hookimpl
        def phases_used(site):
            return ("fixups",)

        @hookimpl
        def header_parser(req):
            req.headers_out["X-Header-Parser"] = "ran"

        @hookimpl
        def fixups(req):
            req.headers_out["X-Fixups"] = "ran"
    ''', files={"a.txt": "a"})
    reply = get(site, "/a.txt")
    assert reply.header("X-Fixups") == "ran" and reply.header("X-Header-Parser") is None


PLAN_PROBE = '''
    ASKED = []

    @hookimpl
    def register_directives():
        return [Directive("ProbeFixups", (1, 1), OR_ALL, syntax="On|Off", flag=True)]

    @hookimpl
    def phases_for_config(site, config):
        ASKED.append(config)
        return ("fixups",) if config["ProbeFixups"] else ("header_parser",)

    @hookimpl
    def header_parser(req):
        req.headers_out["X-Header-Parser"] = "ran"

    @hookimpl
    def fixups(req):
        req.headers_out["X-Fixups"] = "ran"
        req.headers_out["X-Asked"] = str(len(ASKED))
'''


def test_hook_phases_for_config(tmp_path):
    """Only the phases the plugin names for a request's merged configuration are called, and
    it is asked once per configuration, not per request."""
    site = site_with(tmp_path, PLAN_PROBE, '<Location /fix>\nProbeFixups On\n</Location>\n',
                     files={"fix/a.txt": "a", "other/b.txt": "b"})
    fixed = get(site, "/fix/a.txt")
    assert (fixed.header("X-Fixups"), fixed.header("X-Header-Parser")) == ("ran", None)
    other = get(site, "/other/b.txt")
    assert (other.header("X-Fixups"), other.header("X-Header-Parser")) == (None, "ran")
    again = get(site, "/fix/a.txt")
    assert again.header("X-Asked") == "2"               # the two configurations, once each


def test_phases_for_config_that_raises_is_logged_and_asked_for_every_phase(tmp_path):
    site = site_with(tmp_path, '''
        @hookimpl
        def phases_for_config(site, config):
            raise RuntimeError("cannot tell")

        @hookimpl
        def header_parser(req):
            req.headers_out["X-Header-Parser"] = "ran"
    ''', files={"a.txt": "a"})
    site.log.stream = stream = io.StringIO()
    assert get(site, "/a.txt").header("X-Header-Parser") == "ran"
    log = stream.getvalue()
    assert "phases_for_config of plugin probe raised" in log and "cannot tell" in log


def test_use_all_phases_runs_hooks_the_plan_left_out(tmp_path):
    """A request that calls req.use_all_phases() (code made work for a later phase) runs
    every enabled hook from then on, whatever its configuration's plan says."""
    site = site_with(tmp_path, PLAN_PROBE.replace(
        "def header_parser(req):\n",
        "def header_parser(req):\n        if req.args == 'all':\n"
        "            req.use_all_phases()\n"), files={"a.txt": "a"})
    assert get(site, "/a.txt").header("X-Fixups") is None
    assert get(site, "/a.txt?all").header("X-Fixups") == "ran"


def test_hook_request_methods(tmp_path):
    site = site_with(tmp_path, '''
        @hookimpl
        def request_methods():
            return {"shout": lambda req, word: word.upper() + req.uri}

        @hookimpl
        def handler(req):
            req.write(req.shout("hi"))
            return OK
    ''')
    assert get(site, "/x").body == b"HI/x"


def test_hook_server_methods(tmp_path):
    site = site_with(tmp_path, '''
        @hookimpl
        def server_methods():
            return {"label": lambda server: "server:" + str(server.port)}

        @hookimpl
        def handler(req):
            req.write(req.server.label())
            return OK
    ''')
    assert get(site, "/").body.startswith(b"server:")


def test_hook_named_handler(tmp_path):
    site = site_with(tmp_path, '''
        @hookimpl
        def named_handler(name):
            if name != "mod_python.probe":
                return None
            def respond(req):
                req.write("named")
                return OK
            return respond
    ''', "<Location /n>\nSetHandler mod_python\nPythonHandler mod_python.probe\n</Location>\n")
    assert get(site, "/n/x").body == b"named"


def test_hook_auth_required(tmp_path):
    site = site_with(tmp_path, '''
        @hookimpl
        def auth_required(req):
            return True if req.uri.startswith("/private") else None

        @hookimpl
        def check_user_id(req):
            req.headers_out["X-Asked"] = "yes"
            return HTTP_UNAUTHORIZED
    ''', files={"a.txt": "a", "private/b.txt": "b"})
    assert get(site, "/private/b.txt").status == 401
    public = get(site, "/a.txt")
    assert public.status == 200 and public.header("X-Asked") is None    # None from all: no


def test_hook_error_page(tmp_path):
    site = site_with(tmp_path, '''
        @hookimpl
        def error_page(req, status, failure):
            return "custom %d" % status if status == 404 else None
    ''', files={"a.txt": "a"})
    reply = get(site, "/missing")
    assert reply.status == 404 and reply.body == b"custom 404"
    assert get(site, "/a.txt").body == b"a"


def test_hook_response_start(tmp_path):
    site = site_with(tmp_path, '''
        @hookimpl
        def response_start(req, error):
            req.err_headers_out["X-Error-Path"] = str(error)
    ''', files={"a.txt": "a"})
    assert get(site, "/a.txt").header("X-Error-Path") == "False"
    assert get(site, "/missing").header("X-Error-Path") == "True"


def test_hook_filter_for(tmp_path):
    site = site_with(tmp_path, '''
        class Upper(filters.OutputStage):
            def write(self, data, flush):
                self.next.write(data.upper(), flush)

        @hookimpl
        def filter_for(req, name, is_input):
            return Upper if name.lower() == "upper" and not is_input else None

        @hookimpl
        def handler(req):
            add_output_filter(req, "UPPER")
            req.write("quiet")
            return OK
    ''')
    assert get(site, "/x").body == b"QUIET"


# -- request phases -----------------------------------------------------------------------

def test_hook_post_read_request(tmp_path):
    site = site_with(tmp_path, '''
        @hookimpl
        def register_directives():
            return [Directive("Where", (1, 1), OR_ALL, default="server")]

        @hookimpl
        def post_read_request(req):
            req.notes["early"] = req.dir_config["Where"]

        @hookimpl
        def handler(req):
            req.write("%s %s" % (req.notes["early"], req.dir_config["Where"]))
            return OK
    ''', "<Location /loc>\nWhere location\n</Location>\n")
    # before the <Location> merge: only the server's configuration applies
    assert get(site, "/loc/x").body == b"server location"


def test_hook_translate_name(tmp_path):
    site = site_with(tmp_path, '''
        import os
        @hookimpl
        def translate_name(req):
            if req.uri == "/alias":
                req.filename = os.path.join(os.path.dirname(__file__), "htdocs", "real.txt")
                return OK
    ''', files={"real.txt": "real"})
    assert get(site, "/alias").body == b"real"
    assert get(site, "/real.txt").body == b"real"       # declined: the core mapped it


def test_hook_map_to_storage(tmp_path):
    site = site_with(tmp_path, '''
        @hookimpl
        def map_to_storage(req):
            if req.uri.startswith("/virtual"):
                return OK       # skips the core's directory walk

        @hookimpl
        def handler(req):
            if req.uri.startswith("/virtual"):
                req.write("path_info=%r" % req.path_info)
                return OK
    ''')
    assert get(site, "/virtual/a/b").body == b"path_info=''"


def test_hook_header_parser(tmp_path):
    site = site_with(tmp_path, '''
        @hookimpl
        def header_parser(req):
            if "bad" in req.uri:
                return HTTP_FORBIDDEN
            return None
    ''', files={"good.txt": "g", "bad.txt": "b"})
    assert get(site, "/bad.txt").status == 403
    assert get(site, "/good.txt").status == 200


def test_hook_access_checker(tmp_path):
    site = site_with(tmp_path, '''
        @hookimpl
        def access_checker(req):
            req.headers_out["X-Checked"] = "1"
            return HTTP_FORBIDDEN if req.headers_in.get("X-Deny") else OK
    ''', files={"a.txt": "a"})
    assert get(site, "/a.txt", {"X-Deny": "1"}).status == 403
    allowed = get(site, "/a.txt")                  # OK in a run-all phase: the rest still run
    assert allowed.status == 200 and allowed.header("X-Checked") == "1"


def test_hook_check_user_id(tmp_path):
    site = site_with(tmp_path, '''
        @hookimpl
        def auth_required(req):
            return True

        @hookimpl
        def check_user_id(req):
            if req.headers_in.get("X-User"):
                req.user = req.headers_in["X-User"]
            return OK

        @hookimpl
        def auth_checker(req):
            return OK

        @hookimpl
        def handler(req):
            req.write("user=%s" % req.user)
            return OK
    ''')
    assert get(site, "/", {"X-User": "ann"}).body == b"user=ann"
    assert get(site, "/").status == 500         # OK without req.user


def test_hook_auth_checker(tmp_path):
    site = site_with(tmp_path, '''
        @hookimpl
        def auth_required(req):
            return True

        @hookimpl
        def check_user_id(req):
            req.user = req.headers_in.get("X-User", "anonymous")
            return OK

        @hookimpl
        def auth_checker(req):
            return OK if req.user == "admin" else HTTP_FORBIDDEN
    ''', files={"a.txt": "a"})
    assert get(site, "/a.txt", {"X-User": "admin"}).status == 200
    assert get(site, "/a.txt", {"X-User": "guest"}).status == 403


def test_hook_type_checker(tmp_path):
    site = site_with(tmp_path, '''
        @hookimpl
        def type_checker(req):
            if req.filename and req.filename.endswith(".zz"):
                req.content_type = "application/x-zz"
                return OK
    ''', files={"a.zz": "z", "b.txt": "b"})
    assert get(site, "/a.zz").header("Content-Type") == "application/x-zz"
    assert get(site, "/b.txt").header("Content-Type").startswith("text/plain")   # the core


def test_hook_fixups(tmp_path):
    site = site_with(tmp_path, '''
        @hookimpl
        def fixups(req):
            req.headers_out["X-Fixed"] = req.content_type
    ''', files={"a.txt": "a"})
    assert get(site, "/a.txt").header("X-Fixed").startswith("text/plain")    # types are known


def test_hook_handler(tmp_path):
    site = site_with(tmp_path, '''
        @hookimpl
        def handler(req):
            if req.uri == "/mine":
                req.content_type = "text/plain"
                req.write("mine")
                return OK
            return DECLINED
    ''', "SetHandler none-of-the-builtins\n")
    assert get(site, "/mine").body == b"mine"
    assert get(site, "/other").status == 404    # every plugin declined


def test_hook_log_transaction(tmp_path):
    site = site_with(tmp_path, '''
        LOG = []
        @hookimpl
        def log_transaction(req):
            LOG.append((req.uri, req.status))
            return HTTP_INTERNAL_SERVER_ERROR      # ignored: the response went out
    ''', files={"a.txt": "a"})
    reply = get(site, "/a.txt")
    assert reply.status == 200
    probe = next(m for n, m in site.pm.list_name_plugin() if n == "probe")
    assert probe.LOG == [("/a.txt", 200)]


def test_hook_request_cleanup(tmp_path):
    site = site_with(tmp_path, '''
        ORDER = []
        @hookimpl
        def log_transaction(req):
            ORDER.append("log")

        @hookimpl
        def request_cleanup(req):
            ORDER.append("cleanup %s" % req.status)

        @hookimpl
        def handler(req):
            req.register_cleanup(lambda data: ORDER.append("callback"))
            raise RuntimeError("boom")
    ''')
    assert get(site, "/").status == 500
    probe = next(m for n, m in site.pm.list_name_plugin() if n == "probe")
    assert probe.ORDER == ["log", "callback", "cleanup 500"]     # after an error too


# -- process hooks: a real server ---------------------------------------------------------

def test_hook_server_start(tmp_path, greenphase_server):
    marker = tmp_path / "started"
    (tmp_path / "startprobe.py").write_text(HEAD + textwrap.dedent('''
        import os
        @hookimpl
        def server_start(site):
            open(%r, "w").write(str(os.getpid()))

        @hookimpl
        def handler(req):
            req.write("started=%%s" %% os.path.exists(%r))
            return OK
    ''' % (str(marker), str(marker))))
    (tmp_path / "htdocs").mkdir()
    server = greenphase_server('DocumentRoot "%s/htdocs"\nLoadPlugin %s/startprobe.py\n'
                               % (tmp_path, tmp_path))
    assert server.get("/").text == "started=True"      # before the first request
    assert marker.read_text() == str(server.proc.pid)


def test_hook_server_stop(tmp_path, greenphase_server):
    marker = tmp_path / "stopped"
    (tmp_path / "stopprobe.py").write_text(HEAD + textwrap.dedent('''
        @hookimpl
        def server_stop(site):
            site.register_cleanup(lambda: open(%r, "a").write("cleanup\\n"))
            open(%r, "a").write("stop\\n")
    ''' % (str(marker), str(marker))))
    (tmp_path / "htdocs").mkdir()
    server = greenphase_server('DocumentRoot "%s/htdocs"\nLoadPlugin %s/stopprobe.py\n'
                               % (tmp_path, tmp_path))
    assert not marker.exists()
    server.stop()                                       # SIGTERM
    assert marker.read_text() == "stop\ncleanup\n"


def test_hook_ssl_context(tmp_path, greenphase_server):
    """A context from ssl_context makes that listener speak TLS (the first answer wins)."""
    import socket
    import ssl
    import subprocess
    cert, key = tmp_path / "c.pem", tmp_path / "c.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    (tmp_path / "tlsprobe.py").write_text(HEAD + textwrap.dedent('''
        import ssl
        @hookimpl
        def ssl_context(site, address):
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(%r, %r)
            return context

        @hookimpl
        def handler(req):
            req.write("tls=%%s" %% req.connection.sock.version())
            return OK
    ''' % (str(cert), str(key))))
    (tmp_path / "htdocs").mkdir()
    server = greenphase_server('DocumentRoot "%s/htdocs"\nLoadPlugin %s/tlsprobe.py\n'
                               % (tmp_path, tmp_path))
    client = ssl.create_default_context(cafile=str(cert))
    client.check_hostname = False
    with client.wrap_socket(socket.create_connection(("127.0.0.1", server.port), timeout=10)) as s:
        s.sendall(b"GET / HTTP/1.0\r\nHost: x\r\n\r\n")
        data = b""
        while chunk := s.recv(4096):
            data += chunk
    assert data.endswith(b"tls=TLSv1.3")


def test_hook_process_connection(tmp_path, greenphase_server):
    import socket
    (tmp_path / "echoprobe.py").write_text(HEAD + textwrap.dedent('''
        @hookimpl
        def process_connection(conn):
            line = conn.readline()
            if not line.startswith(b"ECHO "):
                return None             # should never happen here: the test sends ECHO
            conn.write(line[5:].upper())
            return OK
    '''))
    (tmp_path / "htdocs").mkdir()
    server = greenphase_server('DocumentRoot "%s/htdocs"\nLoadPlugin %s/echoprobe.py\n'
                               % (tmp_path, tmp_path))
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"ECHO quiet words\n")
        received = b""
        while True:             # the kernel closes the connection once the plugin answered
            piece = sock.recv(4096)
            if not piece:
                break
            received += piece
    assert received == b"QUIET WORDS\n"        # no HTTP: the plugin served the connection
