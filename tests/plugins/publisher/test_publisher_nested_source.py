"""Publisher: rules defined inside a function body, read from the module's source with ``ast``
(mod_python's documented nested ``__auth__`` / ``__access__`` / ``__auth_realm__``)."""

import importlib.util
import textwrap

import pytest

from kernel import SERVER_RETURN
from kernel.testing import FakeRequest, basic_auth_header
from plugins.publisher.access import Guard
from plugins.publisher.nested_source import rules_in_body

SOURCE = '''
ADMINS = ("admin",)
CALLS = []


def secret(req):
    CALLS.append("secret ran")
    __auth_realm__ = "Mah Realm"

    def __auth__(req, user, passwd):
        return user in ADMINS and passwd == "s3cret"     # the module's globals work
    return "top secret"


def dict_auth(req):
    __auth__ = {"spam": "eggs"}
    __access__ = ["spam"]
    return "dict"


def listed_access(req):
    __auth__ = {"spam": "eggs", "ham": "jam"}
    __access__ = ("ham",)
    return "ham only"


def staff_only(req):
    def __access__(req, user):
        return user == "staff"
    return "staff"


def closure_auth(req):
    password = "pw"

    def __auth__(req, user, passwd):
        return passwd == password
    return "closure"


def computed(req):
    __auth__ = {"a": "b".upper()}
    return "computed"


def conditional(req):
    if req:
        __auth__ = False
    return "conditional"


class Page:
    def view(self, req):
        __auth__ = False
        return "view"
'''


@pytest.fixture
def module(tmp_path):
    path = tmp_path / "published_mod.py"
    path.write_text(SOURCE)
    spec = importlib.util.spec_from_file_location("published_mod", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def status(function, user=None, password=None):
    headers = {"Authorization": basic_auth_header(user, password)} if user else {}
    req = FakeRequest(headers=headers)
    try:
        Guard(req)(function)
    except SERVER_RETURN as exc:
        return exc.args[0], req
    return 200, req


def test_nested_def_and_realm_without_running_the_function(module):
    assert status(module.secret, "admin", "s3cret")[0] == 200
    code, req = status(module.secret, "admin", "wrong")
    assert code == 401
    assert req.err_headers_out["WWW-Authenticate"] == 'Basic realm="Mah Realm"'
    assert module.CALLS == []


def test_dict_and_list_literals(module):
    assert status(module.dict_auth, "spam", "eggs")[0] == 200
    assert status(module.dict_auth, "spam", "bad")[0] == 401
    assert status(module.listed_access, "spam", "eggs")[0] == 403
    assert status(module.listed_access, "ham", "jam")[0] == 200


def test_nested_access_function(module):
    assert status(module.staff_only, "staff", "x")[0] == 200
    assert status(module.staff_only, "other", "x")[0] == 403


def test_a_method_body(module):
    assert status(module.Page().view, "a", "b")[0] == 401


@pytest.mark.parametrize("name", ["closure_auth", "computed", "conditional"])
def test_rules_only_running_could_tell_are_refused(module, name):
    code, req = status(getattr(module, name), "a", "pw")
    assert code == 500
    assert any("inside its body" in message for message, _ in req.logged)


def test_no_source_is_none():
    namespace = {}
    exec(compile(textwrap.dedent(SOURCE), "nowhere.py", "exec"), namespace)
    assert rules_in_body(namespace["dict_auth"], ["__auth__"]) is None
