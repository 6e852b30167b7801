"""Unit tests of the static plugin: Range parsing, which requests it serves, what it sends."""

import os
import re
import socket

import pytest

from kernel import constants as C
from kernel.testing import FakeRequest
from plugins import static
from plugins.static.ranges import MAX_RANGES, UNSATISFIABLE, parse_ranges


# -- Range ------------------------------------------------------------------------------

@pytest.mark.parametrize("header, expected", [
    ("bytes=0-0", [(0, 0)]),
    ("bytes=2-5", [(2, 5)]),
    ("bytes=5-", [(5, 9)]),
    ("bytes=-3", [(7, 9)]),
    ("bytes=-30", [(0, 9)]),
    ("bytes=8-100", [(8, 9)]),
    ("BYTES = 1-2", [(1, 2)]),
    ("bytes=6-7, 0-1", [(0, 1), (6, 7)]),
    ("bytes=0-3,2-5", [(0, 5)]),              # overlapping: merged
    ("bytes=0-1,2-3", [(0, 3)]),              # adjacent: merged
    ("bytes=0-1,,4-5", [(0, 1), (4, 5)]),     # empty list elements are allowed
    ("bytes=20-30,1-1", [(1, 1)]),            # unsatisfiable parts dropped
])
def test_satisfiable_ranges(header, expected):
    assert parse_ranges(header, 10) == expected


@pytest.mark.parametrize("header", ["bytes=10-", "bytes=10-20", "bytes=-0", "bytes=10-,-0"])
def test_unsatisfiable_ranges(header):
    assert parse_ranges(header, 10) == UNSATISFIABLE


@pytest.mark.parametrize("header", [
    "items=0-1", "bytes=", "bytes=-", "bytes=5-2", "bytes=a-b", "bytes=1-2-3", "bytes=\u00b2-3",
    "bytes=0-1;x", "bytes=" + ",".join(["0-0"] * (MAX_RANGES + 1)),
])
def test_ignored_ranges(header):
    assert parse_ranges(header, 10) is None


def test_no_ranges_of_an_empty_file():
    assert parse_ranges("bytes=0-", 0) is None


# -- the handler ------------------------------------------------------------------------

class StaticRequest(FakeRequest):
    """The fake request, with meets_conditions answering what the test asks for."""

    def meets_conditions(self):
        return self.conditions


def Req(path=None, method="GET", handler=None, path_info="", headers=None, status=200,
        accept_path_info="default", conditions=C.OK):
    req = StaticRequest(method, filename=path, handler=handler, path_info=path_info,
                        headers=headers, status=status, conditions=conditions, used_path_info=2,
                        finfo=os.stat(path) if path and os.path.exists(path) else None,
                        config={"AcceptPathInfo": accept_path_info,
                                "Options": (frozenset({"followsymlinks"}), frozenset(), frozenset())})
    req.content_type = "text/plain"
    return req


@pytest.fixture
def tenbytes(tmp_path):
    path = tmp_path / "ten.txt"
    path.write_bytes(b"0123456789")
    # Older than a second: Apache marks the ETag of a file changed just now weak (W/)
    old = os.stat(path).st_mtime - 60
    os.utime(path, (old, old))
    return str(path)


@pytest.mark.parametrize("handler", ["mod_python", "cgi-script", "text/html", "text_html"])
def test_serves_a_file_whose_handler_nobody_served_with_apaches_warning(tenbytes, handler):
    req = Req(tenbytes, handler=handler)
    assert static.handler(req) == C.OK
    assert req.body == b"0123456789"
    assert (f'handler "{handler}" not found for: {tenbytes}', C.APLOG_WARNING) in req.logged


@pytest.mark.parametrize("name", ["h.py", "h.pyc", "page.psp", "page.psp_"])
def test_the_fallback_never_sends_python_or_psp_source(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"secret = 1\n")
    req = Req(str(path), handler="mod_python")
    assert static.handler(req) == C.HTTP_FORBIDDEN
    assert req.written == []


def test_source_is_served_as_a_plain_file_without_a_handler(tmp_path):
    path = tmp_path / "h.py"
    path.write_bytes(b"x = 1\n")
    assert static.handler(Req(str(path))) == C.OK


@pytest.mark.parametrize("handler", [None, C.DEFAULT_HANDLER])
def test_serves_the_whole_file(tenbytes, handler):
    req = Req(tenbytes, handler=handler)
    assert static.handler(req) == C.OK
    st = os.stat(tenbytes)
    assert req.body == b"0123456789" and req.clength == 10
    assert req.headers_out.keys() == ["Last-Modified", "ETag", "Accept-Ranges", "Content-Length"]
    assert req.headers_out["ETag"] == '"a-%x"' % int(st.st_mtime * 1000000)
    assert req.status == 200


def test_streams_in_blocks(tmp_path):
    path = tmp_path / "big.bin"
    data = os.urandom(3 * 65536 + 5)
    path.write_bytes(data)
    req = Req(str(path))
    assert static.handler(req) == C.OK
    assert [len(b) for b, _ in req.written] == [65536, 65536, 65536, 5]
    assert req.body == data and req.clength == len(data)


def test_head_sends_length_but_no_body(tenbytes):
    req = Req(tenbytes, method="HEAD")
    assert static.handler(req) == C.OK
    assert req.clength == 10 and req.written == []


def test_missing_file_is_404(tmp_path):
    req = Req(str(tmp_path / "nope.txt"))
    assert static.handler(req) == C.HTTP_NOT_FOUND
    assert req.logged and req.logged[0][1] == C.APLOG_INFO


def test_directory_is_403(tmp_path):
    assert static.handler(Req(str(tmp_path) + "/")) == C.HTTP_FORBIDDEN


def test_path_info_is_404_by_default(tenbytes):
    assert static.handler(Req(tenbytes, path_info="/extra")) == C.HTTP_NOT_FOUND
    assert static.handler(Req(tenbytes, path_info="/extra", accept_path_info="off")) == C.HTTP_NOT_FOUND


def test_path_info_accepted_by_directive_or_by_a_handler(tenbytes):
    assert static.handler(Req(tenbytes, path_info="/x", accept_path_info="on")) == C.OK
    req = Req(tenbytes, path_info="/x")
    req.used_path_info = 0
    assert static.handler(req) == C.OK
    req = Req(tenbytes, path_info="/x", accept_path_info="on")
    req.used_path_info = 1
    assert static.handler(req) == C.HTTP_NOT_FOUND


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_other_known_methods_are_405(tenbytes, method):
    req = Req(tenbytes, method=method)
    assert static.handler(req) == C.HTTP_METHOD_NOT_ALLOWED
    assert req.allowed_methods == ("GET", "HEAD", "OPTIONS") and req.discarded


def test_unknown_method_is_501(tenbytes):
    req = Req(tenbytes, method="BREW")
    assert static.handler(req) == C.HTTP_NOT_IMPLEMENTED
    assert req.allowed_methods == ("GET", "HEAD", "OPTIONS")


def test_options_lists_the_methods(tmp_path):
    req = Req(str(tmp_path / "whatever"), method="OPTIONS")
    assert static.handler(req) == C.OK
    assert req.headers_out["Allow"] == "GET, HEAD, OPTIONS" and req.clength == 0


def test_unopenable_file_is_403(tmp_path):
    path = str(tmp_path / "sock")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(path)              # a socket file exists but cannot be opened, even by root
        req = Req(path)
        assert static.handler(req) == C.HTTP_FORBIDDEN
    assert req.logged and req.written == []


def test_not_modified_keeps_the_etag(tenbytes):
    req = Req(tenbytes, conditions=C.HTTP_NOT_MODIFIED)
    assert static.handler(req) == C.HTTP_NOT_MODIFIED
    assert req.err_headers_out["ETag"] == req.headers_out["ETag"] and req.written == []


def test_failed_precondition(tenbytes):
    req = Req(tenbytes, conditions=C.HTTP_PRECONDITION_FAILED)
    assert static.handler(req) == C.HTTP_PRECONDITION_FAILED and req.written == []


def test_error_document_keeps_its_status_and_ignores_conditions_and_ranges(tenbytes):
    req = Req(tenbytes, status=404, conditions=C.HTTP_NOT_MODIFIED, headers={"Range": "bytes=0-1"})
    assert static.handler(req) == C.OK
    assert req.status == 404 and req.body == b"0123456789"
    assert "Accept-Ranges" not in req.headers_out


def test_single_range(tenbytes):
    req = Req(tenbytes, headers={"Range": "bytes=2-5"})
    assert static.handler(req) == C.OK
    assert req.status == 206 and req.body == b"2345" and req.clength == 4
    assert req.headers_out["Content-Range"] == "bytes 2-5/10"


def test_single_range_head(tenbytes):
    req = Req(tenbytes, method="HEAD", headers={"Range": "bytes=-2"})
    assert static.handler(req) == C.OK
    assert req.status == 206 and req.written == [] and req.clength == 2
    assert req.headers_out["Content-Range"] == "bytes 8-9/10"


def test_unsatisfiable_range_is_416(tenbytes):
    req = Req(tenbytes, headers={"Range": "bytes=50-60"})
    assert static.handler(req) == C.HTTP_RANGE_NOT_SATISFIABLE
    assert req.err_headers_out["Content-Range"] == "bytes */10" and req.written == []


def test_malformed_range_sends_everything(tenbytes):
    req = Req(tenbytes, headers={"Range": "bytes=5-2"})
    assert static.handler(req) == C.OK
    assert req.status == 200 and req.body == b"0123456789"


def test_multiple_ranges(tenbytes):
    req = Req(tenbytes, headers={"Range": "bytes=7-8,0-1"})
    assert static.handler(req) == C.OK
    assert req.status == 206
    kind, _, boundary = req.content_type.partition("; boundary=")
    assert kind == "multipart/byteranges" and re.fullmatch(r"[0-9a-f]{24}", boundary)
    assert req.body == (
        b"\r\n--%s\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/10\r\n\r\n01"
        b"\r\n--%s\r\nContent-Type: text/plain\r\nContent-Range: bytes 7-8/10\r\n\r\n78"
        b"\r\n--%s--\r\n" % (boundary.encode(), boundary.encode(), boundary.encode()))
    assert req.clength == len(req.body)


def test_multiple_ranges_head_announces_the_same_length(tenbytes):
    get, head = Req(tenbytes, headers={"Range": "bytes=0-1,5-6"}), \
        Req(tenbytes, method="HEAD", headers={"Range": "bytes=0-1,5-6"})
    static.handler(get)
    static.handler(head)
    assert head.clength == get.clength == len(get.body) and head.written == []


def test_if_range(tenbytes):
    probe = Req(tenbytes)
    static.handler(probe)
    etag, date = probe.headers_out["ETag"], probe.headers_out["Last-Modified"]
    for condition, partial in [(etag, True), (date, True), ('"other"', False),
                               ("W/" + etag, False), ("Mon, 01 Jan 2001 00:00:00 GMT", False)]:
        req = Req(tenbytes, headers={"Range": "bytes=0-0", "If-Range": condition})
        static.handler(req)
        assert (req.status, req.body) == ((206, b"0") if partial else (200, b"0123456789")), condition


def test_etag_of_a_file_changed_within_a_second_is_weak(tmp_path):
    path = tmp_path / "fresh.txt"
    path.write_bytes(b"new")
    req = Req(str(path))
    assert static.handler(req) == C.OK
    assert req.headers_out["ETag"].startswith('W/"3-')
