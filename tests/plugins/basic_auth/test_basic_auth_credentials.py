"""The Authorization header and the challenge: every malformed header is a 401 (never a
500), req.get_basic_auth_pw() as mod_python's (semantics 7.3), the WWW-Authenticate header on
every 401 of a Basic resource, the RFC 7617 charset option."""

import base64

import pytest
from passlib import hash as passlib_hash

import plugins.basic_auth as ba
from kernel.lifecycle.site import Site

from support.basic_auth import AuthRequest, basic, site_from

DOC = "/srv/site/doc.html"
CHALLENGE = 'Basic realm="Restricted Area"'


@pytest.fixture
def site(tmp_path):
    users = tmp_path / "htpasswd"
    users.write_text("spam:%s\n" % passlib_hash.ldap_sha1.hash("eggs"))
    return site_from(tmp_path, """<Directory /srv/site>
AuthType Basic
AuthName "Restricted Area"
AuthUserFile %s
Require valid-user
</Directory>
<Directory /srv/site/utf8>
AuthBasicCharset UTF-8
</Directory>
<Directory /srv/site/digest>
AuthType Digest
</Directory>
<Directory /srv/norealm>
AuthType Basic
Require valid-user
</Directory>
""" % users)


def b64(raw):
    return base64.b64encode(raw).decode()


MALFORMED = {
    "empty": "",
    "scheme only": "Basic",
    "scheme and blanks": "Basic    ",
    "other scheme": "Bearer abc",
    "digest": 'Digest username="spam"',
    "not base64": "Basic !!!notbase64",
    "missing padding": "Basic c3BhbTplZ2d",
    "non-ASCII token": "Basic c3BhbTplZ2dz\xe9",
    "no colon": "Basic " + b64(b"spam"),
    "empty credentials": "Basic " + b64(b""),
    "huge": "Basic " + b64(b"spam:" + b"x" * 20000),
    "scheme glued to token": "Basicc3BhbTplZ2dz",
}


@pytest.mark.parametrize("header", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_header_is_401_with_challenge(site, header):
    req = AuthRequest(site, DOC, headers={"Authorization": header})
    assert ba.check_user_id(req) == 401
    assert req.user is None
    assert ba.error_page(req, 401, None) is None
    assert req.err_headers_out["WWW-Authenticate"] == CHALLENGE


@pytest.mark.parametrize("header", MALFORMED.values(), ids=MALFORMED.keys())
def test_get_basic_auth_pw_with_malformed_header(site, header):
    req = AuthRequest(site, DOC, headers={"Authorization": header})
    assert ba.get_basic_auth_pw(req) is None
    assert req.user is None
    assert req.err_headers_out["WWW-Authenticate"] == CHALLENGE


def test_two_authorization_headers_are_refused(site):
    req = AuthRequest(site, DOC)
    req.headers_in.add("Authorization", basic("spam", "eggs"))
    req.headers_in.add("Authorization", basic("spam", "eggs"))
    assert ba.check_user_id(req) == 401
    assert ba.get_basic_auth_pw(req) is None


def test_empty_user_or_password(site):
    assert ba.check_user_id(AuthRequest(site, DOC, headers={"Authorization": basic("", "eggs")})) == 401
    assert ba.check_user_id(AuthRequest(site, DOC, headers={"Authorization": basic("spam", "")})) == 401


def test_no_credentials_is_401_without_logging(site):
    req = AuthRequest(site, DOC)
    assert ba.check_user_id(req) == 401
    assert req.logged == []
    assert req.ap_auth_type == "Basic"


def test_scheme_is_case_insensitive_and_blanks_tolerated(site):
    for header in ("basic " + b64(b"spam:eggs"), "BASIC   %s  " % b64(b"spam:eggs"), "Basic\t" + b64(b"spam:eggs")):
        req = AuthRequest(site, DOC, headers={"Authorization": header})
        assert ba.check_user_id(req) == ba.OK, header
        assert req.user == "spam"


# -- get_basic_auth_pw -----------------------------------------------------------------------

def test_get_basic_auth_pw(site):
    req = AuthRequest(site, DOC, headers={"Authorization": basic("spam", "e:g:g:s")})
    assert ba.get_basic_auth_pw(req) == "e:g:g:s"            # the password keeps its colons
    assert (req.user, req.ap_auth_type) == ("spam", "Basic")
    assert "WWW-Authenticate" not in req.err_headers_out


def test_get_basic_auth_pw_without_header_queues_challenge(site):
    req = AuthRequest(site, DOC)
    assert ba.get_basic_auth_pw(req) is None
    assert req.err_headers_out["WWW-Authenticate"] == CHALLENGE


def test_get_basic_auth_pw_decodes_latin1(site):
    req = AuthRequest(site, DOC, headers={"Authorization": basic("j\xfcrgen", "\xe9t\xe9", "utf-8")})
    assert ba.get_basic_auth_pw(req) == "\xc3\xa9t\xc3\xa9"
    assert req.user == "j\xc3\xbcrgen"


def test_get_basic_auth_pw_with_utf8_charset(site):
    req = AuthRequest(site, "/srv/site/utf8/x", headers={"Authorization": basic("j\xfcrgen", "\xe9t\xe9", "utf-8")})
    assert ba.get_basic_auth_pw(req) == "\xe9t\xe9"
    assert req.user == "j\xfcrgen"
    bad = AuthRequest(site, "/srv/site/utf8/x", headers={"Authorization": "Basic " + b64(b"spam:\xff")})
    assert ba.get_basic_auth_pw(bad) is None
    assert ba.check_user_id(bad) == 401


def test_get_basic_auth_pw_needs_basic_and_auth_name(site):
    digest = AuthRequest(site, "/srv/site/digest/x", headers={"Authorization": basic("spam", "eggs")})
    assert ba.get_basic_auth_pw(digest) is None
    assert digest.user is None and "WWW-Authenticate" not in digest.err_headers_out
    norealm = AuthRequest(site, "/srv/norealm/x", headers={"Authorization": basic("spam", "eggs")})
    assert ba.get_basic_auth_pw(norealm) is None
    assert "need AuthName" in norealm.log_text
    unprotected = AuthRequest(site, "/elsewhere", headers={"Authorization": basic("spam", "eggs")})
    assert ba.get_basic_auth_pw(unprotected) is None


def test_user_read_before_authentication_is_forgotten(site):
    req = AuthRequest(site, DOC, headers={"Authorization": basic("spam", "wrong")})
    ba.get_basic_auth_pw(req)                       # e.g. a PythonHeaderParserHandler peeking
    assert req.user == "spam"
    assert ba.access_checker(req) is None
    assert req.user is None and req.ap_auth_type is None
    req.user = "set-by-a-handler"                   # not from get_basic_auth_pw: kept
    assert ba.access_checker(req) is None
    assert req.user == "set-by-a-handler"


# -- check_user_id's other answers -----------------------------------------------------------

def test_no_auth_name_is_500(site):
    req = AuthRequest(site, "/srv/norealm/x", headers={"Authorization": basic("spam", "eggs")})
    assert ba.check_user_id(req) == 500
    assert "need AuthName" in req.log_text


def test_other_auth_type_is_declined(site):
    assert ba.check_user_id(AuthRequest(site, "/srv/site/digest/x")) is None


def test_no_provider_configured(tmp_path):
    conf = '<Directory /srv/site>\nAuthType Basic\nAuthName "Restricted Area"\nRequire valid-user\n%s</Directory>\n'
    site = site_from(tmp_path, conf % "")
    req = AuthRequest(site, DOC, headers={"Authorization": basic("spam", "eggs")})
    assert ba.check_user_id(req) == 500
    assert "No Authn provider configured" in req.log_text
    assert ba.check_user_id(AuthRequest(site, DOC)) == 401          # no credentials: ask
    site = site_from(tmp_path, conf % "AuthBasicAuthoritative Off\n")
    req = AuthRequest(site, DOC, headers={"Authorization": basic("spam", "eggs")})
    assert ba.check_user_id(req) is ba.DECLINED
    assert "No Authn provider configured" in req.log_text


# -- auth_checker ------------------------------------------------------------------------------

def test_authorization_failure_is_401_so_the_browser_asks_again(tmp_path):
    site = site_from(tmp_path, "<Directory /srv/site>\nAuthType Basic\nAuthName r\nRequire user spam\n</Directory>\n"
                               "<Directory /srv/site/notype>\nAuthType None\n</Directory>\n")
    assert ba.auth_checker(AuthRequest(site, DOC, user="spam")) == ba.OK
    req = AuthRequest(site, DOC, user="ham")
    assert ba.auth_checker(req) == 401
    assert "user 'ham': authorization failure" in req.log_text
    assert ba.auth_checker(AuthRequest(site, "/srv/site/notype/x", user="ham")) == 403


# -- the challenge -----------------------------------------------------------------------------

def test_error_page_adds_challenge_only_to_401_of_basic_resources(site):
    req = AuthRequest(site, DOC)
    assert ba.error_page(req, 403, None) is None
    assert "WWW-Authenticate" not in req.err_headers_out
    assert ba.error_page(req, 401, None) is None
    assert req.err_headers_out.getlist("WWW-Authenticate") == [CHALLENGE]
    assert ba.error_page(req, 401, None) is None                       # never twice
    assert req.err_headers_out.getlist("WWW-Authenticate") == [CHALLENGE]
    for path in ("/elsewhere", "/srv/site/digest/x", "/srv/norealm/x"):
        other = AuthRequest(site, path)
        ba.error_page(other, 401, None)
        assert "WWW-Authenticate" not in other.err_headers_out, path


def test_error_page_keeps_a_challenge_set_by_a_handler(site):
    req = AuthRequest(site, DOC)
    req.err_headers_out["WWW-Authenticate"] = 'Basic realm="mine"'
    ba.error_page(req, 401, None)
    assert req.err_headers_out.getlist("WWW-Authenticate") == ['Basic realm="mine"']


def test_challenge_quotes_the_realm_and_announces_utf8(tmp_path):
    site = site_from(tmp_path, '<Directory /srv/site>\nAuthType basic\nAuthName \'Staff "only" \\\\ co\'\n'
                               "AuthBasicCharset UTF-8\n</Directory>\n")
    req = AuthRequest(site, DOC)
    ba.error_page(req, 401, None)
    assert req.err_headers_out["WWW-Authenticate"] == 'Basic realm="Staff \\"only\\" \\\\ co", charset="UTF-8"'


# -- the two steps of check_user_id ----------------------------------------------------------

def test_missing_credentials_are_refused_before_any_python_handler(site):
    assert ba.ask_for_credentials(AuthRequest(site, DOC)) == 401
    assert ba.ask_for_credentials(AuthRequest(site, DOC, headers={"Authorization": "Bearer x"})) == 401
    # usable credentials, right or wrong, are for the PythonAuthenHandler (then AuthUserFile)
    assert ba.ask_for_credentials(AuthRequest(site, DOC, headers={"Authorization": basic("spam", "bad")})) is None
    assert ba.ask_for_credentials(AuthRequest(site, "/srv/site/digest/x")) is None
    assert ba.ask_for_credentials(AuthRequest(site, "/srv/norealm/x")) == 500


def test_check_user_id_order_around_the_handlers_plugin(tmp_path):
    conf = tmp_path / "site.conf"
    conf.write_text("")
    hooks = Site(str(conf), plugins=["basic_auth", "handlers"]).hook.check_user_id.get_hookimpls()
    order = [(impl.plugin_name, impl.function.__name__) for impl in reversed(hooks)]   # call order
    assert order == [("basic_auth", "ask_for_credentials"), ("handlers", "check_user_id"),
                     ("basic_auth", "check_user_id")]


# -- the decoded pair, remembered per (charset, header value) ---------------------------------

def test_decoded_pairs_follow_the_header_and_the_charset(site):
    """The remembered pair is looked up by the header value and the charset: another header
    (or the same one under UTF-8) is decoded for itself, never answered from the memory."""
    from plugins.basic_auth import credentials
    header = {"Authorization": basic("j\xfcrgen", "\xe9t\xe9", "utf-8")}
    for _ in range(2):      # the second round is answered from the remembered pairs
        assert ba.get_basic_auth_pw(AuthRequest(site, DOC, headers=header)) == "\xc3\xa9t\xc3\xa9"
        assert ba.get_basic_auth_pw(AuthRequest(site, "/srv/site/utf8/x", headers=header)) == "\xe9t\xe9"
    assert credentials._decoded[("latin-1", header["Authorization"])] == ("j\xc3\xbcrgen", "\xc3\xa9t\xc3\xa9")
    other = AuthRequest(site, DOC, headers={"Authorization": basic("spam", "ham")})
    assert ba.get_basic_auth_pw(other) == "ham" and other.user == "spam"
    # a header the handler replaced after a first read is read anew
    req = AuthRequest(site, DOC, headers={"Authorization": basic("spam", "eggs")})
    assert ba.get_basic_auth_pw(req) == "eggs"
    req.headers_in["Authorization"] = basic("eve", "apple")
    assert ba.get_basic_auth_pw(req) == "apple" and req.user == "eve"
    req.headers_in.add("Authorization", basic("eve", "apple"))     # two headers: refused
    assert ba.get_basic_auth_pw(req) is None


def test_decoded_pairs_are_bounded_and_bad_ones_not_kept(site, monkeypatch):
    from plugins.basic_auth import credentials
    monkeypatch.setattr(credentials, "DECODED_MAX", 8)
    monkeypatch.setattr(credentials, "_decoded", {})
    for i in range(50):
        req = AuthRequest(site, DOC, headers={"Authorization": basic("user%d" % i, "pw%d" % i)})
        assert ba.get_basic_auth_pw(req) == "pw%d" % i and req.user == "user%d" % i
        assert len(credentials._decoded) <= 8
    credentials._decoded.clear()
    for header in MALFORMED.values():
        assert ba.get_basic_auth_pw(AuthRequest(site, DOC, headers={"Authorization": header})) is None
    assert credentials._decoded == {}
