"""What basic_auth does for a merged configuration is worked out once per method and kept in
that configuration's memo (the plan): a configuration whose access control depends on the
method only (no Order/Allow/Deny, no Require or only ``Require all ...``) folds to a constant
outcome; anything else keeps a function that still reads each request."""

import os

import plugins.basic_auth as ba
from plugins.basic_auth.plan import plan_of

from support.basic_auth import (NEEDS_USER, AuthRequest, decide, directory_section as section,
                                site_from)

DOC = "/srv/site/doc.html"


def test_constant_rules_remembered_per_method(tmp_path):
    site = site_from(tmp_path, section("<LimitExcept POST>\nRequire all denied\n</LimitExcept>"))
    for _ in range(2):      # the second round answers from the memo
        answers = {m: decide(AuthRequest(site, DOC, method=m)) for m in ("GET", "HEAD", "POST")}
        assert answers == {"GET": 403, "HEAD": 403, "POST": None}
    get, post = AuthRequest(site, DOC), AuthRequest(site, DOC, method="POST")
    assert plan_of(get).outcome == "denied" and plan_of(post).outcome == "granted"
    assert plan_of(get) is plan_of(AuthRequest(site, DOC))       # remembered, not rebuilt
    assert plan_of(get) is get.dir_config.memo["basic_auth.plan GET"]


def test_made_up_methods_are_not_remembered(tmp_path):
    """A client's made-up method names never become memo keys: those no <Limit> names share
    one plan; one a <Limit> names is planned per request."""
    site = site_from(tmp_path, section("Require all denied\n<Limit BREW2>\nRequire all granted\n"
                                       "</Limit>"))
    for _ in range(2):
        brew1, brew3 = AuthRequest(site, DOC, method="BREW1"), AuthRequest(site, DOC, method="BREW3")
        assert decide(brew1) == decide(brew3) == 403
        assert plan_of(brew1) is plan_of(brew3)
        brew2 = AuthRequest(site, DOC, method="BREW2")
        assert decide(brew2) is None    # any of "all denied" and, for BREW2, "all granted"
        assert plan_of(brew2) is not plan_of(brew2)
    assert not any("BREW" in str(key) for key in brew1.dir_config.memo)


def test_rules_that_read_the_request_are_decided_each_time(tmp_path):
    site = site_from(tmp_path, section("Require ip 10.0.0.0/8"))
    inside = AuthRequest(site, DOC, ip="10.1.2.3")
    outside = AuthRequest(site, DOC, ip="192.0.2.1")
    assert [decide(inside), decide(outside), decide(inside)] == [None, 403, None]
    assert callable(plan_of(inside).outcome)


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


def test_edited_htaccess_gets_a_new_plan(tmp_path):
    """The plan lives in the merged configuration: an .htaccess edit makes a new one."""
    folder = tmp_path / "docs"
    folder.mkdir()
    access = folder / ".htaccess"
    access.write_text("Require all granted\n")
    site = site_from(tmp_path, section("AllowOverride AuthConfig", folder))
    doc = str(folder / "x.html")
    assert decide(AuthRequest(site, doc)) is None
    before = plan_of(AuthRequest(site, doc))
    access.write_text("Require all denied\n")
    stat = access.stat()
    os.utime(access, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))    # a later mtime
    assert decide(AuthRequest(site, doc)) == 403
    assert plan_of(AuthRequest(site, doc)) is not before


def test_basic_settings_in_the_plan(tmp_path):
    site = site_from(tmp_path, section("AuthType basic\nAuthName realm\nAuthBasicCharset UTF-8\n"
                                       "Require valid-user"))
    plan = plan_of(AuthRequest(site, DOC))
    assert (plan.basic, plan.realm, plan.codec) == (True, "realm", "utf-8")
    (tmp_path / "b").mkdir()
    plain = plan_of(AuthRequest(site_from(tmp_path / "b", section("Require all granted")), DOC))
    assert (plain.basic, plain.realm, plain.codec) == (False, None, "latin-1")
