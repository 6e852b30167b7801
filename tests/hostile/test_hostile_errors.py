"""Handlers that misbehave: response headers carrying CR, LF or NUL (a split response),
and errors under `PythonDebug Off`, which must never show a traceback, a file path or a
module name to the client.
"""

import base64
import re

import pytest

from hostile_client import exchange, still_serving

INJECTIONS = ["value-crlf", "value-lf", "value-cr", "value-nul",
              "name-crlf", "name-colon", "name-space", "name-nul"]
TABLES = ["out", "err", "flushed"]     # headers_out.add, err_headers_out, set then flushed


def get(site, target, headers=""):
    raw = "GET %s HTTP/1.1\r\nHost: x\r\n%sConnection: close\r\n\r\n" % (target, headers)
    return exchange(site.port, raw.encode("latin-1"))


def assert_not_split(response, rest):
    head = response.raw.split(b"\r\n\r\n", 1)[0]
    assert b"injected" not in head and response.header("Set-Cookie") is None
    assert response.header("X-Evil") is None and rest == b""


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("injection", INJECTIONS)
def test_header_injection_is_a_500_not_a_split(site, table, injection):
    response, rest = get(site, "/inject/x?%s.%s" % (table, injection))
    assert response.status == 500
    assert_not_split(response, rest)
    assert_no_leak(site, response)
    still_serving(site)


@pytest.mark.parametrize("target", ["/inject/x?ctype", "/inject/x?location", "/inject/x?length",
                                    "/inject/x?error"])
def test_content_type_location_and_error_header_injection_is_a_500(site, target):
    response, rest = get(site, target)
    assert response.status == 500
    assert_not_split(response, rest)
    still_serving(site)


def test_a_status_line_with_crlf_is_not_sent(site):
    """req.status_line that would split the response is refused (500) or replaced by the
    plain one (Apache's way); never sent."""
    response, rest = get(site, "/inject/x?statusline")
    assert response.raw.startswith((b"HTTP/1.1 200 OK\r\n", b"HTTP/1.1 500 Internal Server Error\r\n"))
    assert_not_split(response, rest)
    still_serving(site)


# -- PythonDebug Off -------------------------------------------------------------------------

GOOD = "Authorization: Basic %s\r\n" % base64.b64encode(b"spam:eggs").decode()
ERRORS = [
    # (id, target, extra header lines, status)
    ("handler-raises", "/debugoff/x.py", "", 500),
    ("handler-raises-after-writing", "/debugoff/partial.py", "", 200),
    ("handler-returns-garbage", "/debugoff/badreturn.py", "", 500),
    ("handler-module-missing", "/debugoff/missing/x.py", "", 500),
    ("handler-syntax-error", "/debugoff/syntax/broken_syntax.py", "", 500),
    ("handler-import-error", "/debugoff/importerr/needs_missing_dep.py", "", 500),
    ("authen-handler-raises", "/debugoff/authen/x.txt", GOOD, 500),
    ("publisher-function-raises", "/debugoff/pub.py", "", 500),
    ("publisher-argument-missing", "/debugoff/pub.py/args", "", 400),
    ("publisher-no-such-name", "/debugoff/pub.py/nosuch", "", 404),
    ("publisher-private-name", "/pub/funcs.py/_hidden", "", 403),
    ("publisher-traversal", "/pub/funcs.py/index/x", "", 403),
    ("not-found", "/nothing-here.txt", "", 404),
    ("unauthorized", "/auth/secret.txt", "", 401),
    ("refused-head", "/health", "X-Big: %s\r\n" % ("v" * 20000), 400),
]
# What an error body must not contain: the site's folder is added per test.
LEAKS = [re.compile(p, re.IGNORECASE) for p in (
    r"traceback", r"File \"", r"line \d+", r"\.py\b", r"boom", r"marker", r"broken_syntax", r"needs_missing",
    r"no_such", r"errhandler", r"hostile", r"site-packages", r"greenphase_", r"/tmp/",
    r"(Value|Key|Syntax|Import|ModuleNotFound|Attribute|Type|Name)Error", r"Exception")]


def assert_no_leak(site, response):
    text = response.body.decode("latin-1")
    assert str(site.root) not in text
    for pattern in LEAKS:
        assert not pattern.search(text), "%s in the body: %r" % (pattern.pattern, text[:500])


@pytest.mark.parametrize("target, headers, status", [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_python_debug_off_shows_no_internals(site, target, headers, status):
    response, _ = get(site, target, headers)
    assert response.status == status
    assert_no_leak(site, response)
    still_serving(site)


def test_python_debug_on_is_what_the_check_catches(site):
    """The control case: with PythonDebug On the traceback page is sent, and caught."""
    response, _ = get(site, "/debugon/x.py")
    assert response.status == 500
    with pytest.raises(AssertionError):
        assert_no_leak(site, response)


def test_the_error_log_still_has_the_traceback(site):
    """What the client is not shown is where the operator looks."""
    get(site, "/debugoff/x.py")
    log = (site.root / "error_log").read_text()
    assert "Traceback" in log and "boom-marker in" in log
