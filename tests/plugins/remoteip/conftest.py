"""A real nginx in front of greenphase (Debian's ``nginx`` package)."""

import os

import pytest

from support import nginx as nginx_support


@pytest.fixture(scope="module")
def nginx(tmp_path_factory):
    """Factory: ``nginx(upstream_port, extra="")`` -> a running :class:`support.nginx.Nginx`
    proxying to greenphase; all are stopped when the module's tests are done. Missing nginx:
    skip, or fail when CI=true."""
    if nginx_support.binary() is None:
        message = "nginx not found: %s" % nginx_support.INSTALL_HINT
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    started = []

    def start(upstream_port, extra=""):
        proxy = nginx_support.Nginx(tmp_path_factory.mktemp("nginx"), upstream_port, extra)
        started.append(proxy)
        return proxy

    yield start
    for proxy in started:
        proxy.stop()
