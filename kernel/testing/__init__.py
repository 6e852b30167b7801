"""For tests of the kernel, of plugins and of sites: an in-process client over the real
connection code, one fake request, a Site from configuration text, Basic credentials.

Public (``greenphase.testing``): plugin authors use it as the project's own tests do. Real
servers in a subprocess: ``start_server`` (``kernel/testing/server.py``), and the pytest
fixtures ``greenphase_server`` / ``greenphase_site`` (``kernel/testing/pytest_plugin.py``,
registered as the ``pytest11`` entry point ``greenphase``).
"""

from .client import Client, Reply
from .fake_request import FakeRequest
from .server import HTTPReply, RunningServer, free_port, start_server
from .sites import basic_auth_header, build_site, config_errors

__all__ = ["Client", "FakeRequest", "HTTPReply", "Reply", "RunningServer", "basic_auth_header",
           "build_site", "config_errors", "free_port", "start_server"]
