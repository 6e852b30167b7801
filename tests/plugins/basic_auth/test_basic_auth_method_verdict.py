"""A merged configuration whose access control depends on the method only (no Order/Allow/
Deny, no Require or only ``Require all ...``) is decided once per method and remembered in
that configuration; anything else is decided per request."""

import plugins.basic_auth as ba

from support.basic_auth import (NEEDS_USER, AuthRequest, decide, directory_section as section,
                                site_from)

DOC = "/srv/site/doc.html"


def test_constant_rules_remembered_per_method(tmp_path):
    site = site_from(tmp_path, section("<LimitExcept POST>\nRequire all denied\n</LimitExcept>"))
    for _ in range(2):      # the second round answers from the memo
        answers = {m: decide(AuthRequest(site, DOC, method=m)) for m in ("GET", "HEAD", "POST")}
        assert answers == {"GET": 403, "HEAD": 403, "POST": None}
    config = AuthRequest(site, DOC).dir_config
    assert config.memo[("basic_auth", "GET")] == "denied"
    assert config.memo[("basic_auth", "POST")] == "granted"


def test_made_up_methods_are_not_remembered(tmp_path):
    site = site_from(tmp_path, section("Require all denied"))
    req = AuthRequest(site, DOC, method="BREW1")
    assert decide(req) == 403
    assert ("basic_auth", "BREW1") not in req.dir_config.memo


def test_rules_that_read_the_request_are_decided_each_time(tmp_path):
    site = site_from(tmp_path, section("Require ip 10.0.0.0/8"))
    inside = AuthRequest(site, DOC, ip="10.1.2.3")
    outside = AuthRequest(site, DOC, ip="192.0.2.1")
    assert [decide(inside), decide(outside), decide(inside)] == [None, 403, None]
    assert inside.dir_config.memo.get(("basic_auth", "GET")) == "varies"


def test_host_access_is_decided_each_time(tmp_path):
    site = site_from(tmp_path, section("Order deny,allow\nDeny from all\nAllow from 10.0.0.0/8\n"
                                       "Require all granted"))
    inside = AuthRequest(site, DOC, ip="10.1.2.3")
    outside = AuthRequest(site, DOC, ip="192.0.2.1")
    assert [decide(inside), decide(outside), decide(inside)] == [None, 403, None]


def test_needs_user_still_asked(tmp_path):
    site = site_from(tmp_path, section("AuthType Basic\nAuthName r\nRequire valid-user"))
    assert decide(AuthRequest(site, DOC)) == NEEDS_USER
    assert decide(AuthRequest(site, DOC)) == NEEDS_USER
    assert ba.auth_required(AuthRequest(site, DOC)) is True
