"""An invalid phase result at run time: a 500, and the error log names the plugin and phase."""

from support.httpclient import get
from support.waiting import wait_for


def wait_for_text(path, text):
    return wait_for(lambda: path.exists() and text in path.read_text(), 10.0, "%r in %s" % (text, path))


def test_an_invalid_phase_result_names_plugin_and_phase(serve, tmp_path):
    (tmp_path / "htdocs").mkdir()
    (tmp_path / "htdocs" / "a.txt").write_text("a")
    (tmp_path / "evil.py").write_text(
        "from greenphase import hookimpl\n@hookimpl\ndef header_parser(req):\n    return 99999\n")
    server = serve('ServerRoot "%s"\nDocumentRoot "%s/htdocs"\nLoadPlugin ./evil.py\n'
                   % (tmp_path, tmp_path), cwd=str(tmp_path))
    assert get(server.port, "/a.txt").status == 500
    assert wait_for_text(tmp_path / "logs" / "error_log",
                         "plugin evil returned an invalid result 99999 from phase header_parser "
                         "for /a.txt"), (tmp_path / "logs" / "error_log").read_text()
