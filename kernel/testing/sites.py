"""A Site built from configuration text, and Basic credentials as a client sends them."""

import base64
import os

from ..lifecycle.site import Site


def build_site(directory, text, plugins=None, extra_plugins=(), defines=None, check=True,
               name="site.conf"):
    """Write ``text`` to ``directory/name`` and build the Site (``plugins``: names to enable,
    default every installed one). With ``check``, configuration errors fail at once."""
    path = os.path.join(str(directory), name)
    with open(path, "w") as f:
        f.write(text)
    site = Site(path, plugins=None if plugins is None else list(plugins),
                extra_plugins=extra_plugins, defines=defines)
    if check:
        assert not site.errors, "configuration errors: %s" % [str(e) for e in site.errors]
    return site


def config_errors(directory, text, plugins=None, **kw):
    """The configuration errors (as strings) of ``text``."""
    return [str(e) for e in build_site(directory, text, plugins, check=False, **kw).errors]


def basic_auth_header(user, password, encoding="latin-1"):
    """The Authorization header value for Basic credentials."""
    raw = user.encode(encoding) + b":" + password.encode(encoding)
    return "Basic " + base64.b64encode(raw).decode("ascii")
