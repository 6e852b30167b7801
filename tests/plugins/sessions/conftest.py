"""Fixtures of the session tests: a real redis-server."""

import os

import pytest

from support.redis import INSTALL_HINT, RedisServer, missing
from support.server import free_port


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    """redis-server on a free loopback port. Missing: skip, or fail when CI=true."""
    if missing():
        message = "redis-server not found: %s" % INSTALL_HINT
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    server = RedisServer(free_port(), tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()
