"""kernel.lib.cookies (mod_python.Cookie): formatting, parsing, signing, marshal, helpers."""

import base64
import marshal

import pytest

from kernel.lib.cookies import (
    Cookie, CookieError, MarshalCookie, SignedCookie, add_cookie, format_expires, get_cookie,
    get_cookies, parse_expires)
from kernel import Table


class Req:
    def __init__(self, *cookie_headers):
        self.headers_in = Table([("Cookie", h) for h in cookie_headers])
        self.headers_out = Table()


def test_format_in_mod_pythons_attribute_order():
    c = Cookie("spam", "eggs", HttpOnly=True, path="/", domain="example.org", secure=True,
               max_age=60, version=1, comment="c", samesite="Lax")
    assert str(c) == ("spam=eggs; version=1; path=/; domain=example.org; secure; comment=c; "
                      "max-age=60; samesite=Lax; httponly")


def test_false_flags_and_none_are_left_out():
    assert str(Cookie("a", "b", secure=False, httponly=0, domain=None)) == "a=b"


def test_unknown_attribute_is_refused():
    with pytest.raises(AttributeError, match="not a cookie attribute"):
        Cookie("a", "b", colour="red")
    c = Cookie("a", "b")
    with pytest.raises(AttributeError):
        c.colour = "red"


def test_expires_number_and_string():
    assert str(Cookie("a", "b", expires=0)) == "a=b; expires=Thu, 01-Jan-1970 00:00:00 GMT"
    assert Cookie("a", "b", expires=1700000000.7).expires == "Tue, 14-Nov-2023 22:13:20 GMT"
    assert Cookie("a", "b", expires="Tue, 14-Nov-2023 22:13:20 GMT").expires == \
        "Tue, 14-Nov-2023 22:13:20 GMT"
    assert parse_expires("Tue, 14 Nov 2023 22:13:20 GMT") == 1700000000    # RFC 1123
    assert format_expires(parse_expires("Sat, 29-Feb-2020 23:59:59 GMT")) == \
        "Sat, 29-Feb-2020 23:59:59 GMT"
    for bad in ("tomorrow", "Tue, 14-Nov-2023 22:13:20", "Tue, 31-Feb-2023 10:00:00 GMT",
                "Tue, 14-Nov-2023 25:13:20 GMT"):
        with pytest.raises(ValueError, match="Invalid expires time"):
            Cookie("a", "b", expires=bad)


@pytest.mark.parametrize("name, value", [("a", "b\r\nSet-Cookie: x=y"), ("a", "b; path=/"),
                                         ("a b", "c"), ("a=b", "c"), ("", "c"), ("a", "\x00")])
def test_header_injection_is_refused(name, value):
    with pytest.raises(CookieError):
        str(Cookie(name, value))


def test_attribute_injection_is_refused():
    with pytest.raises(CookieError):
        str(Cookie("a", "b", path="/; domain=evil.example"))


def test_parse():
    found = Cookie.parse('a=1; b="x y"; $Version=1; c=; d; e = spaced ;f=3')
    assert {k: v.value for k, v in found.items()} == \
        {"a": "1", "b": '"x y"', "c": "", "d": "", "e": "spaced", "f": "3"}
    assert all(type(c) is Cookie and c.name == k for k, c in found.items())
    assert list(Cookie.parse("a=1; b=2", names=["b"])) == ["b"]
    assert Cookie.parse("a=1; a=2")["a"].value == "2"         # mod_python: the last wins
    assert Cookie.parse("") == {}


def test_parse_odd_headers():
    assert Cookie.parse(" " * 8000) == {} and Cookie.parse(", " * 4000) == {}
    assert {k: v.value for k, v in Cookie.parse(";;; =x; ,a=1;b==2").items()} == {"a": "1", "b": "=2"}
    assert Cookie.parse('a="x;y"')["a"].value == '"x'          # a value ends at ";" as browsers send it


def test_signed_round_trip_and_format():
    c = SignedCookie("sid", "hello", secret="k")
    line = str(c)
    name, _, value = line.partition("=")
    assert name == "sid" and len(value) == 64 + 5 and value.endswith("hello")
    parsed = SignedCookie.parse(line, "k")["sid"]
    assert type(parsed) is SignedCookie and parsed.value == "hello"
    assert SignedCookie.parse(line, b"k")["sid"].value == "hello"      # bytes secret too


@pytest.mark.parametrize("tamper", [
    lambda v: v[:-1] + "X",                 # value changed
    lambda v: "0" * 64 + v[64:],            # signature replaced
    lambda v: v[64:],                        # no signature at all
    lambda v: v[:10],                        # truncated
])
def test_tampered_signed_cookie_is_rejected(tamper):
    value = str(SignedCookie("sid", "hello", secret="k")).partition("=")[2]
    line = "sid=" + tamper(value)
    downgraded = SignedCookie.parse(line, "k")["sid"]
    assert type(downgraded) is Cookie and downgraded.value == tamper(value)
    assert SignedCookie.parse(line, "k", mismatch=Cookie.IGNORE) == {}
    with pytest.raises(CookieError, match="Incorrectly Signed Cookie"):
        SignedCookie.parse(line, "k", mismatch=Cookie.EXCEPTION)


def test_signature_binds_the_name_and_the_secret():
    value = str(SignedCookie("sid", "hello", secret="k")).partition("=")[2]
    assert SignedCookie.parse("other=" + value, "k", mismatch=Cookie.IGNORE) == {}
    assert SignedCookie.parse("sid=" + value, "other-key", mismatch=Cookie.IGNORE) == {}


def test_signing_needs_a_secret():
    with pytest.raises(CookieError, match="without a secret"):
        str(SignedCookie("sid", "v"))


def test_marshal_round_trip():
    data = {"user": "ann", "n": 3, "t": (1.5, None, True), "b": b"\x00", "l": [1, {2, 3}],
            "c": 1j, "f": frozenset({"x"})}
    line = str(MarshalCookie("m", data, secret="k", path="/"))
    assert line.endswith("; path=/")
    assert MarshalCookie.parse(line, "k")["m"].value == data


@pytest.mark.parametrize("value", [compile("1", "x", "eval"), bytearray(b"x"), Ellipsis,
                                   [object()], {"k": print}])
def test_marshal_refuses_what_is_not_plain_data(value):
    with pytest.raises(CookieError, match="cannot carry"):
        str(MarshalCookie("m", value, secret="k"))


def test_marshal_nesting_is_bounded():
    value = []
    for _ in range(40):
        value = [value]
    with pytest.raises(CookieError, match="deeper"):
        str(MarshalCookie("m", value, secret="k"))


def test_marshal_checks_the_signature_before_unmarshalling():
    # A correctly encoded code object: signed with the wrong key it is never unmarshalled,
    # and even signed with the right key it is refused after loading.
    payload = base64.urlsafe_b64encode(marshal.dumps(compile("1", "x", "eval"))).decode()
    forged = "m=" + "0" * 64 + payload
    with pytest.raises(CookieError, match="Incorrectly Signed"):
        MarshalCookie.parse(forged, "k", mismatch=Cookie.EXCEPTION)
    signer = SignedCookie("m", payload, secret="k")
    signed = "m=" + signer.hexdigest(payload) + payload
    with pytest.raises(CookieError, match="cannot carry code"):
        MarshalCookie.parse(signed, "k", mismatch=Cookie.EXCEPTION)
    assert MarshalCookie.parse(signed, "k", mismatch=Cookie.IGNORE) == {}


def test_marshal_garbage_with_a_valid_signature_is_rejected():
    signer = SignedCookie("m", "", secret="k")
    for junk in ("!!!", "AAAA", "e30"):
        line = "m=" + signer.hexdigest(junk) + junk
        with pytest.raises(CookieError):
            MarshalCookie.parse(line, "k", mismatch=Cookie.EXCEPTION)


def test_add_cookie_adds_cache_control_once():
    req = Req()
    add_cookie(req, "a", "1", path="/")
    add_cookie(req, Cookie("b", "2"))
    assert req.headers_out.getlist("Set-Cookie") == ["a=1; path=/", "b=2"]
    assert req.headers_out.getlist("Cache-Control") == ['no-cache="set-cookie"']


def test_add_cookie_refuses_an_unsafe_cookie_before_touching_headers():
    req = Req()
    with pytest.raises(CookieError):
        add_cookie(req, "a", "1\r\nX: y")
    assert len(req.headers_out) == 0


def test_get_cookies_joins_several_headers():
    req = Req("a=1; b=2", "c=3")
    assert {k: v.value for k, v in get_cookies(req).items()} == {"a": "1", "b": "2", "c": "3"}
    assert get_cookie(req, "c").value == "3"
    assert get_cookie(req, "zzz") is None
    assert get_cookies(Req()) == {}


def test_get_cookie_with_signed_class():
    line = str(SignedCookie("sid", "v", secret="k"))
    req = Req("x=1; " + line)
    assert get_cookie(req, "sid", Class=SignedCookie, secret="k").value == "v"
    assert get_cookie(req, "sid", Class=SignedCookie, secret="bad", mismatch=Cookie.IGNORE) is None


def test_mod_python_face_exports():
    from mod_python import Cookie as face
    for name in ("Cookie", "SignedCookie", "MarshalCookie", "CookieError", "add_cookie",
                 "get_cookies", "get_cookie"):
        assert hasattr(face, name)
    assert face.Cookie.DOWNGRADE == 0 and face.Cookie.IGNORE == 1 and face.Cookie.EXCEPTION == 3
