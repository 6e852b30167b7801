"""Hostile framing: request smuggling, malformed heads and bodies, pipelining after an error.

Each case is raw bytes sent on a fresh connection to a real server. The safe answer: the
listed status; a refused request (4xx) is the last thing on its connection (`Connection:
close`, then end of stream, nothing pipelined behind it answered); nothing smuggled in a
body reaches /auth/; and the server still answers a health request afterwards.
"""

from dataclasses import dataclass

import pytest

from support.httpclient import Connection

from hostile_client import assert_refused, exchange, still_serving

SMUGGLED = b"GET /auth/secret.txt HTTP/1.1\r\nHost: x\r\n\r\n"


def post(headers, body=b"", path=b"/echo/", version=b"HTTP/1.1"):
    """A POST to the echo handler with exactly these header lines (bytes, CRLF-joined)."""
    return (b"POST " + path + b" " + version + b"\r\nHost: x\r\n" + headers
            + b"\r\nConnection: close\r\n\r\n" + body)


def get(path=b"/health", extra=b"", version=b"HTTP/1.1", ending=b"\r\n"):
    return b"GET " + path + b" " + version + ending + b"Host: x" + ending + extra \
        + b"Connection: close" + ending + ending


def chunked(body):
    return post(b"Transfer-Encoding: chunked", body)


@dataclass
class Case:
    id: str
    raw: bytes
    statuses: tuple        # the safe answers
    body: bytes = None      # the exact response body, when it must be that


REFUSED = (400,)
CASES = [
    # -- Content-Length and Transfer-Encoding together or malformed: the smuggling classics
    Case("cl-and-te", post(b"Content-Length: 4\r\nTransfer-Encoding: chunked", b"0\r\n\r\n" + SMUGGLED), REFUSED),
    Case("te-and-cl", post(b"Transfer-Encoding: chunked\r\nContent-Length: 4", b"0\r\n\r\n" + SMUGGLED), REFUSED),
    Case("duplicate-cl-same", post(b"Content-Length: 3\r\nContent-Length: 3", b"abc"), REFUSED),
    Case("duplicate-cl-differ", post(b"Content-Length: 3\r\nContent-Length: 44", b"abc" + SMUGGLED), REFUSED),
    Case("cl-list", post(b"Content-Length: 3, 3", b"abc"), REFUSED),
    Case("cl-plus-sign", post(b"Content-Length: +3", b"abc"), REFUSED),
    Case("cl-minus-sign", post(b"Content-Length: -3", b"abc"), REFUSED),
    Case("cl-huge", post(b"Content-Length: 99999999999999999999999999", b"abc"), REFUSED),
    Case("cl-2**64+1", post(b"Content-Length: 18446744073709551617", b"abc"), REFUSED),
    Case("cl-hex", post(b"Content-Length: 0x3", b"abc"), REFUSED),
    Case("cl-non-numeric", post(b"Content-Length: abc", b"abc"), REFUSED),
    Case("cl-empty", post(b"Content-Length: ", b"abc"), REFUSED),
    Case("cl-inner-space", post(b"Content-Length: 1 2", b"abc"), REFUSED),
    Case("cl-space-before-colon", post(b"Content-Length : 3", b"abc"), REFUSED),
    Case("te-space-before-colon", post(b"Transfer-Encoding : chunked", b"0\r\n\r\n"), REFUSED),
    Case("te-unknown", post(b"Transfer-Encoding: xchunked", b"0\r\n\r\n"), REFUSED),
    Case("te-chunked-not-last", post(b"Transfer-Encoding: chunked, gzip", b"0\r\n\r\n"), REFUSED),
    Case("te-identity", post(b"Transfer-Encoding: identity", b"abc"), REFUSED),
    Case("te-twice", post(b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked", b"0\r\n\r\n"), REFUSED),
    Case("te-vertical-tab", post(b"Transfer-Encoding:\x0bchunked", b"0\r\n\r\n"), REFUSED),
    Case("te-obs-fold", post(b"Transfer-Encoding: identity\r\n chunked", b"0\r\n\r\n"), REFUSED),
    Case("te-upper-case", post(b"Transfer-Encoding: CHUNKED", b"3\r\nabc\r\n0\r\n\r\n"), (200,), b"got 3:abc"),
    # -- line endings, folding, bytes that have no place in a head
    Case("obs-fold", get(extra=b"X-A: a\r\n  folded\r\n"), REFUSED),
    Case("bare-lf-everywhere", get(ending=b"\n"), REFUSED),
    Case("bare-lf-one-line", b"GET /health HTTP/1.1\r\nHost: x\nConnection: close\r\n\r\n", REFUSED),
    Case("bare-cr-everywhere", get(ending=b"\r"), REFUSED),
    Case("bare-cr-in-line", b"GET /health HTTP/1.1\r\nHost: x\rX: y\r\nConnection: close\r\n\r\n", REFUSED),
    Case("bare-cr-in-value", get(extra=b"X: a\rb\r\n"), REFUSED),
    Case("nul-in-value", get(extra=b"X: a\x00b\r\n"), REFUSED),
    Case("space-before-colon", get(extra=b"X : a\r\n"), REFUSED),
    Case("space-before-first-header", b"GET /health HTTP/1.1\r\n Host: x\r\nConnection: close\r\n\r\n", REFUSED),
    Case("header-without-colon", get(extra=b"NoColonHere\r\n"), REFUSED),
    Case("header-empty-name", get(extra=b": v\r\n"), REFUSED),
    Case("header-name-not-a-token", get(extra=b"X(y): v\r\n"), REFUSED),
    Case("host-twice", get(extra=b"Host: y\r\n"), REFUSED),
    Case("host-missing", b"GET /health HTTP/1.1\r\nConnection: close\r\n\r\n", REFUSED),
    Case("host-malformed", b"GET /health HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n", REFUSED),
    # -- the request line
    Case("method-lower-case", b"get /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", (400, 501)),
    Case("method-unknown", b"FOO /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", (400, 501)),
    Case("trace-is-off", b"TRACE /health HTTP/1.1\r\nHost: x\r\nX-Secret: 1\r\nConnection: close\r\n\r\n", (405,)),
    Case("tab-separated", b"GET\t/health\tHTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", REFUSED),
    Case("space-in-target", get(path=b"/hea lth"), REFUSED),
    Case("control-in-target", get(path=b"/hea\x01lth"), REFUSED),
    Case("version-lower-case", get(version=b"http/1.1"), REFUSED),
    Case("http09-request", b"GET /health\r\n\r\n", REFUSED),
    Case("http09-request-then-more", b"GET /health\r\n\r\n" + SMUGGLED, REFUSED),
    Case("version-1.2", get(version=b"HTTP/1.2"), (200, 400, 505)),
    Case("version-3.1", get(version=b"HTTP/3.1"), (400, 505)),
    Case("empty-lines-before", b"\r\n\r\n" + get(), (200,)),
    Case("star-target-get", get(path=b"*"), REFUSED),
    Case("connect-authority", b"CONNECT x:80 HTTP/1.1\r\nHost: x\r\n\r\n" + SMUGGLED, (400, 405, 501)),
    Case("upgrade-h2c-ignored", b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, close\r\n"
         b"Upgrade: h2c\r\n\r\n", (200,)),
    # -- absolute-form targets: the authority is the host, nothing else is trusted
    Case("absolute-form", get(path=b"http://x/health"), (200,)),
    Case("absolute-form-https", get(path=b"https://x/health"), (200,)),
    Case("absolute-form-other-scheme", get(path=b"ftp://x/health"), REFUSED),
    Case("absolute-form-userinfo", get(path=b"http://u:p@x/health"), REFUSED),
    Case("absolute-form-bad-host", get(path=b"http://a b/health"), REFUSED),
    Case("absolute-form-climbs", get(path=b"http://x/../../etc/passwd"), REFUSED),
    # -- chunked bodies
    Case("chunk-size-not-hex", chunked(b"ZZ\r\nabc\r\n0\r\n\r\n"), REFUSED),
    Case("chunk-size-negative", chunked(b"-3\r\nabc\r\n0\r\n\r\n"), REFUSED),
    Case("chunk-size-0x", chunked(b"0x3\r\nabc\r\n0\r\n\r\n"), REFUSED),
    Case("chunk-size-overflow", chunked(b"FFFFFFFFFFFFFFFFFF\r\nabc\r\n0\r\n\r\n"), (400, 413)),
    Case("chunk-size-space", chunked(b"3 \r\nabc\r\n0\r\n\r\n"), REFUSED),
    Case("chunk-size-empty", chunked(b"\r\nabc\r\n0\r\n\r\n"), REFUSED),
    Case("chunk-data-too-long", chunked(b"3\r\nabcX0\r\n\r\n"), REFUSED),
    Case("chunk-bare-lf", chunked(b"3\nabc\n0\n\n"), REFUSED),
    Case("chunk-extension-short", chunked(b"3;name=value\r\nabc\r\n0\r\n\r\n"), (200,), b"got 3:abc"),
    # bytes after a `Connection: close` request: the request is answered, the rest never is
    Case("chunk-smuggles-request", chunked(b"3\r\nabc\r\n0\r\n\r\n" + SMUGGLED), (200,), b"got 3:abc"),
    # a chunk-size line (digits and extensions) past LimitRequestFieldSize: 413, as Apache
    Case("chunk-extension-many-kb", chunked(b"3;" + b"a" * 20000 + b"\r\nabc\r\n0\r\n\r\n"), (413,)),
    Case("chunk-extension-megabyte", chunked(b"3;" + b"a=b;" * 250000 + b"\r\nabc\r\n0\r\n\r\n"), (413,)),
    Case("chunk-size-many-leading-zeros", chunked(b"0" * 20000 + b"3\r\nabc\r\n0\r\n\r\n"), (413,)),
    Case("last-chunk-extension-many-kb", chunked(b"3\r\nabc\r\n0;" + b"a" * 20000 + b"\r\n\r\n"), (413,)),
    Case("chunk-extension-under-the-limit", chunked(b"3;" + b"a" * 7000 + b"\r\nabc\r\n0\r\n\r\n"), (200,),
         b"got 3:abc"),
    Case("trailer-field-too-long", chunked(b"3\r\nabc\r\n0\r\nX-T: " + b"v" * 100000 + b"\r\n\r\n"), REFUSED),
    Case("trailer-fields-too-many", chunked(b"3\r\nabc\r\n0\r\n" + b"".join(b"X-T%d: v\r\n" % n
                                                                           for n in range(200)) + b"\r\n"), REFUSED),
    Case("trailer-obs-fold", chunked(b"3\r\nabc\r\n0\r\nX-T: a\r\n b\r\n\r\n"), REFUSED),
    # -- limits of the head
    Case("request-line-too-long", get(path=b"/" + b"a" * 20000), (414,)),
    Case("header-field-too-long", get(extra=b"X-Big: " + b"v" * 20000 + b"\r\n"), REFUSED),
    Case("header-fields-too-many", get(extra=b"".join(b"X-H%d: v\r\n" % n for n in range(150))), REFUSED),
    # -- a refused request ends the connection: what was pipelined behind it is not answered
    Case("pipelined-after-bad-length", b"GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"
         + SMUGGLED, REFUSED),
    Case("pipelined-after-missing-host", b"GET /health HTTP/1.1\r\n\r\n" + SMUGGLED, REFUSED),
    Case("pipelined-after-bad-chunk", b"POST /echo/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
         b"3\r\nabc\r\nZZ\r\n\r\n" + SMUGGLED, REFUSED),
    Case("pipelined-after-obs-fold", b"GET /health HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n" + SMUGGLED, REFUSED),
    Case("get-body-is-not-a-request", b"GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n"
         b"Connection: close\r\n\r\n" % len(SMUGGLED) + SMUGGLED, (200,)),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_framing(site, case):
    response, rest = exchange(site.port, case.raw)
    assert response is not None, "no answer, only %r" % rest[:200]
    assert b"TOP-SECRET" not in response.raw + rest    # nothing smuggled reached /auth/
    if response.status >= 400:
        assert_refused(response, rest, case.statuses)
    else:
        assert response.status in case.statuses, response.raw[:300]
        assert rest == b"", "a second response: %r" % rest[:200]
    if case.body is not None:
        assert response.body == case.body
    still_serving(site)


CLOSE_HEALTH = b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
PIPELINES = [
    # (id, raw, the statuses of the responses, in order; then the server closes)
    ("chunked-body-then-request", b"POST /echo/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
     b"3\r\nabc\r\n0\r\n\r\n" + SMUGGLED + CLOSE_HEALTH, [200, 401, 200]),
    ("length-body-holds-a-request", b"POST /echo/ HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n"
     % len(SMUGGLED) + SMUGGLED + CLOSE_HEALTH, [200, 200]),
    ("http10-chunked-body-ends-the-connection", b"POST /pub/funcs.py HTTP/1.0\r\nHost: x\r\n"
     b"Connection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" + SMUGGLED, [200]),
    ("requests-before-a-refusal-are-answered", b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
     b"GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n" + SMUGGLED + CLOSE_HEALTH, [200, 400]),
    ("two-before-a-broken-chunked-body", b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
     b"GET /hello/hello.py HTTP/1.1\r\nHost: x\r\n\r\nPOST /echo/ HTTP/1.1\r\nHost: x\r\n"
     b"Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nZZ\r\n" + SMUGGLED, [200, 200, 400]),
    ("404-keeps-the-connection", b"GET /nothing-here HTTP/1.1\r\nHost: x\r\n\r\n" + CLOSE_HEALTH, [404, 200]),
]


@pytest.mark.parametrize("raw, statuses", [p[1:] for p in PIPELINES], ids=[p[0] for p in PIPELINES])
def test_pipelined(site, raw, statuses):
    """Body boundaries hold on a kept-alive connection: a body is never read as a request."""
    with Connection(site.port, timeout=10) as conn:
        conn.send(raw)
        responses = [conn.read_response() for _ in statuses]
        assert [r.status for r in responses] == statuses
        assert conn.read_to_close() == b""
    assert not any(b"TOP-SECRET" in r.raw for r in responses)
    still_serving(site)
