"""Fixtures shared by all tests: a greenphase subprocess, an SMTP sink, a headless browser."""

import os
import sys
from pathlib import Path

import pytest

# tests/ for `support`; the repository root before it, so that the real kernel and plugins
# packages win over tests/kernel/ and tests/plugins/ (folders of tests, not packages).
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from support import TUTORIAL_CONFIG, TUTORIAL_SMTP_ENV, browser as browser_support  # noqa: E402
from support.server import free_port, serve as start_server  # noqa: E402
from support.smtp import SmtpSink  # noqa: E402

GOLDEN_SITE_MARKERS = ("hello", "phases", "publisher", "publisher_shim", "authen", "authen_asis",
                       "authen_literal", "custom404", "debug")


def pytest_configure(config):
    for name in GOLDEN_SITE_MARKERS:
        config.addinivalue_line("markers", f"{name}: golden replay cases of the {name} site(s)")


@pytest.fixture(autouse=True)
def _sys_path_restored():
    """PythonPath appends its folders to sys.path for the whole process, as mod_python does;
    a test that evaluates one in process must not leave them to the next test."""
    saved = sys.path[:]
    yield
    sys.path[:] = saved


@pytest.fixture
def serve(tmp_path):
    """Factory: `serve(config_text_or_path, cwd=None, env=None)` -> running Server.

    The config gets `Listen 127.0.0.1:<free port>`; every server started is stopped
    (SIGTERM, bounded wait, then kill) when the test ends.
    """
    servers = []

    def start(config, *, cwd=None, env=None, args=()):
        server = start_server(config, cwd=cwd, directory=tmp_path, env=env, args=args)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def smtp_sink():
    """An aiosmtpd server on 127.0.0.1:<free port>; `.mails`, `.wait_for(n)`, `.port`."""
    with SmtpSink(free_port()) as sink:
        yield sink


@pytest.fixture
def tutorial(serve):
    """The bundled tutorial site on a free port, with its SMTP sink on another free port.

    Returns (server, sink).
    """
    sink = SmtpSink().start()
    try:
        yield serve(TUTORIAL_CONFIG, env=dict(os.environ, **{TUTORIAL_SMTP_ENV: sink.address})), sink
    finally:
        sink.stop()


@pytest.fixture
def browser(tmp_path):
    """Headless chromium (selenium). Missing chromium: skip, or fail when CI=true."""
    absent = browser_support.missing()
    if absent:
        message = f"{', '.join(absent)} not found: {browser_support.INSTALL_HINT}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    driver = browser_support.chrome(tmp_path / "chromium-profile")
    yield driver
    driver.quit()
