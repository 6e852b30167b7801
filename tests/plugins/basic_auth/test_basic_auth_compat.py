"""Apache 2.2's Order/Allow/Deny/Satisfy (mod_access_compat) as Apache 2.4 runs them: each
Order, each form of Allow/Deny, Satisfy with Require, merging between sections, .htaccess,
and the configuration errors."""

import pytest

import plugins.basic_auth as ba
from kernel import ConfigError

from support.basic_auth import (NEEDS_USER, AuthRequest, config_errors, decide,
                                directory_section as section, site_from)

DOC = "/srv/site/doc.html"


def verdict(tmp_path, body, **request):
    return decide(AuthRequest(site_from(tmp_path, section(body)), DOC, **request))


# -- Order, Allow, Deny ------------------------------------------------------------------------

def test_no_access_lines_let_everyone_in(tmp_path):
    assert verdict(tmp_path, "AuthName realm", ip="192.0.2.1") is None


@pytest.mark.parametrize("body, ip, expected", [
    ("Deny from all", "127.0.0.1", 403),
    ("Order deny,allow\nDeny from all", "127.0.0.1", 403),
    ("Order deny,allow\nDeny from all\nAllow from 127.0.0.1", "127.0.0.1", None),
    ("Order deny,allow\nDeny from all\nAllow from 127.0.0.1", "10.0.0.1", 403),
    ("Order Deny,Allow\nDeny from 10.0.0.1", "10.0.0.1", 403),
    ("Order Deny,Allow\nDeny from 10.0.0.1", "10.0.0.2", None),       # default: in
    ("Order deny,allow\nDeny from all\nAllow from all", "10.0.0.1", None),   # Allow comes last
    ("Order allow,deny", "127.0.0.1", 403),                             # default: out
    ("Order allow,deny\nAllow from all", "127.0.0.1", None),
    ("Order allow,deny\nAllow from all\nDeny from 127.0.0.1", "127.0.0.1", 403),  # Deny comes last
    ("Order allow,deny\nAllow from all\nDeny from 127.0.0.1", "127.0.0.2", None),
    ("Order mutual-failure\nAllow from 10.0.0.0/8\nDeny from 10.0.0.1", "10.0.0.1", 403),
    ("Order Mutual-Failure\nAllow from 10.0.0.0/8\nDeny from 10.0.0.1", "10.0.0.2", None),
    ("Order mutual-failure", "10.0.0.2", 403),
    ("Order allow,deny\nOrder deny,allow", "10.0.0.2", None),           # the last Order counts
])
def test_order(tmp_path, body, ip, expected):
    assert verdict(tmp_path, body, ip=ip) == expected


@pytest.mark.parametrize("source, ip, matches", [
    ("all", "203.0.113.9", True),
    ("ALL", "203.0.113.9", True),
    ("10.1.2.3", "10.1.2.3", True),
    ("10.1.2.3", "10.1.2.4", False),
    ("10.1.0.0/16", "10.1.200.3", True),
    ("10.1.0.0/16", "10.2.0.1", False),
    ("10.1.0.0/255.255.0.0", "10.1.9.9", True),
    ("10.1", "10.1.9.9", True),               # leading octets
    ("10.1.", "10.1.9.9", True),
    ("10.1", "10.10.9.9", False),
    ("192.168.1", "192.168.1.77", True),
    ("::1", "::1", True),
    ("2001:db8::/32", "2001:db8:5::1", True),
    ("2001:db8::/32", "2001:db9::1", False),
    ("10.1.2.3", "::ffff:10.1.2.3", True),    # IPv4 client on an IPv6 socket
    ("10.1.2.3 10.9.9.9", "10.9.9.9", True),  # several sources on one line
    ("localhost", "127.0.0.1", False),        # host names: no DNS, never match
    (".example.com", "127.0.0.1", False),
    ("example.com", "127.0.0.1", False),
])
def test_allow_from_forms(tmp_path, source, ip, matches):
    body = "Order allow,deny\nAllow from %s" % source
    assert verdict(tmp_path, body, ip=ip) == (None if matches else 403)


def test_allow_from_env(tmp_path):
    site = site_from(tmp_path, section("Order allow,deny\nAllow from env=LETMEIN"))
    req = AuthRequest(site, DOC)
    assert decide(req) == 403
    req.subprocess_env["LETMEIN"] = "1"
    assert decide(req) is None


def test_deny_from_negated_env(tmp_path):
    site = site_from(tmp_path, section("Order deny,allow\nDeny from env=!TRUSTED"))
    req = AuthRequest(site, DOC)
    assert decide(req) == 403
    req.subprocess_env["TRUSTED"] = ""
    assert decide(req) is None


def test_refusal_is_logged(tmp_path):
    req = AuthRequest(site_from(tmp_path, section("Deny from all")), DOC)
    assert ba.access_checker(req) == 403
    assert "client denied by server configuration: %s" % DOC in req.log_text


# -- Satisfy and Require ---------------------------------------------------------------------

BASIC = "AuthType Basic\nAuthName realm\n"
LOOPBACK_ONLY = "Order deny,allow\nDeny from all\nAllow from 127.0.0.1\n"


@pytest.mark.parametrize("body, ip, expected", [
    # Satisfy All (and unset): the host must pass, then Require decides.
    (LOOPBACK_ONLY + "Require valid-user", "127.0.0.1", NEEDS_USER),
    (LOOPBACK_ONLY + "Require valid-user", "10.0.0.1", 403),
    (LOOPBACK_ONLY + "Require valid-user\nSatisfy All", "10.0.0.1", 403),
    (LOOPBACK_ONLY + "Require all denied", "127.0.0.1", 403),
    # Satisfy Any: a permitted host needs nothing else; a refused one is left to Require.
    (LOOPBACK_ONLY + "Require valid-user\nSatisfy Any", "127.0.0.1", None),
    (LOOPBACK_ONLY + "Require valid-user\nSatisfy any", "10.0.0.1", NEEDS_USER),
    (LOOPBACK_ONLY + "Require all denied\nSatisfy Any", "127.0.0.1", None),
    (LOOPBACK_ONLY + "Require all denied\nSatisfy Any", "10.0.0.1", 403),
    (LOOPBACK_ONLY + "Require ip 10.0.0.0/8\nSatisfy Any", "10.0.0.1", None),
    (LOOPBACK_ONLY + "Satisfy Any", "10.0.0.1", None),          # no Require: Require grants
    # Apache 2.4: Satisfy Any with no Allow/Deny lets everyone in (default Order deny,allow).
    ("Require valid-user\nSatisfy Any", "10.0.0.1", None),
    ("Require valid-user\nSatisfy Any\nSatisfy All", "10.0.0.1", NEEDS_USER),
])
def test_satisfy(tmp_path, body, ip, expected):
    assert verdict(tmp_path, BASIC + body, ip=ip) == expected


def test_satisfy_any_user_still_authorized_by_require(tmp_path):
    site = site_from(tmp_path, section(BASIC + LOOPBACK_ONLY + "Require user spam\nSatisfy Any"))
    assert ba.auth_checker(AuthRequest(site, DOC, ip="10.0.0.1", user="spam")) == ba.OK
    assert ba.auth_checker(AuthRequest(site, DOC, ip="10.0.0.1", user="ham")) == 401


# -- merging between sections ----------------------------------------------------------------

INNER = "/srv/site/inner/doc.html"


@pytest.mark.parametrize("outer, inner, ip, expected", [
    # an inner section without Order/Allow/Deny/Satisfy keeps the outer ones
    (LOOPBACK_ONLY, "AuthName other", "10.0.0.1", 403),
    (LOOPBACK_ONLY, "AuthName other", "127.0.0.1", None),
    # one of them in the inner section replaces all of the outer ones: here the Order is
    # back to deny,allow and the outer Deny from all is gone
    ("Order allow,deny\nAllow from 127.0.0.1", "Allow from 192.0.2.1", "10.0.0.1", None),
    (LOOPBACK_ONLY, "Deny from 10.0.0.1", "10.0.0.2", None),
    (LOOPBACK_ONLY, "Deny from 10.0.0.1", "10.0.0.1", 403),
    (LOOPBACK_ONLY, "Order allow,deny", "127.0.0.1", 403),
    # Satisfy belongs to the same set (Apache 2.4): alone it drops the outer Allow/Deny
    (LOOPBACK_ONLY + BASIC + "Require valid-user", "Satisfy Any", "10.0.0.1", None),
    # and an inner Allow/Deny drops the outer Satisfy Any
    (BASIC + "Require valid-user\nSatisfy Any", "Allow from 10.0.0.1", "10.0.0.1", NEEDS_USER),
    # Require merges on its own: the outer host lines still apply under the inner Require
    (LOOPBACK_ONLY, BASIC + "Require valid-user", "10.0.0.1", 403),
    (LOOPBACK_ONLY, BASIC + "Require valid-user", "127.0.0.1", NEEDS_USER),
    # ...and outer Require rules stay under inner host lines
    (BASIC + "Require valid-user", "Order allow,deny\nAllow from all", "10.0.0.1", NEEDS_USER),
])
def test_merge_between_sections(tmp_path, outer, inner, ip, expected):
    site = site_from(tmp_path, section(outer) + section(inner, "/srv/site/inner"))
    assert decide(AuthRequest(site, INNER, ip=ip)) == expected


def test_location_after_directory_replaces_host_lines(tmp_path):
    site = site_from(tmp_path, section("Deny from all")
                     + "<Location /open>\nOrder allow,deny\nAllow from all\n</Location>\n")
    assert decide(AuthRequest(site, DOC, uri="/open/doc.html")) is None
    assert decide(AuthRequest(site, DOC, uri="/closed/doc.html")) == 403


# -- .htaccess ---------------------------------------------------------------------------------

def htaccess_site(tmp_path, override, text):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / ".htaccess").write_text(text)
    return site_from(tmp_path, section("AllowOverride %s" % override, folder)), str(folder / "x.html")


def test_htaccess_with_allow_override_limit(tmp_path):
    site, doc = htaccess_site(tmp_path, "Limit", "Order deny,allow\nDeny from all\nAllow from 10.1\n")
    assert decide(AuthRequest(site, doc, ip="10.1.0.5")) is None
    assert decide(AuthRequest(site, doc, ip="10.2.0.5")) == 403


def test_htaccess_host_lines_need_allow_override_limit(tmp_path):
    site, doc = htaccess_site(tmp_path, "AuthConfig", "Deny from all\n")
    with pytest.raises(ConfigError, match="AllowOverride"):
        AuthRequest(site, doc)


def test_htaccess_satisfy_needs_auth_config(tmp_path):
    site, doc = htaccess_site(tmp_path, "Limit", "Satisfy Any\n")
    with pytest.raises(ConfigError, match="Satisfy"):
        AuthRequest(site, doc)


# -- configuration errors ----------------------------------------------------------------------

@pytest.mark.parametrize("line, message", [
    ("Allow 10.0.0.1 10.0.0.2", "must be followed by 'from'"),
    ("Allow 10.0.0.1", "at least 2 arguments"),
    ("Order deny, allow", "Order takes 1 argument"),
    ("Order deny", "Order takes Deny,Allow, Allow,Deny or Mutual-failure"),
    ("Allow from 10.1.2.300", "Allow from: an IP address was expected, not '10.1.2.300'"),
    ("Deny from 10.0.0.0/33", "Deny from: an IP address was expected"),
    ("Deny from 10.0.0.0/255.0.255.0", "Deny from: an IP address was expected"),
    ("Allow from env=", "env= needs a variable name"),
    ("Satisfy sometimes", "Satisfy takes Any or All"),
])
def test_config_errors(tmp_path, line, message):
    errors = config_errors(tmp_path, section("AuthName x\n" + line))
    assert len(errors) == 1 and message in errors[0] and ":3: " in errors[0], errors


@pytest.mark.parametrize("line", ["Order deny,allow", "Allow from all", "Deny from all", "Satisfy Any"])
def test_not_at_server_level(tmp_path, line):
    errors = config_errors(tmp_path, line + "\n")
    assert len(errors) == 1 and "not allowed in server config" in errors[0]
