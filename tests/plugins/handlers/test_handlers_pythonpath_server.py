"""PythonPath as mod_python evaluates it: its directories reach sys.path, so handler code can
import from them by their real names."""

from support.httpclient import get


def test_python_path_entries_reach_sys_path(serve, tmp_path):
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "shared_helper_pp.py").write_text("ANSWER = 'from the PythonPath folder'\n")
    site = tmp_path / "htdocs"
    site.mkdir()
    (site / "h.py").write_text(
        "import sys\nfrom mod_python import apache\n"
        "def handler(req):\n"
        "    import shared_helper_pp\n"
        "    req.content_type = 'text/plain'\n"
        "    req.write(shared_helper_pp.ANSWER + '|' + str(LIB in sys.path))\n"
        "    return apache.OK\n"
        "LIB = %r\n" % str(lib))
    server = serve('DocumentRoot "%s"\n<Directory "%s">\n  SetHandler mod_python\n'
                   '  PythonHandler h\n  PythonPath "sys.path+[%r]"\n</Directory>\n'
                   % (site, site, str(lib)), cwd=str(tmp_path))
    response = get(server.port, "/anything")
    assert (response.status, response.text) == (200, "from the PythonPath folder|True")
