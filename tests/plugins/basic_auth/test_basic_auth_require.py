"""Require as Apache 2.4 evaluates it: each provider, several lines, the blocks, `not`,
merging between sections, and the configuration errors Apache reports."""

from types import SimpleNamespace

import pytest

import plugins.basic_auth as ba
from kernel import DirConfig
from plugins.basic_auth import authz
from plugins.basic_auth.authz import DENIED, GRANTED, NEEDS_USER, NEUTRAL, AuthzConfig, merge_authz
from plugins.basic_auth.directives import policy

from support.basic_auth import AuthRequest, config_errors, site_from

DOC = "/srv/site/doc.html"


def section(body, directory="/srv/site"):
    return "<Directory %s>\nAuthType Basic\nAuthName realm\n%s\n</Directory>\n" % (directory, body)


def outcome(tmp_path, body, **request):
    req = AuthRequest(site_from(tmp_path, section(body)), DOC, **request)
    rules = policy(req.dir_config)
    return GRANTED if rules is None else rules.evaluate(req)


# -- each provider ---------------------------------------------------------------------------

def test_no_require_grants_without_authentication(tmp_path):
    req = AuthRequest(site_from(tmp_path, section("")), DOC)
    assert policy(req.dir_config) is None
    assert not ba.auth_required(req)
    assert ba.access_checker(req) is None
    assert ba.auth_checker(req) == ba.OK


@pytest.mark.parametrize("body, expected", [
    ("Require all granted", GRANTED),
    ("require ALL Granted", GRANTED),
    ("Require all denied", DENIED),
])
def test_require_all(tmp_path, body, expected):
    assert outcome(tmp_path, body) == expected


def test_all_granted_skips_authentication_and_all_denied_is_403(tmp_path):
    granted = AuthRequest(site_from(tmp_path, section("Require all granted")), DOC)
    assert not ba.auth_required(granted)
    assert ba.access_checker(granted) is None
    denied = AuthRequest(site_from(tmp_path, section("Require all denied")), DOC)
    assert ba.access_checker(denied) == 403
    assert "client denied by server configuration: %s" % DOC in denied.log_text
    assert not ba.auth_required(denied)


def test_valid_user(tmp_path):
    assert outcome(tmp_path, "require valid-user") == NEEDS_USER
    assert outcome(tmp_path, "require valid-user", user="anyone") == GRANTED


def test_valid_user_needs_authentication_and_passes_access(tmp_path):
    req = AuthRequest(site_from(tmp_path, section("Require valid-user")), DOC)
    assert ba.access_checker(req) is None
    assert ba.auth_required(req) is True


@pytest.mark.parametrize("user, expected", [(None, NEEDS_USER), ("spam", GRANTED),
                                            ("ham", GRANTED), ("eggs", DENIED), ("SPAM", DENIED)])
def test_user(tmp_path, user, expected):
    assert outcome(tmp_path, "Require user spam ham", user=user) == expected


def test_group_from_group_file(tmp_path):
    groups = tmp_path / "groups"
    groups.write_text("admins: root spam\nstaff: ham\n# comment\nstaff: eggs\n")
    body = "AuthGroupFile %s\nRequire group staff" % groups
    assert outcome(tmp_path, body) == NEEDS_USER
    assert outcome(tmp_path, body, user="ham") == GRANTED
    assert outcome(tmp_path, body, user="eggs") == GRANTED     # second line of the same group
    assert outcome(tmp_path, body, user="spam") == DENIED
    assert outcome(tmp_path, "AuthGroupFile %s\nRequire group admins staff" % groups, user="spam") == GRANTED


def test_group_without_group_file_is_denied_and_logged(tmp_path):
    req = AuthRequest(site_from(tmp_path, section("Require group staff")), DOC, user="ham")
    assert policy(req.dir_config).evaluate(req) == DENIED
    assert "no AuthGroupFile" in req.log_text


def test_unreadable_group_file_is_500(tmp_path):
    req = AuthRequest(site_from(tmp_path, section("AuthGroupFile %s\nRequire group staff"
                                                  % (tmp_path / "missing"))), DOC, user="ham")
    assert ba.auth_checker(req) == 500
    assert "could not open" in req.log_text


@pytest.mark.parametrize("spec, ip, expected", [
    ("10.1.2.3", "10.1.2.3", GRANTED),
    ("10.1.2.3", "10.1.2.4", DENIED),
    ("10.1", "10.1.200.7", GRANTED),              # leading octets
    ("10.1", "10.10.0.1", DENIED),
    ("10.1.", "10.1.3.4", GRANTED),
    ("192.168.0.0/16", "192.168.77.1", GRANTED),
    ("192.168.0.0/16", "192.169.0.1", DENIED),
    ("172.16.0.0/255.240.0.0", "172.31.255.255", GRANTED),
    ("172.16.0.0/255.240.0.0", "172.32.0.0", DENIED),
    ("2001:db8::/32", "2001:db8::5", GRANTED),
    ("2001:db8::/32", "2001:db9::5", DENIED),
    ("::1", "::1", GRANTED),
    ("127.0.0.1", "::ffff:127.0.0.1", GRANTED),    # IPv4-mapped IPv6 client
    ("127.0.0.1 10.0.0.0/8", "10.9.9.9", GRANTED),
    ("10.0.0.0/8", "2001:db8::1", DENIED),
])
def test_ip(tmp_path, spec, ip, expected):
    assert outcome(tmp_path, "Require ip %s" % spec, ip=ip) == expected


def test_remembered_addresses_and_answers_stay_per_client_and_bounded(tmp_path, monkeypatch):
    """Parsed client addresses (and each Require ip line's answer) are remembered by the
    address text: a client keeps its own answer whoever came before, the memories stay
    bounded, and text that is no address stays refused."""
    from plugins.basic_auth import addresses
    monkeypatch.setattr(addresses, "_addresses", {})
    monkeypatch.setattr(addresses, "ADDRESSES_MAX", 4)
    monkeypatch.setattr(authz, "ADDRESSES_MAX", 4)
    site = site_from(tmp_path, section("Require ip 10.0.0.0/8"))
    config = AuthRequest(site, DOC).dir_config
    check = config["Require"].rules[0].check
    for round_ in range(3):
        for n in range(12):
            ip = "10.0.0.%d" % n if n % 2 else "192.0.2.%d" % n
            req = AuthRequest(site, DOC, ip=ip)
            assert check(req) == (GRANTED if n % 2 else DENIED), (round_, ip)
            assert len(addresses._addresses) <= 4
        for text in ("not-an-address", "", "::ffff:10.1.2.3"):
            req = AuthRequest(site, DOC, ip=text)
            assert check(req) == (GRANTED if text.startswith("::ffff") else DENIED), text
    assert addresses.client_address(AuthRequest(site, DOC, ip="::ffff:10.1.2.3")).version == 4


def test_ip_denial_is_403_before_anyone_logs_in(tmp_path):
    req = AuthRequest(site_from(tmp_path, section("Require ip 10.0.0.0/8")), DOC, ip="192.0.2.1")
    assert ba.access_checker(req) == 403
    assert "WWW-Authenticate" not in req.err_headers_out


def test_host_never_matches_without_dns(tmp_path):
    assert outcome(tmp_path, "Require host localhost example.org") == DENIED


def test_env(tmp_path):
    site = site_from(tmp_path, section("Require env LETMEIN OTHER"))
    req = AuthRequest(site, DOC)
    assert policy(req.dir_config).evaluate(req) == DENIED
    req.subprocess_env["OTHER"] = "1"
    assert policy(req.dir_config).evaluate(req) == GRANTED


@pytest.mark.parametrize("method, expected", [("GET", GRANTED), ("HEAD", GRANTED),
                                              ("POST", GRANTED), ("PUT", DENIED)])
def test_method(tmp_path, method, expected):
    assert outcome(tmp_path, "Require method GET post", method=method) == expected


# -- several lines and blocks --------------------------------------------------------------

def test_several_require_lines_are_any(tmp_path):
    body = "Require ip 10.0.0.0/8\nRequire valid-user"
    assert outcome(tmp_path, body, ip="10.1.1.1") == GRANTED
    # from elsewhere a user might still be granted: ask for one rather than refuse
    assert outcome(tmp_path, body, ip="192.0.2.1") == NEEDS_USER
    assert outcome(tmp_path, body, ip="192.0.2.1", user="spam") == GRANTED


def test_require_all_block(tmp_path):
    body = "<RequireAll>\n Require ip 10.0.0.0/8\n Require valid-user\n</RequireAll>"
    assert outcome(tmp_path, body, ip="192.0.2.1") == DENIED     # refused whoever logs in
    assert outcome(tmp_path, body, ip="10.0.0.1") == NEEDS_USER
    assert outcome(tmp_path, body, ip="10.0.0.1", user="spam") == GRANTED


def test_require_any_block(tmp_path):
    body = "<RequireAny>\n Require user spam\n Require method OPTIONS\n</RequireAny>"
    assert outcome(tmp_path, body, method="OPTIONS") == GRANTED
    assert outcome(tmp_path, body) == NEEDS_USER
    assert outcome(tmp_path, body, user="ham") == DENIED


def test_not_inside_require_all(tmp_path):
    body = "<RequireAll>\n Require all granted\n Require not ip 192.0.2.0/24\n</RequireAll>"
    assert outcome(tmp_path, body, ip="192.0.2.9") == DENIED
    assert outcome(tmp_path, body, ip="198.51.100.1") == GRANTED
    body = "<RequireAll>\n Require valid-user\n Require not user bob\n</RequireAll>"
    assert outcome(tmp_path, body) == NEEDS_USER
    assert outcome(tmp_path, body, user="bob") == DENIED
    assert outcome(tmp_path, body, user="alice") == GRANTED


def test_require_none_inside_require_all(tmp_path):
    groups = tmp_path / "groups"
    groups.write_text("temps: tim\nadmins: root\n")
    body = """AuthGroupFile %s
<RequireAll>
    <RequireAny>
        Require user superadmin
        Require group admins
    </RequireAny>
    <RequireNone>
        Require group temps
        Require ip 192.0.2.0/24
    </RequireNone>
</RequireAll>""" % groups
    assert outcome(tmp_path, body) == NEEDS_USER
    assert outcome(tmp_path, body, user="root") == GRANTED
    assert outcome(tmp_path, body, user="superadmin") == GRANTED
    assert outcome(tmp_path, body, user="superadmin", ip="192.0.2.1") == DENIED
    assert outcome(tmp_path, body, user="tim") == DENIED
    assert outcome(tmp_path, body, user="nobody") == DENIED


def test_negation_never_grants_alone():
    get = SimpleNamespace(method="GET")
    never = authz.Block("none", [authz.make_rule(["all", "denied"])])
    assert never.evaluate(get) == NEUTRAL           # "not denied" is not "granted"
    assert authz.Block("none", [authz.make_rule(["all", "granted"])]).evaluate(get) == DENIED
    assert authz.all_of([never], get) == NEUTRAL


def test_neutral_outcome_is_refused(tmp_path):
    req = AuthRequest(site_from(tmp_path, section("Require all granted")), DOC)
    neutral = AuthzConfig((authz.Block("none", [authz.make_rule(["all", "denied"])]),))
    req.dir_config = DirConfig(dict(req.dir_config, Require=neutral), {})
    assert ba.access_checker(req) == 403


# -- configuration errors ------------------------------------------------------------------

@pytest.mark.parametrize("body, message", [
    ("Require", "Require takes at least 1 argument"),
    ("Require nosuch x", "Unknown Authz provider: nosuch"),
    ("Require all maybe", "Require all takes 'granted' or 'denied'"),
    ("Require valid-user spam", "takes no arguments"),
    ("Require user", "needs at least one argument"),
    ("Require not", "needs a provider"),
    ("Require ip 10.0.0.300", "not an address or network"),
    ("Require method FETCH", "unknown method FETCH"),
    ("Require not user bob", "negative Require directive has no effect in <RequireAny>"),
    ("<RequireNone>\nRequire user bob\n</RequireNone>", "negative <RequireNone> has no effect"),
    ("<RequireAny>\nRequire not user bob\n</RequireAny>", "negative Require directive has no effect in <RequireAny>"),
    ("<RequireNone>\nRequire not user bob\n</RequireNone>", "has no effect in <RequireNone>"),
    ("<RequireAll>\n<RequireAny>\n<RequireNone>\nRequire user x\n</RequireNone>\n</RequireAny>\n</RequireAll>",
     "negative <RequireNone> has no effect in <RequireAny>"),
    ("<RequireAll>\nRequire not user bob\n</RequireAll>", "only negative authorization directives"),
    ("<RequireAll>\n</RequireAll>", "<RequireAll> contains no authorization directives"),
    ("<RequireAll>\nAuthName x\n</RequireAll>", "AuthName is not allowed inside <RequireAll>"),
    ("<RequireAll x>\nRequire all granted\n</RequireAll>", "RequireAll takes 0 arguments"),
    ("<RequireAll>\n<RequireAny a>\nRequire all granted\n</RequireAny>\n</RequireAll>",
     "<RequireAny> takes no arguments"),
    ("AuthMerging Sometimes", "AuthMerging takes Off, And or Or"),
    ("AuthBasicProvider ldap", "Unknown Authn provider: ldap"),
    ("AuthBasicCharset KOI8-R", "AuthBasicCharset takes UTF-8 or ISO-8859-1"),
    ("AuthBasicAuthoritative maybe", "takes On or Off"),
])
def test_configuration_errors(tmp_path, body, message):
    errors = config_errors(tmp_path, section(body))
    assert len(errors) == 1 and message in errors[0], errors


def test_error_inside_a_block_names_the_inner_line(tmp_path):
    (error,) = config_errors(tmp_path, section("<RequireAll>\nRequire all granted\nRequire bogus\n</RequireAll>"))
    assert error.startswith("%s:6: " % (tmp_path / "site.conf")), error


def test_auth_directives_are_not_allowed_at_server_level(tmp_path):
    for line in ("Require all granted", "AuthType Basic", "AuthUserFile /x"):
        (error,) = config_errors(tmp_path, line + "\n")
        assert "not allowed in server config" in error


# -- merging between sections --------------------------------------------------------------

def two_sections(inner):
    return (section("Require user spam", "/srv/site")
            + "<Directory /srv/site/inner>\n%s\n</Directory>\n" % inner)


def test_inner_require_replaces_outer(tmp_path):
    site = site_from(tmp_path, two_sections("Require user ham"))
    req = AuthRequest(site, "/srv/site/inner/doc.html", user="spam")
    assert policy(req.dir_config).evaluate(req) == DENIED
    assert ba.requires(req) == ("user ham",)


def test_inner_section_without_require_inherits(tmp_path):
    site = site_from(tmp_path, two_sections("AuthName other"))
    req = AuthRequest(site, "/srv/site/inner/doc.html", user="spam")
    assert policy(req.dir_config).evaluate(req) == GRANTED
    assert ba.requires(req) == ("user spam",)
    assert ba.auth_name(req) == "other"


def test_inner_all_granted_opens_a_public_subdirectory(tmp_path):
    site = site_from(tmp_path, two_sections("Require all granted"))
    assert not ba.auth_required(AuthRequest(site, "/srv/site/inner/doc.html"))
    assert ba.auth_required(AuthRequest(site, "/srv/site/doc.html"))


def test_merge_rules():
    spam, ham = (AuthzConfig((authz.make_rule(["user", name]),)) for name in ("spam", "ham"))
    def user(name):
        return SimpleNamespace(user=name, method="GET", dir_config={"AuthBasicCharset": "latin-1"})
    assert merge_authz(spam, AuthzConfig()).texts() == ("user spam",)
    assert merge_authz(spam, ham).texts() == ("user ham",)
    both = merge_authz(spam, AuthzConfig(ham.rules, merging="all"))
    either = merge_authz(spam, AuthzConfig(ham.rules, merging="any"))
    assert both.texts() == either.texts() == ("user spam", "user ham")
    assert both.evaluate(user("spam")) == DENIED
    assert either.evaluate(user("spam")) == GRANTED
    # the merging of a section applies to it only, not to the sections inside it
    assert merge_authz(both, ham).texts() == ("user ham",)
    assert merge_authz(AuthzConfig(), AuthzConfig(ham.rules, merging="all")).texts() == ("user ham",)


def test_block_in_inner_section_replaces_outer_require(tmp_path):
    site = site_from(tmp_path, section("Require all granted") + """
<Directory /srv/site/admin>
    <RequireAll>
        Require valid-user
        Require not user guest
    </RequireAll>
</Directory>""")
    assert ba.auth_required(AuthRequest(site, "/srv/site/admin/x"))
    guest = AuthRequest(site, "/srv/site/admin/x", user="guest")
    assert ba.auth_checker(guest) == 401
    assert ba.auth_checker(AuthRequest(site, "/srv/site/admin/x", user="spam")) == ba.OK


def test_auth_merging_and_or_combine_with_the_outer_section(tmp_path):
    outer = section("Require user spam ham")
    both = site_from(tmp_path, outer + "<Directory /srv/site/a>\nAuthMerging And\nRequire user ham eggs\n</Directory>\n")
    assert ba.auth_checker(AuthRequest(both, "/srv/site/a/x", user="ham")) == ba.OK
    assert ba.auth_checker(AuthRequest(both, "/srv/site/a/x", user="spam")) == 401
    assert ba.auth_checker(AuthRequest(both, "/srv/site/a/x", user="eggs")) == 401
    either = site_from(tmp_path, outer + "<Directory /srv/site/a>\nAuthMerging Or\nRequire user eggs\n</Directory>\n")
    assert ba.auth_checker(AuthRequest(either, "/srv/site/a/x", user="spam")) == ba.OK
    assert ba.auth_checker(AuthRequest(either, "/srv/site/a/x", user="eggs")) == ba.OK
    assert ba.auth_checker(AuthRequest(either, "/srv/site/a/x", user="other")) == 401


def test_defined_variables_reach_require_blocks(tmp_path):
    site = site_from(tmp_path, "Define ADMIN spam\n" + section("<RequireAll>\nRequire user ${ADMIN}\n</RequireAll>"))
    assert ba.auth_checker(AuthRequest(site, DOC, user="spam")) == ba.OK
    assert ba.auth_checker(AuthRequest(site, DOC, user="ham")) == 401


# -- the request API -----------------------------------------------------------------------

def test_requires_auth_name_auth_type(tmp_path):
    site = site_from(tmp_path, section("Require valid-user\nRequire user spam ham\n"
                                       "<RequireAll>\nRequire all granted\nRequire not ip 10.0.0.1\n</RequireAll>"))
    req = AuthRequest(site, DOC)
    assert ba.requires(req) == ("valid-user", "user spam ham", "all granted", "not ip 10.0.0.1")
    assert ba.auth_name(req) == "realm"
    assert ba.auth_type(req) == "Basic"
    assert ba.requires(AuthRequest(site, "/elsewhere/x")) == ()
    assert ba.auth_name(AuthRequest(site, "/elsewhere/x")) is None


def test_auth_type_none_switches_authentication_off(tmp_path):
    site = site_from(tmp_path, section("Require valid-user") + "<Directory /srv/site/open>\nAuthType None\n</Directory>\n")
    req = AuthRequest(site, "/srv/site/open/x")
    assert ba.auth_type(req) is None
    assert ba.check_user_id(req) is None       # not Basic: someone else's scheme, or 500
