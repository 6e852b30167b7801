"""basic_auth through the real server: AuthUserFile sites, Require ip/group, .htaccess, and
the tutorial's /protected/ (PythonAuthenHandler); protection follows the file, whatever the
spelling of the URL."""

import base64
import os

import bcrypt
import pytest
from passlib import hash as passlib_hash

from support import TUTORIAL_CONFIG
from support.httpclient import get

CHALLENGE = 'Basic realm="Restricted Area"'
GOOD = "Basic " + base64.b64encode(b"spam:eggs").decode()
WRONG = "Basic " + base64.b64encode(b"spam:bacon").decode()

SITE = """DocumentRoot htdocs
<Directory htdocs/protected>
    AuthType Basic
    AuthName "Restricted Area"
    AuthUserFile htpasswd
    Require valid-user
</Directory>
<Directory htdocs/staff>
    AuthType Basic
    AuthName "Staff"
    AuthUserFile htpasswd
    AuthGroupFile groups
    Require group staff
</Directory>
<Directory htdocs/intranet>
    Require ip 192.0.2.0/24
</Directory>
<Directory htdocs/noprovider>
    AuthType Basic
    AuthName "Nobody"
    Require valid-user
</Directory>
<Directory htdocs/hta>
    AllowOverride AuthConfig
</Directory>
<Directory htdocs/hta-off>
    AllowOverride None
</Directory>
<Directory htdocs/hta-fileinfo>
    AllowOverride FileInfo
</Directory>
"""

# Relative paths in .htaccess are relative to the ServerRoot, as in Apache.
HTACCESS = 'AuthType Basic\nAuthName "Restricted Area"\nAuthUserFile htpasswd\nRequire valid-user\n'

# Spellings of /protected/index.html the kernel maps to the same file.
SAME_FILE = [
    "/protected/index.html",
    "//protected//index.html",
    "/protected/./index.html",
    "/./protected/index.html",
    "/public.txt/../protected/index.html",
    "/protected/sub/../index.html",
    "/%70rotected/index.html",
    "/protected/%2e%2e/protected/index.html",
    "/protected/",
    "/protected//",
    "/protected/index.html/extra/path-info",
]


@pytest.fixture
def site(serve, tmp_path):
    docs = tmp_path / "htdocs"
    (docs / "protected" / "sub").mkdir(parents=True)
    for folder in ("protected", "staff", "intranet", "noprovider", "hta", "hta-off", "hta-fileinfo"):
        (docs / folder).mkdir(exist_ok=True)
        (docs / folder / "index.html").write_text("secret of %s\n" % folder)
    (docs / "public.txt").write_text("public\n")
    hashed = bcrypt.hashpw(b"eggs", bcrypt.gensalt(rounds=5)).decode()
    (tmp_path / "htpasswd").write_text("spam:$2y$%s\nham:%s\n" % (hashed[4:], passlib_hash.apr_md5_crypt.hash("jam")))
    (tmp_path / "groups").write_text("staff: ham\n")
    for folder in ("hta", "hta-off", "hta-fileinfo"):
        (docs / folder / ".htaccess").write_text(HTACCESS)
    return serve(SITE)


def test_without_credentials_401_with_challenge(site):
    response = get(site.port, "/protected/index.html")
    assert response.status == 401
    assert response.header_all("WWW-Authenticate") == [CHALLENGE]
    assert b"secret" not in response.body
    assert get(site.port, "/public.txt").status == 200


def test_with_credentials(site):
    response = get(site.port, "/protected/index.html", {"Authorization": GOOD})
    assert (response.status, response.body) == (200, b"secret of protected\n")
    assert response.header("WWW-Authenticate") is None


def test_wrong_credentials(site):
    for authorization in (WRONG, "Basic " + base64.b64encode(b"nobody:eggs").decode()):
        response = get(site.port, "/protected/index.html", {"Authorization": authorization})
        assert response.status == 401
        assert response.header("WWW-Authenticate") == CHALLENGE


def test_malformed_credentials_are_401_not_500(site):
    for header in ("Basic !!!notbase64", "Basic c3BhbQ==", "Bearer abc", "Basic",
                   "Basic " + "QUFB" * 1500, "Basic c3BhbTplZ2dz\xe9"):
        response = get(site.port, "/protected/index.html", {"Authorization": header})
        assert response.status == 401, header
        assert response.header("WWW-Authenticate") == CHALLENGE


def test_every_spelling_of_the_path_is_protected(site):
    for uri in SAME_FILE:
        response = get(site.port, uri)
        assert response.status == 401, uri
        assert response.header("WWW-Authenticate") == CHALLENGE
        assert get(site.port, uri, {"Authorization": WRONG}).status == 401, uri


def test_every_spelling_serves_the_file_with_credentials(site):
    for uri in SAME_FILE[:-1]:       # the last one has path_info: 404 for a static file
        response = get(site.port, uri, {"Authorization": GOOD})
        assert (response.status, response.body) == (200, b"secret of protected\n"), uri


def test_authentication_comes_before_not_found_and_redirects(site):
    assert get(site.port, "/protected/nothere.txt").status == 401
    assert get(site.port, "/protected/nothere.txt", {"Authorization": GOOD}).status == 404
    assert get(site.port, "/protected").status == 401
    assert get(site.port, "/protected", {"Authorization": GOOD}).status == 301


def test_encoded_slash_never_reaches_the_file(site):
    for uri in ("/protected%2Findex.html", "/protected%2findex.html", "/%2Fprotected/index.html"):
        response = get(site.port, uri)
        assert response.status == 404, uri      # %2F is not a separator (AllowEncodedSlashes Off)
        assert b"secret" not in response.body


def test_head_without_credentials(site):
    response = get(site.port, "/protected/index.html", method="HEAD")
    assert response.status == 401 and response.body == b""
    assert response.header("WWW-Authenticate") == CHALLENGE


def test_group(site):
    ham = "Basic " + base64.b64encode(b"ham:jam").decode()
    assert get(site.port, "/staff/", {"Authorization": ham}).status == 200
    refused = get(site.port, "/staff/", {"Authorization": GOOD})       # spam: valid, not staff
    assert refused.status == 401
    assert refused.header("WWW-Authenticate") == 'Basic realm="Staff"'


def test_ip_refusal_is_403_without_challenge(site):
    response = get(site.port, "/intranet/", {"Authorization": GOOD})
    assert response.status == 403
    assert response.header("WWW-Authenticate") is None


def test_no_provider_is_500_and_logged(site, tmp_path):
    assert get(site.port, "/noprovider/").status == 401
    assert get(site.port, "/noprovider/", {"Authorization": GOOD}).status == 500
    site.stop()
    assert "No Authn provider configured" in (tmp_path / "logs" / "error_log").read_text()


def test_htaccess_needs_allow_override_auth_config(site):
    assert get(site.port, "/hta/").status == 401
    assert get(site.port, "/hta/", {"Authorization": GOOD}).status == 200
    assert get(site.port, "/hta-off/").status == 200             # .htaccess not read at all
    assert get(site.port, "/hta-fileinfo/").status == 500         # AuthConfig not allowed there


def test_password_file_change_applies_without_restart(site, tmp_path):
    assert get(site.port, "/protected/", {"Authorization": GOOD}).status == 200
    users = tmp_path / "htpasswd"
    stamp = users.stat().st_mtime_ns
    users.write_text("spam:%s\n" % passlib_hash.ldap_sha1.hash("bacon"))
    os.utime(users, ns=(stamp + 10**9, stamp + 10**9))
    assert get(site.port, "/protected/", {"Authorization": GOOD}).status == 401
    assert get(site.port, "/protected/", {"Authorization": WRONG}).status == 200


# -- the tutorial's /protected/ (PythonAuthenHandler myscript, spam/eggs) ---------------------

@pytest.fixture
def tutorial_site(serve):
    return serve(TUTORIAL_CONFIG)


TUTORIAL_SPELLINGS = ["/protected/", "/protected/myscript.py", "//protected//myscript.py",
                      "/protected/./myscript.py", "/mywebdir/../protected/myscript.py",
                      "/%70rotected/myscript.py", "/protected/montypython.py",
                      "/protected/myscript.py/extra"]


def test_tutorial_protected_without_credentials(tutorial_site):
    for uri in TUTORIAL_SPELLINGS:
        response = get(tutorial_site.port, uri)
        assert response.status == 401, uri
        assert response.header("WWW-Authenticate") == CHALLENGE
        wrong = get(tutorial_site.port, uri, {"Authorization": WRONG})
        assert wrong.status == 401, uri
        assert wrong.header("WWW-Authenticate") == CHALLENGE


def test_tutorial_protected_with_credentials(tutorial_site):
    for uri in TUTORIAL_SPELLINGS:
        response = get(tutorial_site.port, uri, {"Authorization": GOOD})
        assert (response.status, response.body) == (200, b"Hello World!"), uri


def test_directory_index_is_checked_as_the_index_file(serve, tmp_path):
    """DirectoryIndex serves the index through its own rules: a <Files> that denies or
    protects index.html cannot be sidestepped by asking for the directory."""
    docs = tmp_path / "docs"
    for name in ("denied", "guarded"):
        (docs / name).mkdir(parents=True)
        (docs / name / "index.html").write_text("secret index\n")
    (tmp_path / "htpasswd").write_text("spam:" + bcrypt.hashpw(b"eggs", bcrypt.gensalt(4)).decode() + "\n")
    server = serve(f"""DocumentRoot "{docs}"
<Directory "{docs}/denied">
    <Files index.html>
        Require all denied
    </Files>
</Directory>
<Directory "{docs}/guarded">
    AuthType Basic
    AuthName "Restricted Area"
    AuthUserFile "{tmp_path}/htpasswd"
    <Files index.html>
        Require valid-user
    </Files>
</Directory>
""")
    assert get(server.port, "/denied/index.html").status == 403
    assert get(server.port, "/denied/").status == 403
    r = get(server.port, "/guarded/")
    assert r.status == 401 and r.header("WWW-Authenticate") == CHALLENGE
    r = get(server.port, "/guarded/", headers={"Authorization": GOOD})
    assert r.status == 200 and r.body == b"secret index\n"


def test_an_error_document_inside_the_protected_area_is_not_served_to_a_refused_user(serve, tmp_path):
    """A user the authen handler refused (after peeking at the header) is not carried into
    the ErrorDocument's request as if authenticated."""
    area = tmp_path / "docs" / "area"
    area.mkdir(parents=True)
    (area / "gate.py").write_text(
        "from mod_python import apache\n"
        "def authenhandler(req):\n"
        "    pw = req.get_basic_auth_pw()\n"
        "    return apache.OK if (req.user, pw) == ('admin', 'right') else apache.HTTP_UNAUTHORIZED\n"
        "def handler(req):\n"
        "    req.content_type = 'text/plain'\n"
        "    req.write('SECRET for %s' % req.user)\n"
        "    return apache.OK\n")
    server = serve(f"""DocumentRoot "{tmp_path}/docs"
<Directory "{area}">
    SetHandler mod_python
    PythonAuthenHandler gate
    PythonHandler gate
    AuthType Basic
    AuthName "Area"
    Require valid-user
    ErrorDocument 401 /area/denied
</Directory>
""")
    wrong = "Basic " + base64.b64encode(b"admin:wrong").decode()
    r = get(server.port, "/area/page", headers={"Authorization": wrong})
    assert r.status == 401 and b"SECRET" not in r.body
    right = "Basic " + base64.b64encode(b"admin:right").decode()
    assert get(server.port, "/area/page", headers={"Authorization": right}).body == b"SECRET for admin"
