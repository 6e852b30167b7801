"""Started as root with no User line, the workers would serve as root: greenphase says so."""

import os

import pytest

from conftest import wait_for


@pytest.mark.skipif(os.geteuid() != 0, reason="only a server started as root can warn about it")
def test_root_without_user_is_warned_about(site, arbiter):
    server = arbiter(site, workers=1)
    assert site.get("/").status == 200
    wait_for(lambda: "started as root without a User directive" in site.error_log,
             what="the root warning in the error log")
    assert "started as root without a User directive" in server.stderr
