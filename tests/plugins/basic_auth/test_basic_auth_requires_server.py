"""req.requires(): the Require lines that apply to the request's method, as a handler sees
them (mod_python's req.requires), through a real server."""

from kernel.testing import basic_auth_header
from support.httpclient import get


def test_req_requires_lists_the_applying_require_lines(serve, tmp_path):
    site = tmp_path / "htdocs"
    site.mkdir()
    (site / "h.py").write_text(
        "from mod_python import apache\n"
        "def authenhandler(req):\n"
        "    req.get_basic_auth_pw()\n"
        "    return apache.OK\n"
        "def handler(req):\n"
        "    req.content_type = 'text/plain'\n"
        "    req.write(repr(req.requires()))\n"
        "    return apache.OK\n")
    server = serve('DocumentRoot "%s"\n<Directory "%s">\n  SetHandler mod_python\n'
                   '  PythonHandler h\n  PythonAuthenHandler h\n  AuthType Basic\n'
                   '  AuthName "x"\n  Require valid-user\n  Require user spam eggs\n'
                   '</Directory>\n' % (site, site), cwd=str(tmp_path))
    response = get(server.port, "/h.py", {"Authorization": basic_auth_header("spam", "eggs")})
    assert response.status == 200, response.text
    assert response.text == repr(("valid-user", "user spam eggs"))
