"""The phases basic_auth says it acts in for a merged configuration (the kernel's phase plan
skips the others): a phase left out answers, for every method and client, what calling it
would have answered, with nothing logged."""

import itertools

import plugins.basic_auth as ba
from plugins.basic_auth.plan import acting_phases

from support.basic_auth import (CLIENTS, CONFIGS, DOC, AuthRequest, basic,
                                directory_section as section, site_from)

BASIC = "AuthType Basic\nAuthName realm\n"
METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "BREW", "get")   # "get" is not GET


def test_left_out_phases_would_have_done_nothing(tmp_path):
    bodies = CONFIGS + [BASIC + "Require all granted", BASIC + "Require valid-user",
                        "AuthType Basic\nRequire all granted", "AuthName realm"]
    skipped = set()
    for i, body in enumerate(bodies):
        folder = tmp_path / str(i)
        folder.mkdir()
        site = site_from(folder, section(body))
        config = AuthRequest(site, DOC).dir_config
        phases = acting_phases(config)
        assert {"check_user_id", "auth_checker"} <= phases
        for method, client in itertools.product(METHODS, CLIENTS):
            req = AuthRequest(site, DOC, method=method, ip=client["ip"], user=client["user"],
                              headers={"Authorization": basic("spam", "eggs")})
            for name in client["env"]:
                req.subprocess_env[name] = "1"
            if "access_checker" not in phases:
                skipped.add((body, "access_checker"))
                assert ba.access_checker(req) is None and req.logged == [], (body, method)
                assert req.user == client["user"]
            if "auth_required" not in phases:
                skipped.add((body, "auth_required"))
                assert ba.auth_required(req) is False, (body, method, client)
    # the common cases are planned away
    assert ("Require all granted", "access_checker") in skipped
    assert ("Require all granted", "auth_required") in skipped
    assert ("Require all denied", "auth_required") in skipped
    assert (BASIC + "Require all granted", "auth_required") in skipped


def test_phases_of_common_configurations(tmp_path):
    def phases(body):
        folder = tmp_path / str(abs(hash(body)))
        folder.mkdir()
        return acting_phases(AuthRequest(site_from(folder, section(body)), DOC).dir_config)
    always = {"check_user_id", "auth_checker"}
    assert phases("Require all granted") == always
    assert phases("Require all denied") == always | {"access_checker"}
    assert phases("<Limit POST>\nRequire all denied\n</Limit>") == always | {"access_checker"}
    assert phases("Require valid-user") == always | {"access_checker", "auth_required"}
    assert phases("<Limit POST>\nRequire valid-user\n</Limit>") == \
        always | {"access_checker", "auth_required"}
    assert phases("Order deny,allow\nAllow from all") == always | {"access_checker",
                                                                   "auth_required"}
    # a Basic resource with a realm: get_basic_auth_pw may have set req.user to forget
    assert phases(BASIC + "Require all granted") == always | {"access_checker"}


def test_a_user_read_early_is_still_forgotten_where_access_checker_is_left_out(tmp_path):
    """Without AuthType Basic and AuthName, get_basic_auth_pw reads nothing, so there is no
    early user for the left-out access_checker to forget."""
    site = site_from(tmp_path, section("Require all granted"))
    req = AuthRequest(site, DOC, headers={"Authorization": basic("spam", "eggs")})
    assert "access_checker" not in acting_phases(req.dir_config)
    assert ba.get_basic_auth_pw(req) is None and req.user is None
