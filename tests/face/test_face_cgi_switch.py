"""The cgi_handler plugin's per-greenlet stdin/stdout/os.environ and its working-directory
gate, in-process."""

import io
import os
import sys
import threading
import time

import gevent
import pytest

from plugins.cgi_handler import script, switch


@pytest.fixture
def switched(monkeypatch):
    """Switches for this test only: the originals come back afterwards. (Installed by the
    test itself: pytest puts its own sys.stdout back between a fixture and the test.)"""
    monkeypatch.setattr(sys, "stdout", sys.stdout)
    monkeypatch.setattr(sys, "stdin", sys.stdin)
    monkeypatch.setattr(os, "environ", os.environ)
    monkeypatch.setattr(switch, "_installed", None)
    return switch


def test_each_greenlet_sees_its_own_streams_and_environment(switched):
    switched.install()
    outputs = {}

    def request(n):
        out = io.StringIO()
        previous = switched.enter({"QUERY_STRING": "q%d" % n}, io.StringIO("body%d" % n), out)
        try:
            os.environ["MINE"] = str(n)
            gevent.sleep(0)                     # let the other greenlet change its own
            print(os.environ["QUERY_STRING"], os.environ["MINE"], sys.stdin.read())
        finally:
            switched.leave(previous)
        outputs[n] = out.getvalue()
    gevent.joinall([gevent.spawn(request, n) for n in range(3)])
    assert outputs == {n: "q%d %d body%d\n" % (n, n, n) for n in range(3)}
    assert "MINE" not in os.environ             # the process environment never saw them


def test_outside_a_cgi_request_everything_is_the_process_s(switched):
    real_environ, real_stdout = os.environ, sys.stdout
    switched.install()
    assert os.environ is not real_environ and dict(os.environ) == dict(real_environ)
    assert isinstance(os.environ.copy(), dict)
    os.environ["GREENPHASE_SWITCH_TEST"] = "1"     # writes go to the process environment
    try:
        assert real_environ["GREENPHASE_SWITCH_TEST"] == "1"
    finally:
        del os.environ["GREENPHASE_SWITCH_TEST"]
    assert sys.stdout is not real_stdout and sys.stdout.write is not None


def test_cgi_module_defaults_follow_the_switch(monkeypatch):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import cgi
    original = os.environ
    monkeypatch.setattr(cgi.FieldStorage.__init__, "__defaults__",
                        cgi.FieldStorage.__init__.__defaults__)
    monkeypatch.setattr(cgi.parse, "__defaults__", cgi.parse.__defaults__)
    replacement = {"REQUEST_METHOD": "GET"}
    switch._retarget_cgi_module(original, replacement)
    assert replacement in cgi.FieldStorage.__init__.__defaults__
    assert replacement in cgi.parse.__defaults__


def _wait_until(condition, seconds=10.0):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        time.sleep(0.005)


def test_directory_gate_keeps_one_working_directory(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    gate = script.DirectoryGate()
    home = os.getcwd()
    seen = []
    gate.enter(str(first))
    gate.enter(str(first))                      # the same directory: in at once
    assert os.getcwd() == str(first)

    def other():
        gate.enter(str(second))
        seen.append(os.getcwd())
        gate.leave()
    thread = threading.Thread(target=other)
    thread.start()
    _wait_until(lambda: gate._waiting == 1)     # the other directory waits its turn
    assert seen == [] and os.getcwd() == str(first)
    gate.leave()
    gate.leave()
    thread.join(10)
    assert seen == [str(second)] and os.getcwd() == home


def test_apache_setup_cgi_and_restore_nocgi(switched):
    from kernel.testing import FakeRequest
    from mod_python import apache
    req = FakeRequest("POST", uri="/s.py", body=b"name=x")
    req.add_cgi_vars = lambda: req.subprocess_env.update({"REQUEST_METHOD": "POST"})
    before = dict(os.environ)
    saved = apache.setup_cgi(req)
    try:
        assert os.environ["REQUEST_METHOD"] == "POST"
        assert os.environ["GATEWAY_INTERFACE"] == "Python-CGI/1.1"
        assert all(os.environ.get(k) == v for k, v in before.items())  # added to, as 3.5
        assert sys.stdin.read() == "name=x"
        print("Status: 201 Made\nContent-Type: text/plain\n\nhello")
    finally:
        apache.restore_nocgi(*saved)
    assert "REQUEST_METHOD" not in os.environ or before.get("REQUEST_METHOD")
    assert (req.status, req.content_type) == (201, "text/plain")
    assert b"".join(data for data, _ in req.written) == b"hello\n"
