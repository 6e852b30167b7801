"""For tests of the kernel, of plugins and of sites: an in-process client over the real
connection code, one fake request, a Site from configuration text, Basic credentials.

Public (``kernel.testing``): plugin authors use it as the project's own tests do.
"""

from .client import Client, Reply
from .fake_request import FakeRequest
from .sites import basic_auth_header, build_site, config_errors

__all__ = ["Client", "FakeRequest", "Reply", "basic_auth_header", "build_site", "config_errors"]
