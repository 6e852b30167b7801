"""Publisher: __auth__ / __access__ / __auth_realm__ as attributes and decorators (5.7)."""

import types

import pytest

from kernel.testing import FakeRequest
from kernel import SERVER_RETURN
from plugins.publisher.access import Guard, access, auth, basic_credentials
from plugins.publisher.traversal import resolve
from kernel.testing import basic_auth_header


def refusal(req, *objects):
    guard = Guard(req)
    with pytest.raises(SERVER_RETURN) as exc:
        for obj in objects:
            guard(obj)
    return exc.value.args[0]


def protected(**attrs):
    def f():
        return "ok"
    for name, value in attrs.items():
        setattr(f, name, value)
    return f


# -- credentials ----------------------------------------------------------------------------

def test_credentials_parsed():
    assert basic_credentials(FakeRequest(headers={"Authorization": basic_auth_header("spam", "eg:gs")})) == ("spam", "eg:gs")
    assert basic_credentials(FakeRequest()) == (None, None)
    assert basic_credentials(FakeRequest(headers={"Authorization": basic_auth_header("Jörg", "x", "utf-8")})) == ("Jörg", "x")


def test_other_schemes_are_no_credentials():
    assert basic_credentials(FakeRequest(headers={"Authorization": "Bearer abc"})) == (None, None)


@pytest.mark.parametrize("value", ["Basic !!!notbase64", "Basic c3BhbQ=="])  # bad base64, no colon
def test_malformed_basic_is_400(value):
    with pytest.raises(SERVER_RETURN) as exc:
        basic_credentials(FakeRequest(headers={"Authorization": value}))
    assert exc.value.args[0] == 400


# -- __auth__ -------------------------------------------------------------------------------

def test_no_rules_no_questions():
    Guard(FakeRequest(headers={"Authorization": "Basic !!!"}))(protected())


def test_auth_without_credentials_is_401_with_default_realm():
    req = FakeRequest()
    assert refusal(req, protected(__auth__={"spam": "eggs"})) == 401
    assert req.err_headers_out["WWW-Authenticate"] == 'Basic realm="unknown"'


def test_auth_dict():
    f = protected(__auth__={"spam": "eggs"}, __auth_realm__='Staff "only"')
    Guard(FakeRequest(headers={"Authorization": basic_auth_header("spam", "eggs")}))(f)
    req = FakeRequest(headers={"Authorization": basic_auth_header("spam", "bad")})
    assert refusal(req, f) == 401
    assert req.err_headers_out["WWW-Authenticate"] == 'Basic realm="Staff \\"only\\""'
    assert refusal(FakeRequest(headers={"Authorization": basic_auth_header("ham", "eggs")}), f) == 401


def test_realm_cannot_break_the_header():
    req = FakeRequest()
    assert refusal(req, protected(__auth__={}, __auth_realm__="a\r\nSet-Cookie: x=y")) == 401
    assert req.err_headers_out["WWW-Authenticate"] == 'Basic realm="a Set-Cookie: x=y"'


def test_auth_callable_gets_req_user_password():
    seen = []

    def check(req, user, password):
        seen.append((req, user, password))
        return password == "right"
    req = FakeRequest(headers={"Authorization": basic_auth_header("u", "right")})
    Guard(req)(protected(__auth__=check))
    assert seen == [(req, "u", "right")]
    assert refusal(FakeRequest(headers={"Authorization": basic_auth_header("u", "wrong")}), protected(__auth__=check)) == 401


def test_auth_constant():
    Guard(FakeRequest(headers={"Authorization": basic_auth_header("u", "p")}))(protected(__auth__=1))
    assert refusal(FakeRequest(headers={"Authorization": basic_auth_header("u", "p")}), protected(__auth__=0)) == 401


# -- __access__ -----------------------------------------------------------------------------

def test_access_list_callable_constant():
    req = FakeRequest(headers={"Authorization": basic_auth_header("spam", "x")})
    Guard(req)(protected(__access__=["spam"]))
    Guard(req)(protected(__access__=lambda r, user: user == "spam"))
    Guard(req)(protected(__access__=True))
    assert refusal(req, protected(__access__=("ham",))) == 403
    assert refusal(req, protected(__access__=lambda r, user: False)) == 403
    assert refusal(req, protected(__access__=False)) == 403


def test_access_without_credentials_is_403():
    assert refusal(FakeRequest(), protected(__access__=["spam"])) == 403


def test_auth_then_access():
    f = protected(__auth__={"spam": "eggs", "ham": "eggs"}, __access__=["spam"])
    Guard(FakeRequest(headers={"Authorization": basic_auth_header("spam", "eggs")}))(f)
    assert refusal(FakeRequest(headers={"Authorization": basic_auth_header("ham", "eggs")}), f) == 403
    assert refusal(FakeRequest(headers={"Authorization": basic_auth_header("ham", "bad")}), f) == 401


# -- along a path ---------------------------------------------------------------------------

def test_module_rule_guards_everything_and_realm_is_inherited():
    mod = types.ModuleType("m")
    mod.__auth__ = {"spam": "eggs"}
    mod.__auth_realm__ = "Module"
    mod.page = protected(__access__=["spam"])
    req = FakeRequest()
    with pytest.raises(SERVER_RETURN) as exc:
        resolve(mod, "page", check=Guard(req))
    assert exc.value.args[0] == 401
    assert req.err_headers_out["WWW-Authenticate"] == 'Basic realm="Module"'
    assert resolve(mod, "page", check=Guard(FakeRequest(headers={"Authorization": basic_auth_header("spam", "eggs")})))() == "ok"


def test_object_and_method_rules():
    class Area:
        __auth_realm__ = "Area"

        def __auth__(self, req, user, password):
            return (user, password) == ("spam", "eggs")

        @access(["boss"])
        def secret(self):
            return "secret"

        def public(self):
            return "public"

    mod = types.ModuleType("m")
    mod.area = Area()
    assert resolve(mod, "area/public", check=Guard(FakeRequest(headers={"Authorization": basic_auth_header("spam", "eggs")})))() == "public"
    with pytest.raises(SERVER_RETURN) as exc:
        resolve(mod, "area/secret", check=Guard(FakeRequest(headers={"Authorization": basic_auth_header("spam", "eggs")})))
    assert exc.value.args[0] == 403
    with pytest.raises(SERVER_RETURN) as exc:
        resolve(mod, "area/public", check=Guard(FakeRequest()))
    assert exc.value.args[0] == 401


def test_decorators_set_plain_attributes_and_keep_the_function():
    @auth({"a": "b"}, realm="R")
    @access(["a"])
    def page(req, x):
        return x
    assert page.__auth__ == {"a": "b"} and page.__auth_realm__ == "R" and page.__access__ == ["a"]
    assert page(None, 1) == 1
    Guard(FakeRequest(headers={"Authorization": basic_auth_header("a", "b")}))(page)
    assert refusal(FakeRequest(headers={"Authorization": basic_auth_header("a", "c")}), page) == 401


def test_credentials_parsed_once_per_path():
    req = FakeRequest(headers={"Authorization": basic_auth_header("spam", "eggs")})
    guard = Guard(req)
    guard(protected(__auth__={"spam": "eggs"}))
    req.headers_in["Authorization"] = "Basic !!!"
    guard(protected(__access__=["spam"]))
