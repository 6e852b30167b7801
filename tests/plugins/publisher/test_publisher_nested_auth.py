"""Publisher: __auth__ / __access__ / __auth_realm__ defined inside a function body (3.5's
bytecode trick) are not read: such a function is refused, never published unprotected."""


import pytest

from kernel.testing import FakeRequest
from kernel import SERVER_RETURN
from plugins.publisher.access import Guard
from plugins.publisher.nested import nested_rule_names
from kernel.testing import basic_auth_header


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


def test_rule_names_bound_in_a_body_are_noticed():
    assert nested_rule_names(secret) == {"__auth__", "__auth_realm__"}
    assert nested_rule_names(closure_auth) == {"__auth__"}
    assert nested_rule_names(lambda req: req) == set() and nested_rule_names("not a function") == set()
    assert nested_rule_names(secret, skip=["__auth__"]) == {"__auth_realm__"}


@pytest.mark.parametrize("function", [secret, constant_rules, staff_only, closure_auth, dict_auth,
                                      Page().view])
def test_body_rules_refuse_instead_of_publishing_unprotected(function):
    req = FakeRequest(headers={"Authorization": basic_auth_header("admin", "s3cret")})
    assert status(req, function) == 500
    assert any("inside its body" in message for message, _ in req.logged)


def test_attributes_replace_body_rules():
    fresh = {}
    exec(compile(PUBLISHED, "published.py", "exec"), fresh)     # attributes set here stay here
    opened = fresh["dict_auth"]
    opened.__auth__ = True
    assert status(FakeRequest(headers={"Authorization": basic_auth_header("a", "b")}), opened) == 200
    guarded = fresh["secret"]
    guarded.__auth__ = {"admin": "s3cret"}
    guarded.__auth_realm__ = "Staff"
    assert status(FakeRequest(), guarded) == 401
    assert status(FakeRequest(headers={"Authorization": basic_auth_header("admin", "s3cret")}), guarded) == 200
