"""The response_start hook: once per response, just before the head is made, told whether the
kernel's error path made it; a raising implementation is logged and the response still goes
out; a plugin that does not list it in phases_used is not called."""

import io
import sys
import textwrap

import pytest

from kernel.testing import Client, build_site

PROBE = '''
    from kernel import hookimpl

    CALLS = []

    @hookimpl
    def phases_used(site):
        return ("handler", "response_start")

    @hookimpl
    def handler(req):
        if req.uri == "/gone":
            return 410
        req.content_type = "text/plain"
        req.write("first ")        # flushed: the head goes out here
        req.headers_out["X-Too-Late"] = "yes"
        req.write("second")
        return 0

    @hookimpl
    def response_start(req, error):
        CALLS.append((req.uri, error, req.status))
        if req.uri == "/hookfails":
            raise RuntimeError("hook trouble")
        req.headers_out["X-Seen"] = "yes"
'''

UNLISTED = '''
    from kernel import hookimpl

    CALLS = []

    @hookimpl
    def phases_used(site):
        return ()

    @hookimpl
    def response_start(req, error):
        CALLS.append(req.uri)
'''


@pytest.fixture
def probe(tmp_path, monkeypatch):
    (tmp_path / "rs_probe.py").write_text(textwrap.dedent(PROBE))
    (tmp_path / "rs_unlisted.py").write_text(textwrap.dedent(UNLISTED))
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("rs_probe", "rs_unlisted"):
        sys.modules.pop(name, None)
    site = build_site(tmp_path, "", plugins=["errorpages"], extra_plugins=("rs_probe", "rs_unlisted"))
    return Client(site), sys.modules["rs_probe"], sys.modules["rs_unlisted"]


def test_called_once_before_the_head_with_what_the_handler_set(probe):
    client, plugin, unlisted = probe
    reply = client.get("/page")
    assert reply.status == 200 and reply.body == b"first second"
    assert plugin.CALLS == [("/page", False, 200)]
    assert reply.header("X-Seen") == "yes"
    assert reply.header("X-Too-Late") is None      # set after the head went out
    assert unlisted.CALLS == []


def test_told_the_error_path(probe):
    client, plugin, _ = probe
    reply = client.get("/gone")
    assert reply.status == 410
    assert plugin.CALLS == [("/gone", True, 410)]


def test_an_implementation_that_raises_is_logged_and_the_response_goes_out(probe):
    client, plugin, _ = probe
    client.site.log.stream = log = io.StringIO()
    reply = client.get("/hookfails")
    assert reply.status == 200 and reply.body == b"first second"
    err = log.getvalue()
    assert "response_start hook of plugin rs_probe raised" in err and "hook trouble" in err
