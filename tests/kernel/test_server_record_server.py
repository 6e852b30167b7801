"""``req.server`` through a real server: ServerAdmin, ServerPath, names, where it is defined,
and ``req.server.register_cleanup`` run when the server shuts down."""

import textwrap

import pytest

from support.httpclient import exchange, get


def get_host(port, host, path="/"):
    return exchange(port, f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
                    .encode())

HANDLER = '''
    from mod_python import apache

    def _done(path):
        with open(path, "w") as f:
            f.write("cleaned up")

    def handler(req):
        s = req.server
        if req.args:
            s.register_cleanup(req, _done, req.args)
        req.content_type = "text/plain"
        req.add_common_vars()
        for name in ("server_admin", "server_hostname", "path", "pathlen", "names",
                     "wild_names", "defn_name", "defn_line_number", "is_virtual"):
            req.write("%s=%r\\n" % (name, getattr(s, name)))
        req.write("SERVER_ADMIN=%s\\n" % req.subprocess_env["SERVER_ADMIN"])
        return apache.OK
'''


@pytest.fixture
def site(tmp_path, serve):
    (tmp_path / "h.py").write_text(textwrap.dedent(HANDLER))
    handler = f"""
    <Location "/">
        SetHandler mod_python
        PythonPath "['{tmp_path}'] + sys.path"
        PythonHandler h
    </Location>"""
    # The first <VirtualHost> of an address is its default: main.example is served by it.
    server = serve(f"""
ServerName main.example
<VirtualHost *>
    ServerName main.example
    {handler}
</VirtualHost>
<VirtualHost *>
    ServerName vhost.example
    ServerAlias *.vhost.example
    ServerAdmin webmaster@vhost.example
    ServerPath /legacy
    {handler}
</VirtualHost>
""")
    server.root = tmp_path
    return server


def lines(response):
    assert response.status == 200, response.body
    return dict(line.split("=", 1) for line in response.body.decode().splitlines())


def test_defaults(site):
    info = lines(get_host(site.port, "main.example"))
    assert info["server_admin"] == "'[no address given]'"
    assert info["SERVER_ADMIN"] == "[no address given]"
    assert info["server_hostname"] == "'main.example'"
    assert info["path"] == "None" and info["pathlen"] == "0"
    assert info["defn_name"].endswith("greenphase.conf'")


def test_virtual_host_members(site):
    info = lines(get_host(site.port, "www.vhost.example"))
    assert info["server_admin"] == "'webmaster@vhost.example'"
    assert info["SERVER_ADMIN"] == "webmaster@vhost.example"
    assert info["server_hostname"] == "'vhost.example'"
    assert info["names"] == "['vhost.example']"
    assert info["wild_names"] == "['*.vhost.example']"
    assert info["path"] == "'/legacy'" and info["pathlen"] == "7"
    assert info["is_virtual"] in ("1", "True")
    assert int(info["defn_line_number"]) > 1


def test_register_cleanup_runs_at_shutdown(site):
    mark = site.root / "cleanup-ran"
    get(site.port, "/?" + str(mark))
    assert not mark.exists()
    site.stop()
    assert mark.read_text() == "cleaned up"


def test_server_path_outside_a_virtual_host_is_an_error(tmp_path):
    from kernel.testing import build_site
    with pytest.raises(Exception, match="ServerPath"):
        build_site(tmp_path, "ServerPath /x\n")
