"""<Limit> and <LimitExcept>: the access-control lines inside apply to some methods only
(GET implies HEAD); Require's "limited to other methods" rules; configuration errors."""

from types import SimpleNamespace

import pytest

import plugins.basic_auth as ba
from kernel import ConfigError
from plugins.basic_auth import authz
from plugins.basic_auth.authz import DENIED, GRANTED, NEUTRAL, AuthzConfig
from plugins.basic_auth.method_masks import limited_to

from support.basic_auth import (NEEDS_USER, AuthRequest, config_errors, decide,
                                directory_section as section, site_from)

DOC = "/srv/site/doc.html"
BASIC = "AuthType Basic\nAuthName realm\n"


def by_method(tmp_path, body, methods=("GET", "HEAD", "POST", "PUT", "DELETE"), **request):
    site = site_from(tmp_path, section(body))
    return {m: decide(AuthRequest(site, DOC, method=m, **request)) for m in methods}


def test_methods_mask():
    limit = limited_to(["GET", "POST"], excluded=False)
    assert [limit.applies(m) for m in ("GET", "HEAD", "POST", "PUT", "get")] == [True, True, True, False, False]
    head = limited_to(["HEAD"], excluded=False)      # Apache numbers HEAD as GET
    assert head.applies("GET") and head.applies("HEAD") and not head.applies("POST")
    except_get = limited_to(["GET"], excluded=True)
    assert [except_get.applies(m) for m in ("GET", "HEAD", "POST", "BREW")] == [False, False, True, True]


def test_limit_post_require(tmp_path):
    body = BASIC + "<Limit POST>\nRequire valid-user\n</Limit>"
    assert by_method(tmp_path, body) == {"GET": None, "HEAD": None, "POST": NEEDS_USER,
                                         "PUT": None, "DELETE": None}


def test_limit_except_get_require(tmp_path):
    body = BASIC + "<LimitExcept GET>\nRequire valid-user\n</LimitExcept>"
    assert by_method(tmp_path, body) == {"GET": None, "HEAD": None, "POST": NEEDS_USER,
                                         "PUT": NEEDS_USER, "DELETE": NEEDS_USER}


def test_limit_get_covers_head(tmp_path):
    body = "<Limit GET>\nRequire all denied\n</Limit>"
    assert by_method(tmp_path, body, ("GET", "HEAD", "POST")) == {"GET": 403, "HEAD": 403, "POST": None}


def test_methods_are_case_sensitive_as_in_apache(tmp_path):
    body = "<Limit get>\nRequire all denied\n</Limit>"
    assert by_method(tmp_path, body, ("GET",)) == {"GET": None}


def test_require_outside_and_inside_limit(tmp_path):
    # Outside: every method. Inside: the limited one joins the implicit <RequireAny>.
    body = BASIC + "Require ip 10.0.0.0/8\n<Limit POST>\nRequire valid-user\n</Limit>"
    assert by_method(tmp_path, body, ("GET", "POST"), ip="10.0.0.1") == {"GET": None, "POST": None}
    assert by_method(tmp_path, body, ("GET", "POST"), ip="192.0.2.1") == {"GET": 403, "POST": NEEDS_USER}


def test_line_limited_to_other_methods_counts_granted_in_all_neutral_in_any():
    post_only = authz.make_rule(["all", "denied"], limited_to(["POST"], excluded=False))
    get, post = SimpleNamespace(method="GET"), SimpleNamespace(method="POST")
    assert authz.all_of([post_only], get) == GRANTED
    assert authz.any_of([post_only], get) == NEUTRAL
    assert authz.all_of([post_only], post) == authz.any_of([post_only], post) == DENIED
    section_value = AuthzConfig((post_only,))
    assert section_value.evaluate(get) == GRANTED      # every line limited to other methods
    assert section_value.evaluate(post) == DENIED


def test_limit_around_require_all(tmp_path):
    body = "Require ip 10.0.0.0/8\n<Limit POST>\n<RequireAll>\n" \
           "Require all granted\nRequire not ip 10.0.0.1\n</RequireAll>\n</Limit>"
    assert by_method(tmp_path, body, ("GET", "POST"), ip="10.0.0.1") == {"GET": None, "POST": None}
    assert by_method(tmp_path, body, ("GET", "POST"), ip="10.0.0.2") == {"GET": None, "POST": None}
    assert by_method(tmp_path, body, ("GET", "POST"), ip="192.0.2.1") == {"GET": 403, "POST": None}


def test_limit_and_limit_except_together(tmp_path):
    body = BASIC + ("<Limit GET>\nRequire all granted\n</Limit>\n"
                    "<LimitExcept GET>\nRequire valid-user\n</LimitExcept>")
    assert by_method(tmp_path, body, ("GET", "HEAD", "POST")) == {"GET": None, "HEAD": None, "POST": NEEDS_USER}


def test_require_blocks_inside_limit(tmp_path):
    body = BASIC + "<Limit PUT DELETE>\n<RequireAll>\nRequire valid-user\nRequire not user guest\n</RequireAll>\n</Limit>"
    site = site_from(tmp_path, section(body))
    assert decide(AuthRequest(site, DOC, method="GET")) is None
    assert decide(AuthRequest(site, DOC, method="PUT")) == NEEDS_USER
    assert ba.auth_checker(AuthRequest(site, DOC, method="DELETE", user="guest")) == 401
    assert ba.auth_checker(AuthRequest(site, DOC, method="DELETE", user="spam")) == ba.OK


def test_host_lines_inside_limit(tmp_path):
    body = "Order allow,deny\n<Limit GET>\nAllow from all\n</Limit>\n<Limit POST PUT>\n" \
           "Allow from 127.0.0.1\n</Limit>"
    assert by_method(tmp_path, body, ("GET", "POST", "PUT"), ip="10.0.0.1") == {"GET": None, "POST": 403, "PUT": 403}
    assert by_method(tmp_path, body, ("GET", "POST", "PUT"), ip="127.0.0.1") == {"GET": None, "POST": None, "PUT": None}


def test_host_lines_outside_limit_apply_to_every_method(tmp_path):
    # The outer Allow from all also counts for POST, where the Order is deny,allow: Allow wins.
    body = "Order allow,deny\nAllow from all\n<Limit POST>\nOrder deny,allow\nDeny from all\n</Limit>"
    assert by_method(tmp_path, body, ("GET", "POST"), ip="10.0.0.1") == {"GET": None, "POST": None}
    body = "Order allow,deny\nAllow from all\n<Limit POST>\nDeny from all\n</Limit>"
    assert by_method(tmp_path, body, ("GET", "POST"), ip="10.0.0.1") == {"GET": None, "POST": 403}


def test_limit_except_host_lines(tmp_path):
    body = "<LimitExcept GET POST>\nOrder deny,allow\nDeny from all\n</LimitExcept>"
    assert by_method(tmp_path, body) == {"GET": None, "HEAD": None, "POST": None, "PUT": 403, "DELETE": 403}


def test_order_inside_limit_applies_to_its_methods_only(tmp_path):
    # allow,deny with no Allow refuses, but only for POST; GET keeps the default deny,allow.
    body = "<Limit POST>\nOrder allow,deny\n</Limit>"
    assert by_method(tmp_path, body, ("GET", "POST")) == {"GET": None, "POST": 403}


def test_satisfy_inside_limit(tmp_path):
    body = BASIC + "Require valid-user\nOrder deny,allow\nDeny from all\nAllow from 127.0.0.1\n" \
                   "<Limit GET>\nSatisfy Any\n</Limit>"
    assert by_method(tmp_path, body, ("GET", "POST"), ip="127.0.0.1") == {"GET": None, "POST": NEEDS_USER}
    assert by_method(tmp_path, body, ("GET", "POST"), ip="10.0.0.1") == {"GET": NEEDS_USER, "POST": 403}


def test_classic_htaccess_limit(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / ".htaccess").write_text(BASIC + "<Limit GET POST>\nrequire valid-user\n</Limit>\n")
    site = site_from(tmp_path, section("AllowOverride AuthConfig Limit", folder))
    doc = str(folder / "x.html")
    assert decide(AuthRequest(site, doc, method="POST")) == NEEDS_USER
    assert decide(AuthRequest(site, doc, method="HEAD")) == NEEDS_USER
    assert decide(AuthRequest(site, doc, method="PUT")) is None


def test_requires_lists_the_lines_of_the_method(tmp_path):
    site = site_from(tmp_path, section(BASIC + "Require user spam\n<Limit POST>\nRequire valid-user\n</Limit>"))
    assert ba.requires(AuthRequest(site, DOC, method="GET")) == ("user spam",)
    assert ba.requires(AuthRequest(site, DOC, method="POST")) == ("user spam", "valid-user")


def test_inner_limited_require_replaces_outer_require(tmp_path):
    # As in Apache (AuthMerging Off): the inner section's rules, all for POST, replace the
    # outer ones, so GET is no longer restricted there.
    site = site_from(tmp_path, section(BASIC + "Require valid-user")
                     + section("<Limit POST>\nRequire user spam\n</Limit>", "/srv/site/inner"))
    assert decide(AuthRequest(site, "/srv/site/inner/x", method="GET")) is None
    assert decide(AuthRequest(site, "/srv/site/inner/x", method="POST")) == NEEDS_USER
    assert decide(AuthRequest(site, DOC, method="GET")) == NEEDS_USER


# -- configuration errors ----------------------------------------------------------------------

@pytest.mark.parametrize("body, line, message", [
    ("<Limit GET>\nAuthType Basic\n</Limit>", 3, "AuthType is not allowed inside <Limit>"),
    ("<LimitExcept GET>\nDirectoryIndex x\n</LimitExcept>", 3, "DirectoryIndex is not allowed inside <LimitExcept>"),
    ("<Limit GET>\nAuthMerging And\n</Limit>", 3, "AuthMerging is not allowed inside <Limit>"),
    ("<Limit GET>\n<Limit POST>\n</Limit>\n</Limit>", 3, "<Limit> is not allowed inside <Limit>"),
    ("<Limit GET>\n<Order x>\n</Order>\n</Limit>", 3, "<Order> is not allowed inside <Limit>"),
    ("<Limit GET>\n\nRequire\n</Limit>", 4, "Require: wrong number of arguments"),
    ("<Limit GET>\nOrder deny, allow\n</Limit>", 3, "Order: wrong number of arguments"),
    ("<Limit GET>\nAllow 10.0.0.1\n</Limit>", 3, "Allow: wrong number of arguments"),
    ("<Limit GET>\nAllow from 10.0.0.300\n</Limit>", 3, "an IP address was expected"),
    ("<Limit GET>\nRequire bogus\n</Limit>", 3, "Unknown Authz provider: bogus"),
    ("<Limit GET>\nRequire not user x\n</Limit>", 3, "negative Require directive has no effect"),
    ("<Limit GET>\n<RequireAll>\n</RequireAll>\n</Limit>", 3, "<RequireAll> contains no authorization"),
    ("<Limit GET>\n<RequireAny>\nRequire all granted\n<RequireAll>\n</RequireAll>\n</RequireAny>\n</Limit>",
     5, "<RequireAll> contains no authorization"),
    ("<Limit GET>\nSatisfy some\n</Limit>", 3, "Satisfy takes Any or All"),
    ("<Limit TRACE>\nRequire all denied\n</Limit>", 2, "TRACE cannot be controlled by <Limit>"),
    ("<Limit>\n</Limit>", 2, "Limit takes at least 1 argument"),
])
def test_config_errors(tmp_path, body, line, message):
    errors = config_errors(tmp_path, section(body))
    assert len(errors) == 1, errors
    assert ":%d: " % line in errors[0] and message in errors[0], errors


def test_limit_except_trace_is_allowed(tmp_path):
    assert config_errors(tmp_path, section("<LimitExcept TRACE GET>\nRequire all denied\n</LimitExcept>")) == []


def test_limit_not_at_server_level(tmp_path):
    errors = config_errors(tmp_path, "<Limit GET>\nRequire all denied\n</Limit>\n")
    assert len(errors) == 1 and "not allowed in server config" in errors[0]


def test_htaccess_limit_needs_standard_method_names(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / ".htaccess").write_text("<Limit get>\nRequire all denied\n</Limit>\n")
    site = site_from(tmp_path, section("AllowOverride All", folder))
    with pytest.raises(ConfigError, match="unknown method 'get'"):
        AuthRequest(site, str(folder / "x.html"))
