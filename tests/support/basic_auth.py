"""For the basic_auth plugin's unit tests: a site parsed from config text by the real kernel
parser and merger (only the basic_auth plugin loaded), and the fake request for it."""

from kernel.testing import FakeRequest, basic_auth_header as basic, build_site as _build_site
from kernel.testing import config_errors as _config_errors

import plugins.basic_auth as ba

__all__ = ["AuthRequest", "NEEDS_USER", "basic", "build_site", "config_errors", "decide",
           "directory_section", "site_from"]


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

