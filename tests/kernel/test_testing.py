"""kernel.testing: the in-process client speaks to the real connection code; the fake
request, the site builder and Basic credentials behave as the tests relying on them assume."""

import base64

import pytest

from kernel import testing
from kernel.testing import Client, FakeRequest, basic_auth_header, build_site, config_errors


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "htdocs"
    root.mkdir()
    (root / "hello.txt").write_text("Hello World!")
    return build_site(tmp_path, 'DocumentRoot "%s"\nAddDefaultCharset utf-8\n' % root,
                      plugins=["static", "errorpages"])


def test_the_client_gets_a_file_through_the_real_connection(site):
    reply = Client(site).get("/hello.txt")
    assert reply.status == 200 and reply.reason == "OK"
    assert reply.body == b"Hello World!"
    assert reply.header("content-type") == "text/plain; charset=utf-8"
    assert reply.header("Content-Length") == "12" and reply.header("Server") == "greenphase"


def test_head_has_the_headers_and_no_body(site):
    reply = Client(site).request(b"HEAD /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n")
    assert reply.status == 200 and reply.header("Content-Length") == "12" and reply.body == b""


def test_pipelined_requests_are_answered_in_order_on_one_connection(site):
    one = b"GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n"
    replies = Client(site).exchange(one + b"GET /missing HTTP/1.1\r\nHost: x\r\n\r\n", replies=2)
    assert [r.status for r in replies] == [200, 404]
    assert replies[0].header("Connection") is None      # kept alive for the second


def test_a_malformed_request_gets_400_from_the_connection(site):
    reply = Client(site).request(b"GET /hello.txt HTTP/1.1\r\nBad Header\r\n\r\n")
    assert reply.status == 400 and reply.header("Connection") == "close"


def test_the_connection_limits_apply(tmp_path):
    site = build_site(tmp_path, "LimitRequestLine 64\n", plugins=[])
    reply = Client(site).get("/" + "a" * 100)
    assert reply.status == 414


def test_build_site_reports_errors_with_file_and_line(tmp_path):
    errors = config_errors(tmp_path, "NoSuchDirective x\n", plugins=[])
    assert len(errors) == 1 and "site.conf:1:" in errors[0] and "NoSuchDirective" in errors[0]
    with pytest.raises(AssertionError):
        build_site(tmp_path, "NoSuchDirective x\n", plugins=[])


def test_fake_request_with_a_site_has_the_merged_configuration(tmp_path):
    site = build_site(tmp_path, '<Directory "/srv/a">\nAddType text/x-a .a\n</Directory>\n',
                      plugins=[])
    inside = FakeRequest(site=site, filename="/srv/a/f.a", uri="/f.a")
    outside = FakeRequest(site=site, filename="/srv/b/f.a", uri="/f.a")
    assert inside.dir_config["AddType"] == {".a": "text/x-a"} and outside.dir_config["AddType"] == {}
    assert inside.server is site.main_server


def test_fake_request_records_what_it_is_given():
    req = FakeRequest("POST", body=b"a=1", headers={"X": "y"}, config={"Foo": 1}, phase="x")
    assert req.headers_in["Content-Length"] == "3" and req.read() == b"a=1"
    assert req.dir_config["Foo"] == 1 and req.dir_config["LimitRequestBody"] == 0
    assert req.dir_config["Unset"] is None and req.phase == "x"
    req.write("one", 0)
    req.log_error("oops", 4)
    req.internal_redirect("/e", "GET")
    assert req.body == b"one" and not req.sent_bodyct
    assert req.logged == [("oops", 4)] and req.log_text == "oops" and req.redirects == [("/e", "GET")]


def test_basic_auth_header():
    assert basic_auth_header("spam", "eggs") == "Basic " + base64.b64encode(b"spam:eggs").decode()
    assert basic_auth_header("j\xfcrg", "x", "utf-8") == "Basic " + base64.b64encode(
        "j\xfcrg:x".encode()).decode()


def test_it_is_public():
    import kernel
    assert "testing" in kernel.__all__ and kernel.testing is testing
