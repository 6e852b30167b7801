"""AuthUserFile: every htpasswd format Apache writes, the provider's answers, re-reading a
changed file; AuthGroupFile re-reading."""

import os
import threading

import bcrypt
import pytest
from passlib import hash as passlib_hash

import plugins.basic_auth as ba
from plugins.basic_auth import userfiles

from support.basic_auth import AuthRequest, basic, site_from

DOC = "/srv/site/doc.html"


def bcrypt_2y(password):
    """What `htpasswd -B` writes: bcrypt with the $2y$ prefix."""
    hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()
    return "$2y$" + hashed[4:]


FORMATS = {
    "bcrypt $2y$": bcrypt_2y,
    "bcrypt $2b$ (passlib)": lambda pw: passlib_hash.bcrypt.using(rounds=4).hash(pw),
    "apr1 MD5": passlib_hash.apr_md5_crypt.hash,
    "{SHA}": passlib_hash.ldap_sha1.hash,
    "crypt DES": passlib_hash.des_crypt.hash,
    "crypt MD5 $1$": passlib_hash.md5_crypt.hash,
    "crypt SHA-512 $6$": lambda pw: passlib_hash.sha512_crypt.using(rounds=1000).hash(pw),
}


def protected(tmp_path, entries, extra=""):
    users = tmp_path / "htpasswd"
    users.write_text("".join("%s:%s\n" % entry for entry in entries))
    return site_from(tmp_path, """<Directory /srv/site>
AuthType Basic
AuthName "Restricted Area"
AuthUserFile %s
Require valid-user
%s
</Directory>
""" % (users, extra)), users


def login(site, user, password, encoding="latin-1"):
    req = AuthRequest(site, DOC, headers={"Authorization": basic(user, password, encoding)})
    return ba.check_user_id(req), req


@pytest.mark.parametrize("kind", FORMATS)
def test_each_htpasswd_format(tmp_path, kind):
    site, _ = protected(tmp_path, [("ham", "{SHA}x"), ("spam", FORMATS[kind]("eggs"))])
    result, req = login(site, "spam", "eggs")
    assert result == ba.OK
    assert (req.user, req.ap_auth_type) == ("spam", "Basic")
    result, req = login(site, "spam", "eggz")
    assert result == 401 and req.user is None
    assert "user 'spam': authentication failure" in req.log_text


def test_password_with_colon_and_latin1_bytes(tmp_path):
    site, _ = protected(tmp_path, [("spam", passlib_hash.ldap_sha1.hash("a:b:\xe9".encode("latin-1")))])
    assert login(site, "spam", "a:b:\xe9")[0] == ba.OK


def test_utf8_user_and_password_bytes_match_without_charset(tmp_path):
    """The file holds UTF-8 bytes; the client sends the same bytes: they match, and req.user
    is their latin-1 reading (mod_python's), unless AuthBasicCharset UTF-8 is set."""
    entry = ("j\xfcrgen".encode().decode("latin-1"), passlib_hash.ldap_sha1.hash("p\xe4ss".encode()))
    users = tmp_path / "htpasswd"
    users.write_bytes(("%s:%s\n" % entry).encode("latin-1"))
    site = site_from(tmp_path, "<Directory /srv/site>\nAuthType Basic\nAuthName r\nAuthUserFile %s\n"
                               "Require valid-user\n</Directory>\n"
                               "<Directory /srv/site/utf8>\nAuthBasicCharset UTF-8\n</Directory>\n" % users)
    result, req = login(site, "j\xfcrgen", "p\xe4ss", "utf-8")
    assert result == ba.OK and req.user == "j\xc3\xbcrgen"
    req = AuthRequest(site, "/srv/site/utf8/x", headers={"Authorization": basic("j\xfcrgen", "p\xe4ss", "utf-8")})
    assert ba.check_user_id(req) == ba.OK and req.user == "j\xfcrgen"


def test_bcrypt_ignores_bytes_after_72_like_apache(tmp_path):
    site, _ = protected(tmp_path, [("spam", bcrypt_2y("x" * 72))])
    assert login(site, "spam", "x" * 72 + "anything")[0] == ba.OK     # no 500 from bcrypt 5
    assert login(site, "spam", "x" * 71)[0] == 401


@pytest.mark.parametrize("stored", ["eggs", "$2y$04$short", "{SHA}not-base64!", "$apr1$$", ""])
def test_plain_text_or_malformed_hash_is_401_not_500(tmp_path, stored):
    site, _ = protected(tmp_path, [("spam", stored)])
    result, req = login(site, "spam", "eggs")
    assert result == 401
    assert "spam" in req.log_text


def test_unknown_user(tmp_path):
    site, _ = protected(tmp_path, [("spam", passlib_hash.ldap_sha1.hash("eggs"))])
    result, req = login(site, "ham", "eggs")
    assert result == 401 and "user 'ham' not found" in req.log_text
    site, _ = protected(tmp_path, [("spam", passlib_hash.ldap_sha1.hash("eggs"))],
                        "AuthBasicAuthoritative Off")
    assert login(site, "ham", "eggs")[0] is ba.DECLINED
    assert login(site, "spam", "bad")[0] == 401      # a wrong password is never passed on


def test_file_syntax(tmp_path):
    sha = passlib_hash.ldap_sha1.hash
    users = tmp_path / "htpasswd"
    users.write_bytes(b"# comment\r\n\r\nnocolon\r\nspam:%s\r\nspam:%s\r\nham:%s:extra field\r\n"
                      % (sha("eggs").encode(), sha("other").encode(), sha("jam").encode()))
    site = site_from(tmp_path, "<Directory /srv/site>\nAuthType Basic\nAuthName r\nAuthUserFile %s\n"
                               "Require valid-user\n</Directory>\n" % users)
    assert login(site, "spam", "eggs")[0] == ba.OK       # the first line for a user counts
    assert login(site, "spam", "other")[0] == 401
    assert login(site, "ham", "jam")[0] == ba.OK
    assert login(site, "nocolon", "")[0] == 401
    assert login(site, "# comment", "")[0] == 401


def test_relative_user_file_is_under_server_root(tmp_path):
    (tmp_path / "htpasswd").write_text("spam:%s\n" % passlib_hash.ldap_sha1.hash("eggs"))
    site = site_from(tmp_path, "<Directory /srv/site>\nAuthType Basic\nAuthName r\n"
                               "AuthUserFile htpasswd\nRequire valid-user\n</Directory>\n")
    assert login(site, "spam", "eggs")[0] == ba.OK


def test_missing_file_is_500_or_declined(tmp_path):
    site, users = protected(tmp_path, [])
    users.unlink()
    result, req = login(site, "spam", "eggs")
    assert result == 500 and "could not open" in req.log_text
    site, users = protected(tmp_path, [], "AuthBasicAuthoritative Off")
    users.unlink()
    assert login(site, "spam", "eggs")[0] is ba.DECLINED


def test_file_is_read_again_when_it_changes(tmp_path):
    site, users = protected(tmp_path, [("spam", passlib_hash.ldap_sha1.hash("eggs"))])
    assert login(site, "spam", "eggs")[0] == ba.OK
    stamp = users.stat().st_mtime_ns
    users.write_text("spam:%s\n" % passlib_hash.ldap_sha1.hash("bacon"))
    os.utime(users, ns=(stamp + 10**9, stamp + 10**9))
    assert login(site, "spam", "eggs")[0] == 401
    assert login(site, "spam", "bacon")[0] == ba.OK


def test_unchanged_file_is_not_parsed_again(tmp_path, monkeypatch):
    site, _ = protected(tmp_path, [("spam", passlib_hash.ldap_sha1.hash("eggs"))])
    assert login(site, "spam", "eggs")[0] == ba.OK
    monkeypatch.setattr(userfiles, "open", lambda *a, **k: pytest.fail("parsed again"), raising=False)
    assert login(site, "spam", "eggs")[0] == ba.OK


def test_group_file_is_read_again_when_it_changes(tmp_path):
    groups = tmp_path / "groups"
    groups.write_text("staff: ham\n")
    assert userfiles.groups_of(str(groups), b"ham") == {b"staff"}
    stamp = groups.stat().st_mtime_ns
    groups.write_text("staff: spam\nadmins: ham\n")
    os.utime(groups, ns=(stamp + 10**9, stamp + 10**9))
    assert userfiles.groups_of(str(groups), b"ham") == {b"admins"}
    assert userfiles.groups_of(str(groups), b"nobody") == set()


def test_password_check_leaves_the_event_loop_thread(monkeypatch):
    """Slow hashes (bcrypt, and apr1 MD5 in pure Python) are checked in the thread pool; a
    {SHA} digest, a few microseconds, in the calling greenlet (the hand-off costs more)."""
    threads = []
    real = userfiles._verify

    def spy(password, stored, scheme=None):
        threads.append(threading.get_ident())
        return real(password, stored, scheme)

    monkeypatch.setattr(userfiles, "_verify", spy)
    assert userfiles.password_matches(b"eggs", bcrypt_2y("eggs"))
    assert threads and threads[-1] != threading.get_ident()
    assert userfiles.password_matches(b"eggs", passlib_hash.apr_md5_crypt.hash("eggs"))
    assert threads[-1] != threading.get_ident()
    assert userfiles.password_matches(b"eggs", passlib_hash.ldap_sha1.hash("eggs"))
    assert not userfiles.password_matches(b"eggz", passlib_hash.ldap_sha1.hash("eggs"))
    assert threads[-2:] == [threading.get_ident()] * 2
    with pytest.raises(ValueError, match="unknown password hash format"):
        userfiles.password_matches(b"eggs", "plain-text")


@pytest.mark.parametrize("kind", FORMATS)
def test_digests_are_compared_in_constant_time(kind, monkeypatch):
    import passlib.utils.handlers as handlers
    calls = []
    real = handlers.consteq
    monkeypatch.setattr(handlers, "consteq", lambda a, b: calls.append(1) or real(a, b))
    stored = FORMATS[kind]("eggs")
    assert userfiles._verify(b"eggs", stored) and not userfiles._verify(b"eggz", stored)
    assert len(calls) == 2


def test_an_unknown_user_pays_for_a_hash_check_too(monkeypatch, tmp_path):
    """No timing difference tells which user names exist: a decoy bcrypt hash is checked."""
    import plugins.basic_auth as ba
    checked = []
    real = ba.password_matches
    monkeypatch.setattr(ba, "password_matches", lambda pw, stored: checked.append(stored) or real(pw, stored))
    (tmp_path / "htpasswd").write_text("spam:{SHA}" + "x" * 28 + "\n")
    req = AuthRequest(site_from(tmp_path, "<Directory /srv/site>\nAuthType Basic\nAuthName r\n"
                                          "AuthUserFile %s/htpasswd\nRequire valid-user\n</Directory>\n" % tmp_path),
                      "/srv/site/x", headers={"Authorization": basic("nobody", "guess")})
    assert ba.check_user_id(req) == 401
    assert checked and checked[0].startswith(b"$2")
