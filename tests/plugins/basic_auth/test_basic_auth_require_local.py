"""``Require local`` as Apache 2.4's mod_authz_host: loopback clients and the server's own
address; no arguments."""

from types import SimpleNamespace

import pytest

from plugins.basic_auth.authz import DENIED, GRANTED

from support.basic_auth import AuthRequest, config_errors, site_from

DOC = "/srv/site/doc.html"


def section(body):
    return "<Directory /srv/site>\n%s\n</Directory>\n" % body


@pytest.mark.parametrize("ip, expected", [
    ("127.0.0.1", GRANTED), ("127.8.9.10", GRANTED), ("::1", GRANTED),
    ("::ffff:127.0.0.1", GRANTED), ("10.0.0.1", DENIED), ("2001:db8::1", DENIED),
    ("unix-socket", DENIED),
])
def test_require_local(tmp_path, ip, expected):
    from plugins.basic_auth.directives import policy
    req = AuthRequest(site_from(tmp_path, section("Require local")), DOC, ip=ip)
    assert policy(req.dir_config).evaluate(req) == expected


def test_the_servers_own_address_is_local(tmp_path):
    from plugins.basic_auth.directives import policy
    req = AuthRequest(site_from(tmp_path, section("Require local")), DOC, ip="192.0.2.10")
    req.connection = SimpleNamespace(remote_ip="192.0.2.10", remote_addr=("192.0.2.10", 0),
                                     local_ip="192.0.2.10")
    assert policy(req.dir_config).evaluate(req) == GRANTED
    req.connection.local_ip = "192.0.2.11"
    assert policy(req.dir_config).evaluate(req) == DENIED


def test_require_local_takes_no_arguments(tmp_path):
    errors = config_errors(tmp_path, section("Require local 10.0.0.1"))
    assert any("Require local takes no arguments" in str(e) for e in errors), errors
