"""Apache 2.2-style access control through the real server (the tests connect from
127.0.0.1): Order/Allow/Deny, Satisfy Any with Require, <Limit>/<LimitExcept>, .htaccess."""

import base64

import bcrypt
import pytest

from support.httpclient import get

GOOD = "Basic " + base64.b64encode(b"spam:eggs").decode()
# What a static file answers once past access control (Apache's answer too).
PAST_ACCESS = {"POST": 405, "PUT": 405, "DELETE": 405, "OPTIONS": 200}
AUTH = 'AuthType Basic\n    AuthName "Old Site"\n    AuthUserFile htpasswd\n'

SITE = """DocumentRoot htdocs
<Directory htdocs/loopback>
    Order deny,allow
    Deny from all
    Allow from 127.0.0.1
</Directory>
<Directory htdocs/elsewhere>
    Order deny,allow
    Deny from all
    Allow from 192.0.2.0/24
</Directory>
<Directory htdocs/banned>
    Order allow,deny
    Allow from all
    Deny from 127.0.0.1
</Directory>
<Directory htdocs/any-loopback>
    %(auth)s    Require valid-user
    Order deny,allow
    Deny from all
    Allow from 127.0.0.1
    Satisfy Any
</Directory>
<Directory htdocs/any-elsewhere>
    %(auth)s    Require valid-user
    Order deny,allow
    Deny from all
    Allow from 192.0.2.1
    Satisfy Any
</Directory>
<Directory htdocs/all-loopback>
    %(auth)s    Require valid-user
    Order deny,allow
    Deny from all
    Allow from 127.0.0.1
    Satisfy All
</Directory>
<Directory htdocs/limit-post>
    %(auth)s    <Limit POST>
        Require valid-user
    </Limit>
</Directory>
<Directory htdocs/except-get>
    %(auth)s    <LimitExcept GET>
        Require valid-user
    </LimitExcept>
</Directory>
<Directory htdocs/hta>
    AllowOverride AuthConfig Limit
</Directory>
""" % {"auth": AUTH}

FOLDERS = ("loopback", "elsewhere", "banned", "any-loopback", "any-elsewhere", "all-loopback",
           "limit-post", "except-get", "hta")


@pytest.fixture
def site(serve, tmp_path):
    docs = tmp_path / "htdocs"
    for folder in FOLDERS:
        (docs / folder).mkdir(parents=True)
        (docs / folder / "index.html").write_text("page of %s\n" % folder)
    hashed = bcrypt.hashpw(b"eggs", bcrypt.gensalt(rounds=5)).decode()
    (tmp_path / "htpasswd").write_text("spam:%s\n" % hashed)
    (docs / "hta" / ".htaccess").write_text(
        'AuthType Basic\nAuthName "Old Site"\nAuthUserFile htpasswd\n'
        "<Limit POST PUT>\nrequire valid-user\n</Limit>\n"
        "<LimitExcept GET POST PUT>\norder deny,allow\ndeny from all\n</LimitExcept>\n")
    return serve(SITE)


def status(site, path, method="GET", headers=None):
    body = "x=1" if method in ("POST", "PUT") else None
    return get(site.port, path, headers, method=method, body=body).status


def test_allow_from_loopback(site):
    response = get(site.port, "/loopback/index.html")
    assert (response.status, response.body) == (200, b"page of loopback\n")


def test_allow_from_another_network_refuses_loopback(site):
    response = get(site.port, "/elsewhere/index.html")
    assert response.status == 403
    assert b"page of" not in response.body
    assert response.header("WWW-Authenticate") is None


def test_deny_from_loopback(site, tmp_path):
    assert status(site, "/banned/index.html") == 403
    assert status(site, "/banned/index.html", "HEAD") == 403
    site.stop()
    log = (tmp_path / "logs" / "error_log").read_text()
    assert "client denied by server configuration" in log and "banned" in log


def test_satisfy_any_loopback_needs_no_credentials(site):
    response = get(site.port, "/any-loopback/index.html")
    assert (response.status, response.body) == (200, b"page of any-loopback\n")


def test_satisfy_any_other_host_falls_back_to_require(site):
    response = get(site.port, "/any-elsewhere/index.html")
    assert response.status == 401
    assert response.header("WWW-Authenticate") == 'Basic realm="Old Site"'
    assert status(site, "/any-elsewhere/index.html", headers={"Authorization": GOOD}) == 200


def test_satisfy_all_needs_both(site):
    assert status(site, "/all-loopback/index.html") == 401
    assert status(site, "/all-loopback/index.html", headers={"Authorization": GOOD}) == 200


def test_limit_post(site):
    assert status(site, "/limit-post/index.html") == 200
    assert status(site, "/limit-post/index.html", "HEAD") == 200
    response = get(site.port, "/limit-post/index.html", method="POST", body="x=1")
    assert response.status == 401
    assert response.header("WWW-Authenticate") == 'Basic realm="Old Site"'
    assert status(site, "/limit-post/index.html", "POST", {"Authorization": GOOD}) == 405


def test_limit_except_get(site):
    assert status(site, "/except-get/index.html") == 200
    assert status(site, "/except-get/index.html", "HEAD") == 200
    for method in ("POST", "PUT", "DELETE", "OPTIONS"):
        assert status(site, "/except-get/index.html", method) == 401, method
        assert status(site, "/except-get/index.html", method, {"Authorization": GOOD}) == PAST_ACCESS[method]


def test_htaccess_limit_blocks(site):
    assert status(site, "/hta/index.html") == 200
    assert status(site, "/hta/index.html", "POST") == 401
    assert status(site, "/hta/index.html", "PUT", {"Authorization": GOOD}) == 405
    assert status(site, "/hta/index.html", "DELETE") == 403
    assert status(site, "/hta/index.html", "DELETE", {"Authorization": GOOD}) == 403
