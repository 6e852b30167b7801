"""Shared by the basic_auth unit tests: a site parsed from config text by the real kernel
parser and merger (only the basic_auth plugin loaded), and a request stand-in for it."""

import base64
from types import SimpleNamespace

import plugins.basic_auth as ba
from kernel.lifecycle.site import Site
from kernel import Table


def build_site(tmp_path, text):
    conf = tmp_path / "site.conf"
    conf.write_text(text)
    return Site(str(conf), plugins=["basic_auth"])


def site_from(tmp_path, text):
    site = build_site(tmp_path, text)
    assert not site.errors, [str(e) for e in site.errors]
    return site


def config_errors(tmp_path, text):
    return [str(e) for e in build_site(tmp_path, text).errors]


def basic(user, password, encoding="latin-1"):
    raw = user.encode(encoding) + b":" + password.encode(encoding)
    return "Basic " + base64.b64encode(raw).decode("ascii")


class AuthRequest:
    """What the basic_auth hooks read and write of a request, with the merged configuration
    the kernel computes for ``filename``."""

    def __init__(self, site, filename, uri="/x", headers=None, method="GET", ip="127.0.0.1",
                 user=None):
        self.dir_config = site.merger.directory_config(site.main_server, filename, uri)
        self.filename = filename
        self.uri = uri
        self.method = method
        self.user = user
        self.ap_auth_type = None
        self.connection = SimpleNamespace(remote_ip=ip)
        self.headers_in = Table(headers or {})
        self.err_headers_out = Table()
        self.subprocess_env = Table()
        self.logged = []

    def log_error(self, message, level=3):
        self.logged.append((message, level))

    @property
    def log_text(self):
        return "\n".join(message for message, _ in self.logged)


NEEDS_USER = "needs a user"


def directory_section(body, directory="/srv/site"):
    return "<Directory %s>\n%s\n</Directory>\n" % (directory, body)


def decide(req):
    """What the access steps answer before any credentials: 403, NEEDS_USER or None (in)."""
    status = ba.access_checker(req)
    if status is not None:
        return status
    return NEEDS_USER if ba.auth_required(req) else None

