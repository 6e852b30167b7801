"""Publisher: 3.5's __auth__ / __access__ / __auth_realm__ defined inside a function body."""

import base64

import pytest

from fakereq import FakeRequest
from kernel import SERVER_RETURN
from plugins.publisher.access import Guard
from plugins.publisher.nested import Unreadable, nested_rules

def basic(user, password):
    token = base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
    return {"Authorization": "Basic " + token}


# What a published module holds (compiled from text: pyflakes would call the rules unused).
PUBLISHED = """
ADMINS = ("admin",)


def secret(req):
    __auth_realm__ = "Mah Realm"

    def __auth__(req, user, passwd):
        return user in ADMINS and passwd == "s3cret"     # globals of the module still work
    return "top secret"


def constant_rules(req):
    __auth__ = 0
    __access__ = True
    return "never"


def staff_only(req):
    def __access__(req, user):
        return user == "staff"
    return "staff"


def closure_auth(req):
    password = "pw"

    def __auth__(req, user, passwd):
        return passwd == password
    return "closure"


def dict_auth(req):
    __auth__ = {"spam": "eggs"}
    return "dict"


class Page:
    def view(self, req):
        __auth__ = False
        return "view"
"""
published = {}
exec(compile(PUBLISHED, "published.py", "exec"), published)
secret, constant_rules, staff_only, closure_auth, dict_auth, Page = (published[name] for name in (
    "secret", "constant_rules", "staff_only", "closure_auth", "dict_auth", "Page"))


def status(req, guard_target):
    try:
        Guard(req)(guard_target)
    except SERVER_RETURN as exc:
        return exc.args[0]
    return 200


def test_nested_def_and_realm_are_read_without_calling():
    rules = nested_rules(secret)
    assert rules["__auth_realm__"] == "Mah Realm"
    assert rules["__auth__"](None, "admin", "s3cret") and not rules["__auth__"](None, "x", "s3cret")
    assert nested_rules(lambda req: req) == {} and nested_rules("not a function") == {}


def test_nested_auth_guards_the_function():
    req = FakeRequest()
    assert status(req, secret) == 401
    assert req.err_headers_out["WWW-Authenticate"] == 'Basic realm="Mah Realm"'
    assert status(FakeRequest(headers=basic("admin", "wrong")), secret) == 401
    assert status(FakeRequest(headers=basic("admin", "s3cret")), secret) == 200


def test_nested_constants_and_access():
    assert status(FakeRequest(headers=basic("a", "b")), constant_rules) == 401
    assert status(FakeRequest(headers=basic("other", "x")), staff_only) == 403
    assert status(FakeRequest(headers=basic("staff", "x")), staff_only) == 200
    assert status(FakeRequest(headers=basic("a", "b")), Page().view) == 401


@pytest.mark.parametrize("function", [closure_auth, dict_auth])
def test_unreadable_rules_refuse_instead_of_publishing(function):
    with pytest.raises(Unreadable):
        nested_rules(function)
    assert status(FakeRequest(headers=basic("spam", "eggs")), function) == 500


def test_an_attribute_wins_over_the_body():
    opened = published["dict_auth"]          # its body's dict cannot be read, the attribute wins
    opened.__auth__ = True
    assert status(FakeRequest(headers=basic("a", "b")), opened) == 200
