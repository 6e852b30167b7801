"""Fixtures of the hostile-input corpus: one real server per test module."""

import pytest

import hostile_site
from support.server import serve


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The hostile site (see hostile_site.py) served by a real greenphase process."""
    root = tmp_path_factory.mktemp("hostile")
    server = serve(hostile_site.build(root), directory=root)
    server.root = root
    yield server
    server.stop()
