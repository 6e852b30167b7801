"""Fixtures of the status plugin's tests (the site and helpers: ``support.status``)."""

import pytest

from kernel.testing import start_server

from support.status import StatusSite


@pytest.fixture
def status_site(tmp_path):
    return StatusSite(tmp_path / "site")


@pytest.fixture
def status_server(status_site, tmp_path):
    """Factory: ``status_server(access=..., extra=..., workers=None)`` -> running server
    (``workers``: under the arbiter with that many workers, else ``--single``)."""
    servers = []

    def start(access="Require local", extra="", workers=None):
        args = ["--workers", str(workers)] if workers else []
        server = start_server(status_site.config(access, extra), tmp_path / "run",
                              args=args, single=workers is None)
        servers.append(server)
        return server

    yield start
    status_site.open_gate()         # no handler left waiting on a stopping server
    for server in servers:
        server.stop()
