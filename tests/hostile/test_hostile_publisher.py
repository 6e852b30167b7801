"""Publisher abuse: private names, modules, classes, builtins and whatever hangs off them,
and ways around a module's ``__auth__``.

Public names of a published module are published (mod_python's rule); nothing else is.
Every name an attacker aims at holds TOP-SECRET-CONTENT (see hostile_site.py).
"""

import base64

import pytest

from hostile_client import exchange, still_serving

GOOD = "Basic " + base64.b64encode(b"spam:eggs").decode()
BAD = "Basic " + base64.b64encode(b"spam:wrong").decode()
DENIED, MISSING, LOCKED = (403,), (404,), (401,)

CASES = [
    # (id, [method] target, Authorization or None, safe statuses)
    ("module-index", "/pub/funcs.py", None, (200,)),
    ("public-function", "/pub/funcs.py/hello?name=x", None, (200,)),
    ("public-string", "/pub/funcs.py/PUBLIC", None, (200,)),
    ("public-instance-method", "/pub/funcs.py/thing/method", None, (200,)),
    ("dotted-instance-method", "/pub/funcs.py/thing.method", None, (200,)),
    ("private-string", "/pub/funcs.py/_private", None, DENIED),
    ("private-function", "/pub/funcs.py/_hidden", None, DENIED),
    ("private-encoded", "/pub/funcs.py/%5fhidden", None, DENIED),
    ("dunder-name", "/pub/funcs.py/__secret__", None, DENIED),
    ("module-doc", "/pub/funcs.py/__doc__", None, DENIED),
    ("module-dict", "/pub/funcs.py/__dict__", None, DENIED),
    ("module-file", "/pub/funcs.py/__file__", None, DENIED),
    ("module-builtins", "/pub/funcs.py/__builtins__", None, DENIED),
    ("module-loader", "/pub/funcs.py/__loader__", None, DENIED),
    ("imported-module", "/pub/funcs.py/os", None, DENIED),
    ("imported-module-function", "/pub/funcs.py/os/getcwd", None, DENIED),
    ("imported-module-dotted", "/pub/funcs.py/os.system", None, DENIED),
    ("imported-module-renamed", "/pub/funcs.py/os_path/join", None, DENIED),
    ("imported-sys", "/pub/funcs.py/sys/modules", None, DENIED),
    ("imported-face", "/pub/funcs.py/apache", None, DENIED),
    ("class", "/pub/funcs.py/Thing", None, DENIED),
    ("instance-private-attribute", "/pub/funcs.py/thing/_secret", None, DENIED),
    ("instance-private-method", "/pub/funcs.py/thing/_private_method", None, DENIED),
    ("instance-class", "/pub/funcs.py/thing/__class__", None, DENIED),
    ("instance-class-dotted", "/pub/funcs.py/thing.__class__.__init__", None, DENIED),
    ("bound-method-self", "/pub/funcs.py/thing/method/__self__", None, DENIED),
    ("function-globals", "/pub/funcs.py/hello/__globals__", None, DENIED),
    ("function-globals-dotted", "/pub/funcs.py/hello.__globals__", None, DENIED),
    ("function-code", "/pub/funcs.py/index/__code__", None, DENIED),
    ("function-call", "/pub/funcs.py/hello/__call__", None, DENIED),
    ("builtin-under-public-name", "/pub/funcs.py/getenv", None, DENIED),
    ("builtin-open", "/pub/funcs.py/opener", None, DENIED),
    ("list-method", "/pub/funcs.py/items/append", None, DENIED),
    ("no-such-module", "/pub/nothing-here.py", None, MISSING),
    ("module-without-extension", "/pub/funcs", None, MISSING),
    # __auth__: checked for every object of the module, whatever path reaches it
    ("auth-module-index", "/pub/guarded.py", None, LOCKED),
    ("auth-function", "/pub/guarded.py/page", None, LOCKED),
    ("auth-wrong-password", "/pub/guarded.py/page", BAD, LOCKED),
    ("auth-trailing-slash", "/pub/guarded.py/page/", None, LOCKED),
    ("auth-double-slash", "/pub/guarded.py//page", None, LOCKED),
    ("auth-dot-segment", "/pub/./guarded.py/page", None, LOCKED),
    ("auth-climb-from-other-module", "/pub/funcs.py/../guarded.py/page", None, LOCKED),
    ("auth-encoded-module-name", "/pub/%67uarded.py/page", None, LOCKED),
    ("auth-encoded-extension", "/pub/guarded%2epy/page", None, LOCKED),
    ("auth-dotted-path", "/pub/guarded.py/inner.leaf", None, LOCKED),
    ("auth-query", "/pub/guarded.py/page?user=spam&password=eggs", None, LOCKED),
    ("auth-head", "HEAD /pub/guarded.py/page", None, LOCKED),
    ("auth-post", "POST /pub/guarded.py/page", None, LOCKED),
    ("auth-inner-refuses-good-user", "/pub/guarded.py/inner/leaf", GOOD, LOCKED),
    ("auth-function-itself", "/pub/guarded.py/__auth__", GOOD, DENIED),
    ("auth-realm", "/pub/guarded.py/__auth_realm__", GOOD, DENIED),
]


@pytest.mark.parametrize("target, authorization, statuses", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_publisher(site, target, authorization, statuses):
    method, _, target = target.rpartition(" ")
    auth = b"Authorization: %s\r\n" % authorization.encode() if authorization else b""
    raw = b"%s %s HTTP/1.1\r\nHost: x\r\n%sContent-Length: 0\r\nConnection: close\r\n\r\n" % (
        (method or "GET").encode(), target.encode(), auth)
    response, rest = exchange(site.port, raw)
    assert response is not None and response.status in statuses, (response and response.raw[:300])
    assert b"TOP-SECRET" not in response.raw + rest
    if response.status == 401:
        assert response.header("WWW-Authenticate", "").startswith("Basic realm=")
    still_serving(site)


def test_publisher_auth_lets_the_right_user_in(site):
    """The other side of the cases above: the guarded page is there, for spam:eggs."""
    raw = b"GET /pub/guarded.py/page HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\nConnection: close\r\n\r\n" \
        % GOOD.encode()
    response, _ = exchange(site.port, raw)
    assert response.status == 200 and response.body == b"TOP-SECRET-CONTENT"


@pytest.mark.parametrize("query", ["req=evil", "req=evil&req=worse", "self=x", "__class__=x"])
def test_form_fields_cannot_replace_the_request(site, query):
    """A form field named like the request argument does not take its place."""
    raw = b"GET /pub/funcs.py/uri?%s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % query.encode()
    response, _ = exchange(site.port, raw)
    assert response.status == 200 and response.body == b"uri=/pub/funcs.py/uri"
