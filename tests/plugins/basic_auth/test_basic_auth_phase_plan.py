"""The phases basic_auth says it acts in for a merged configuration (the kernel's phase plan
skips the others): a phase left out answers, for every method and client, what calling it
would have answered, with nothing logged."""

import base64
import hashlib
import itertools

import plugins.basic_auth as ba
from kernel.testing import Client, build_site
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


def test_the_kernels_plan_calls_basic_auth_only_where_it_acts(tmp_path):
    """Through the real connection code: under ``Require all granted`` basic_auth's access
    hooks are not in the request's phase plan; the protected directory still answers 401,
    then 200 with the credentials, and a denied one 403."""
    docs = tmp_path / "docs"
    for name in ("open", "closed", "guarded"):
        (docs / name).mkdir(parents=True)
        (docs / name / "a.txt").write_text(name)
    sha = base64.b64encode(hashlib.sha1(b"eggs").digest()).decode()
    (tmp_path / "htpasswd").write_text("spam:{SHA}%s\n" % sha)
    site = build_site(tmp_path, f"""DocumentRoot "{docs}"
<Directory "{docs}">
    Require all granted
</Directory>
<Directory "{docs}/closed">
    Require all denied
</Directory>
<Directory "{docs}/guarded">
    AuthType Basic
    AuthName "Restricted Area"
    AuthUserFile "{tmp_path}/htpasswd"
    Require valid-user
</Directory>
""")

    def acting(directory):
        config = site.merger.directory_config(site.main_server, str(docs / directory / "a.txt"),
                                              "/%s/a.txt" % directory)
        plan = site.pipeline.make_plan(config)
        return {phase for phase in ("access_checker", "auth_required", "check_user_id",
                                    "auth_checker")
                if "basic_auth" in [name for name, _ in plan[phase]]}
    assert acting("open") == {"check_user_id", "auth_checker"}
    assert acting("closed") == {"access_checker", "check_user_id", "auth_checker"}
    assert acting("guarded") == {"access_checker", "auth_required", "check_user_id",
                                 "auth_checker"}

    def get(path, *headers):
        head = "".join("%s: %s\r\n" % h for h in headers)
        return Client(site).request(("GET %s HTTP/1.1\r\nHost: x\r\n%s\r\n" % (path, head)).encode())
    assert (get("/open/a.txt").status, get("/open/a.txt").body) == (200, b"open")
    assert get("/closed/a.txt").status == 403
    refused = get("/guarded/a.txt")
    assert refused.status == 401
    assert refused.header("WWW-Authenticate") == 'Basic realm="Restricted Area"'
    assert get("/guarded/a.txt", ("Authorization", basic("spam", "eggs"))).body == b"guarded"
    assert get("/guarded/a.txt", ("Authorization", basic("spam", "ham"))).status == 401
