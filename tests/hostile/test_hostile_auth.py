"""Auth bypasses: methods, `<Limit>` gaps, case and encoding tricks, mangled credentials,
ErrorDocuments that point into a protected area.

/auth/ is a `<Directory>` with `Require valid-user`, /located/ the same through `<Location>`
(with `ErrorDocument 401` pointing into /auth/), /limited/ protects GET and POST only inside
`<Limit GET POST>`, /errdoc/'s ErrorDocuments for 403 and 404 point into /auth/. The safe
answer: the listed status and no TOP-SECRET-CONTENT; a method outside a `<Limit>` may pass
the gate but still finds no content to take.
"""

import base64

import pytest

from hostile_client import exchange, still_serving


def basic(credentials):
    return "Basic " + base64.b64encode(credentials).decode()


GOOD = basic(b"spam:eggs")
LOCKED = (401,)
NOTHING_TO_TAKE = (200, 403, 405, 501)     # a <Limit> gap: past the gate, but no content

CASES = [
    # (id, method, target, Authorization header value(s), safe statuses)
    ("get", "GET", "/auth/secret.txt", (), LOCKED),
    ("head", "HEAD", "/auth/secret.txt", (), LOCKED),
    ("post", "POST", "/auth/secret.txt", (), LOCKED),
    ("options", "OPTIONS", "/auth/secret.txt", (), LOCKED),
    ("put", "PUT", "/auth/secret.txt", (), LOCKED),
    ("delete", "DELETE", "/auth/secret.txt", (), LOCKED),
    ("propfind", "PROPFIND", "/auth/secret.txt", (), LOCKED),
    ("directory-index", "GET", "/auth/", (), LOCKED),
    ("directory-without-slash", "GET", "/auth", (), LOCKED),
    ("trailing-slash", "GET", "/auth/secret.txt/", (), LOCKED),
    ("path-info", "GET", "/auth/secret.txt/x", (), LOCKED),
    ("double-slash", "GET", "/auth//secret.txt", (), LOCKED),
    ("leading-double-slash", "GET", "//auth/secret.txt", (), LOCKED),
    ("dot-segment", "GET", "/auth/./secret.txt", (), LOCKED),
    ("climb-back-in", "GET", "/health/../auth/secret.txt", (), LOCKED),
    ("encoded-letter", "GET", "/%61uth/secret.txt", (), LOCKED),
    ("encoded-file-name", "GET", "/auth/%73ecret.txt", (), LOCKED),
    ("upper-case-folder", "GET", "/AUTH/secret.txt", (), (404,)),
    ("encoded-slash", "GET", "/auth%2fsecret.txt", (), (404,)),
    ("absolute-form", "GET", "http://x/auth/secret.txt", (), LOCKED),
    ("location-get", "GET", "/located/secret.txt", (), LOCKED),
    ("location-head", "HEAD", "/located/secret.txt", (), LOCKED),
    ("location-encoded", "GET", "/%6cocated/secret.txt", (), LOCKED),
    ("location-double-slash", "GET", "/located//secret.txt", (), LOCKED),
    ("location-leading-double-slash", "GET", "//located/secret.txt", (), LOCKED),
    ("location-dot-segment", "GET", "/located/./secret.txt", (), LOCKED),
    ("location-climb-back-in", "GET", "/x/../located/secret.txt", (), LOCKED),
    ("location-upper-case", "GET", "/LOCATED/secret.txt", (), (404,)),
    ("limit-get", "GET", "/limited/secret.txt", (), LOCKED),
    ("limit-head-follows-get", "HEAD", "/limited/secret.txt", (), LOCKED),
    ("limit-post", "POST", "/limited/secret.txt", (), LOCKED),
    ("limit-gap-options", "OPTIONS", "/limited/secret.txt", (), NOTHING_TO_TAKE),
    ("limit-gap-put", "PUT", "/limited/secret.txt", (), NOTHING_TO_TAKE),
    ("limit-gap-patch", "PATCH", "/limited/secret.txt", (), NOTHING_TO_TAKE),
    ("limit-gap-propfind", "PROPFIND", "/limited/secret.txt", (), NOTHING_TO_TAKE),
    ("limit-gap-delete", "DELETE", "/limited/secret.txt", (), NOTHING_TO_TAKE),
    # credentials that are almost right
    ("password-with-nul", "GET", "/auth/secret.txt", (basic(b"spam:eggs\x00"),), LOCKED),
    ("password-empty", "GET", "/auth/secret.txt", (basic(b"spam:"),), LOCKED),
    ("no-colon", "GET", "/auth/secret.txt", (basic(b"spam"),), LOCKED),
    ("user-empty", "GET", "/auth/secret.txt", (basic(b":eggs"),), LOCKED),
    ("user-upper-case", "GET", "/auth/secret.txt", (basic(b"SPAM:eggs"),), LOCKED),
    ("user-trailing-space", "GET", "/auth/secret.txt", (basic(b"spam :eggs"),), LOCKED),
    ("password-prefix", "GET", "/auth/secret.txt", (basic(b"spam:egg"),), LOCKED),
    ("password-longer", "GET", "/auth/secret.txt", (basic(b"spam:eggsx"),), LOCKED),
    ("not-base64", "GET", "/auth/secret.txt", ("Basic !!!notbase64",), LOCKED),
    ("base64-truncated", "GET", "/auth/secret.txt", (GOOD[:-1],), LOCKED),
    ("scheme-only", "GET", "/auth/secret.txt", ("Basic",), LOCKED),
    ("other-scheme", "GET", "/auth/secret.txt", ("Bearer " + GOOD[6:],), LOCKED),
    ("digest-scheme", "GET", "/auth/secret.txt", ('Digest username="spam"',), LOCKED),
    ("two-headers-good-first", "GET", "/auth/secret.txt", (GOOD, basic(b"x:y")), LOCKED),
    ("two-headers-good-last", "GET", "/auth/secret.txt", (basic(b"x:y"), GOOD), LOCKED),
    ("huge-password", "GET", "/auth/secret.txt", (basic(b"spam:" + b"e" * 5000),), LOCKED),
    ("authen-handler-raises", "GET", "/debugoff/authen/x.txt", (GOOD,), (500,)),
    # error documents that point into a protected area are not a way in
    ("errordocument-404-into-protected", "GET", "/errdoc/missing", (), (404, 401)),
    ("errordocument-403-into-protected", "GET", "/errdoc/", (), (403, 401)),
    ("errordocument-401-into-protected", "GET", "/located/secret.txt", (), LOCKED),
    ("errordocument-wrong-password", "GET", "/located/secret.txt", (basic(b"spam:wrong"),), LOCKED),
]


@pytest.mark.parametrize("method, target, authorizations, statuses", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_auth(site, method, target, authorizations, statuses):
    lines = "".join("Authorization: %s\r\n" % value for value in authorizations)
    body = "Content-Length: 0\r\n" if method in ("POST", "PUT", "PATCH") else ""
    raw = "%s %s HTTP/1.1\r\nHost: x\r\n%s%sConnection: close\r\n\r\n" % (method, target, lines, body)
    response, rest = exchange(site.port, raw.encode("latin-1"))
    assert response is not None and response.status in statuses, (response and response.raw[:300])
    assert b"TOP-SECRET" not in response.raw + rest
    if response.status == 401:
        assert response.header("WWW-Authenticate", "").startswith("Basic realm=")
    still_serving(site)


@pytest.mark.parametrize("target", ["/auth/secret.txt", "/located/secret.txt", "/limited/secret.txt"])
def test_the_right_user_gets_in(site, target):
    """The other side of the cases above: the protected files are there, for spam:eggs."""
    raw = "GET %s HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\nConnection: close\r\n\r\n" % (target, GOOD)
    response, _ = exchange(site.port, raw.encode())
    assert response.status == 200 and response.body == b"TOP-SECRET-CONTENT\n"
