"""A sub-request (SSI's include virtual) runs the phases from translate_name on: Apache does
not run post_read_request for it."""

from kernel.testing import Client, build_site

PROBE = '''
from greenphase import OK, hookimpl, run_subrequest

SEEN = []

@hookimpl
def post_read_request(req):
    SEEN.append(req.uri)

@hookimpl(tryfirst=True)
def handler(req):
    if req.uri == "/main":
        status, body = run_subrequest(req, "/part.txt")
        req.write("main+%d+%s" % (status, body.decode()))
        return OK
    return None
'''


def test_a_subrequest_skips_post_read_request(tmp_path):
    (tmp_path / "htdocs").mkdir()
    (tmp_path / "htdocs" / "part.txt").write_text("part")
    (tmp_path / "probe.py").write_text(PROBE)
    site = build_site(tmp_path, 'DocumentRoot "%s/htdocs"\n' % tmp_path,
                      plugins=["./probe.py", "static"])
    probe = next(c.plugin for c in site.plugins_enabled if c.name == "probe")
    reply = Client(site).get("/main")
    assert (reply.status, reply.text) == (200, "main+200+part")
    assert probe.SEEN == ["/main"]
