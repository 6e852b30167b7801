"""mod_python's documented nested rules through the real server: ``__auth__``, ``__access__``
and ``__auth_realm__`` inside a published function, read from the source, never run."""

import pytest

from kernel.testing import basic_auth_header
from support.httpclient import get

PAGES = '''
import os

MARK = os.path.join(os.path.dirname(__file__), "ran")


def secret(req):
    open(MARK, "w").close()         # the body runs only once the rules let it
    __auth_realm__ = "Members only"

    def __auth__(req, user, password):
        return user == "spam" and password == "eggs"

    def __access__(req, user):
        return user == "spam"
    return "the secret"


def listed(req):
    __auth__ = {"eggs": "ham"}
    __access__ = ["nobody"]
    return "never"


def computed(req):
    __auth__ = dict(eggs="ham")
    return "never"
'''


@pytest.fixture
def site(tmp_path, serve):
    (tmp_path / "pages.py").write_text(PAGES)
    server = serve(f"""
DocumentRoot "{tmp_path}"
<Directory "{tmp_path}">
    AddHandler mod_python .py
    PythonHandler mod_python.publisher
</Directory>
""")
    server.root = tmp_path
    return server


def test_challenge_with_the_nested_realm_without_running_the_body(site):
    r = get(site.port, "/pages.py/secret")
    assert r.status == 401
    assert r.header("WWW-Authenticate") == 'Basic realm="Members only"'
    assert not (site.root / "ran").exists()


def test_good_credentials_publish(site):
    r = get(site.port, "/pages.py/secret", headers={"Authorization": basic_auth_header("spam", "eggs")})
    assert (r.status, r.body) == (200, b"the secret")


def test_literal_rules(site):
    auth = {"Authorization": basic_auth_header("eggs", "ham")}
    assert get(site.port, "/pages.py/listed", headers=auth).status == 403
    assert get(site.port, "/pages.py/listed").status == 401


def test_a_rule_only_running_could_tell_is_a_500(site):
    assert get(site.port, "/pages.py/computed").status == 500
