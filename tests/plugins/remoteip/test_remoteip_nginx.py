"""mod_remoteip with a real nginx in front: the client behind a trusted proxy is the one the
handler, the access log, the error log and ``Require ip`` see; an untrusted proxy or a client
forging X-Forwarded-For directly changes nothing.

Loopback has room for distinct addresses: clients connect from 127.0.0.2 or 127.0.0.3,
nginx connects to greenphase from 127.0.0.1.
"""

import http.client
import re
import textwrap
import time

import pytest

PROBE = '''
    from mod_python import apache

    def handler(req):
        req.content_type = "text/plain"
        req.add_common_vars()
        req.log_error("probe saw the request")
        req.write("useragent=%s remote=%s client=%s REMOTE_ADDR=%s xff=%s https=%s url=%s "
                  "by=%s note=%s" % (
            req.useragent_ip, req.connection.remote_ip, req.connection.client_ip,
            req.subprocess_env.get("REMOTE_ADDR"), req.headers_in.get("X-Forwarded-For", "-"),
            req.is_https(), req.construct_url("/x"), req.headers_in.get("X-Forwarded-By", "-"),
            req.notes.get("remoteip-proxy-ip-list", "-")))
        return apache.OK
'''


def fetch(port, path="/py/probe", source="127.0.0.2", headers=None):
    """GET from a chosen loopback source address; returns (status, text)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0))
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def fields(text):
    assert text.startswith("useragent="), text       # the probe answered, not an error page
    return dict(item.split("=", 1) for item in text.split())


def wait_for_line(path, pattern, timeout=10.0):
    """The log is written just after the response went out: wait (bounded) for the line."""
    regex = re.compile(pattern)
    deadline = time.monotonic() + timeout
    while True:
        try:
            with open(path) as f:
                for line in f:
                    if regex.search(line):
                        return line
        except FileNotFoundError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError("no line matching %r in %s" % (pattern, path))
        time.sleep(0.02)


def make_site(root, proxies):
    (root / "py").mkdir()
    (root / "py" / "probe.py").write_text(textwrap.dedent(PROBE))
    (root / "py" / "guarded").mkdir()
    (root / "site.conf").write_text(textwrap.dedent(f'''
        DocumentRoot "{root}"
        ErrorLog "{root}/error_log"
        LogFormat "%a %{{c}}a %h \\"%r\\" %>s" probe
        CustomLog "{root}/access_log" probe
        RemoteIPHeader X-Forwarded-For
        RemoteIPProxiesHeader X-Forwarded-By
        RemoteIPProtoHeader X-Forwarded-Proto
        ErrorDocument 404 /py/probe
        {proxies}
        <Directory "{root}/py">
            SetHandler mod_python
            PythonPath "sys.path+['{root}/py']"
            PythonHandler probe
        </Directory>
        <Directory "{root}/py/guarded">
            Require ip 127.0.0.2
        </Directory>
    '''))
    return root / "site.conf"


@pytest.fixture(scope="module")
def trusting(tmp_path_factory, nginx):
    """greenphase trusting nginx (127.0.0.1) as an internal proxy, and nginx in front."""
    from support.server import serve
    root = tmp_path_factory.mktemp("trusting")
    server = serve(make_site(root, "RemoteIPInternalProxy 127.0.0.1"), cwd=str(root),
                   directory=str(tmp_path_factory.mktemp("conf")))
    proxy = nginx(server.port)
    https_proxy = nginx(server.port, "proxy_set_header X-Forwarded-Proto https;")
    yield root, server, proxy, https_proxy
    server.stop()


@pytest.fixture(scope="module")
def distrusting(tmp_path_factory, nginx):
    """greenphase trusting only a proxy at 127.0.0.9, and only as an external one; nginx
    (127.0.0.1) in front anyway."""
    from support.server import serve
    root = tmp_path_factory.mktemp("distrusting")
    server = serve(make_site(root, "RemoteIPTrustedProxy 127.0.0.9"), cwd=str(root),
                   directory=str(tmp_path_factory.mktemp("conf")))
    yield root, server, nginx(server.port, "proxy_set_header X-Forwarded-Proto https;")
    server.stop()


def test_client_behind_trusted_nginx_is_the_remote_ip(trusting):
    root, server, proxy, _ = trusting
    status, text = fetch(proxy.port, "/py/probe?trusted")
    assert status == 200, text
    seen = fields(text)
    assert seen["useragent"] == "127.0.0.2"          # the client nginx saw
    assert seen["remote"] == seen["client"] == "127.0.0.1"   # the connection: nginx, as in Apache 2.4
    assert seen["REMOTE_ADDR"] == "127.0.0.2"
    assert seen["xff"] == "-"                         # the addresses used are taken out
    assert seen["by"] == "-" and seen["note"] == "-"  # internal proxies are not recorded
    assert seen["https"] == "0" and seen["url"].startswith("http://")
    assert wait_for_line(root / "access_log", r"GET /py/probe\?trusted ").startswith(
        '127.0.0.2 127.0.0.1 127.0.0.2 "GET /py/probe?trusted HTTP/1.0" 200')
    assert "[client 127.0.0.2:" in wait_for_line(root / "error_log", "probe saw the request")


def test_require_ip_sees_the_forwarded_client(trusting):
    _, _, proxy, _ = trusting
    assert fetch(proxy.port, "/py/guarded/probe", source="127.0.0.2")[0] == 200
    assert fetch(proxy.port, "/py/guarded/probe", source="127.0.0.3")[0] == 403


def test_forged_header_through_nginx_stays_untrusted(trusting):
    _, _, proxy, _ = trusting
    status, text = fetch(proxy.port, headers={"X-Forwarded-For": "203.0.113.66"})
    seen = fields(text)
    # nginx appended the real client; 127.0.0.2 is no proxy, so its claim is not believed
    assert seen["useragent"] == "127.0.0.2" and seen["xff"] == "203.0.113.66"


def test_forged_header_sent_directly_is_ignored(trusting):
    root, server, _, _ = trusting
    status, text = fetch(server.port, "/py/probe?direct",
                         headers={"X-Forwarded-For": "203.0.113.66", "X-Forwarded-Proto": "https"})
    seen = fields(text)
    assert seen["useragent"] == seen["remote"] == "127.0.0.2"
    assert seen["xff"] == "203.0.113.66" and seen["https"] == "0"
    assert wait_for_line(root / "access_log", r"\?direct ").startswith("127.0.0.2 127.0.0.2 ")
    assert fetch(server.port, "/py/guarded/probe", source="127.0.0.3",
                 headers={"X-Forwarded-For": "127.0.0.2"})[0] == 403


def test_forwarded_proto_from_trusted_nginx_makes_the_request_https(trusting):
    _, _, _, https_proxy = trusting
    seen = fields(fetch(https_proxy.port)[1])
    assert seen["https"] == "1" and seen["url"].startswith("https://")
    assert seen["useragent"] == "127.0.0.2"


def test_an_internal_redirect_keeps_the_client_and_the_scheme(trusting):
    """A missing file's ErrorDocument is a new request inside the first: same client."""
    _, _, proxy, https_proxy = trusting
    status, text = fetch(proxy.port, "/nowhere")
    assert status == 404 and fields(text)["useragent"] == "127.0.0.2"
    status, text = fetch(https_proxy.port, "/nowhere")
    assert status == 404 and fields(text)["https"] == "1"


def test_untrusted_nginx_is_the_client(distrusting):
    root, _, proxy = distrusting
    seen = fields(fetch(proxy.port, "/py/probe?untrusted")[1])
    assert seen["useragent"] == seen["remote"] == "127.0.0.1"
    assert seen["xff"] == "127.0.0.2"                # left as it came
    assert seen["https"] == "0"                      # nor is its X-Forwarded-Proto believed
    assert wait_for_line(root / "access_log", r"\?untrusted ").startswith("127.0.0.1 127.0.0.1 ")
    assert fetch(proxy.port, "/py/guarded/probe")[0] == 403
