"""For the basic_auth plugin's unit tests: a site parsed from config text by the real kernel
parser and merger (only the basic_auth plugin loaded), and the fake request for it."""

import itertools

from kernel.testing import FakeRequest, basic_auth_header as basic, build_site as _build_site
from kernel.testing import config_errors as _config_errors

import plugins.basic_auth as ba

__all__ = ["AuthRequest", "CLIENTS", "CONFIGS", "DOC", "MERGED", "METHODS", "NEEDS_USER", "basic",
           "build_site", "config_errors", "decide", "directory_section", "site_from"]


def build_site(tmp_path, text):
    """A site with only the basic_auth plugin (errors kept, not raised)."""
    return _build_site(tmp_path, text, plugins=["basic_auth"], check=False)


def site_from(tmp_path, text):
    return _build_site(tmp_path, text, plugins=["basic_auth"])


def config_errors(tmp_path, text):
    return _config_errors(tmp_path, text, plugins=["basic_auth"])


def AuthRequest(site, filename, uri="/x", **kw):
    """The fake request with the configuration the kernel merges for ``filename``."""
    return FakeRequest(site=site, filename=filename, uri=uri, **kw)


NEEDS_USER = "needs a user"


def directory_section(body, directory="/srv/site"):
    return "<Directory %s>\n%s\n</Directory>\n" % (directory, body)


def decide(req):
    """What the access steps answer before any credentials: 403, NEEDS_USER or None (in)."""
    status = ba.access_checker(req)
    if status is not None:
        return status
    return NEEDS_USER if ba.auth_required(req) else None


# A grid of access-control sections (one <Directory /srv/site> each), sections merged by
# AuthMerging, methods and clients: the folded Require and the phase plan are held to the
# interpreter over all of it.
DOC = "/srv/site/doc.html"
CONFIGS = [
    "Require all granted",
    "Require all denied",
    "Require valid-user",
    "Require user spam",
    "Require ip 10.0.0.0/8",
    "Require method GET",
    "Require env FOO",
    "Require local",
    "Require ip 10.0.0.0/8\nRequire valid-user",
    "<RequireAll>\nRequire valid-user\nRequire not ip 10.0.0.0/8\n</RequireAll>",
    "<RequireAny>\nRequire ip 10.0.0.0/8\nRequire valid-user\n</RequireAny>",
    "<RequireAll>\nRequire all granted\n<RequireNone>\nRequire user eve\n"
    "Require ip 192.0.2.0/24\n</RequireNone>\n</RequireAll>",
    "<RequireAll>\nRequire all denied\nRequire valid-user\n</RequireAll>",
    "<RequireAll>\nRequire valid-user\nRequire all denied\n</RequireAll>",
    "<RequireAny>\nRequire valid-user\nRequire all granted\n</RequireAny>",
    "<RequireAny>\nRequire all denied\nRequire user spam\n</RequireAny>",
    "<RequireAll>\nRequire all granted\nRequire valid-user\n</RequireAll>",
    "<RequireAll>\nRequire not all denied\nRequire user spam\n</RequireAll>",
    "<RequireAll>\nRequire not env FOO\nRequire all granted\n</RequireAll>",
    "<Limit POST>\nRequire valid-user\n</Limit>",
    "<LimitExcept GET>\nRequire all denied\n</LimitExcept>\nRequire all granted",
    "<Limit POST PUT>\n<RequireAll>\nRequire valid-user\nRequire not ip 192.0.2.0/24\n"
    "</RequireAll>\n</Limit>\nRequire ip 10.0.0.0/8",
    "<Limit GET>\nRequire all denied\n</Limit>",
    "Order deny,allow\nDeny from all\nAllow from 10.0.0.0/8",
    "Order allow,deny\nAllow from env=FOO\nDeny from 192.0.2.0/24\nRequire valid-user",
    "Order mutual-failure\nAllow from 10.0.0.0/8 127.0.0.1\nDeny from 10.9.0.0/16",
    "<Limit POST>\nOrder deny,allow\nDeny from all\n</Limit>\nRequire all granted",
    "Satisfy Any\nRequire valid-user\nOrder allow,deny\nAllow from 10.0.0.0/8",
    "<Limit GET>\nSatisfy Any\n</Limit>\nRequire user spam\nAllow from 127.0.0.1",
]
# Two sections merged by AuthMerging: the outer one under /srv, the inner one at /srv/site.
MERGED = [("Require ip 10.0.0.0/8", "AuthMerging And\nRequire valid-user"),
          ("Require ip 10.0.0.0/8", "AuthMerging Or\n<Limit POST>\nRequire user spam\n</Limit>"),
          ("<Limit GET>\nRequire all denied\n</Limit>", "AuthMerging Or\nRequire local")]
METHODS = ("GET", "HEAD", "POST", "PUT", "BREW")
CLIENTS = [dict(ip=ip, user=user, env=env) for ip, user, env in itertools.product(
    ("10.1.2.3", "192.0.2.1", "127.0.0.1", "10.9.0.1"), (None, "spam", "eve"), ((), ("FOO",)))]
