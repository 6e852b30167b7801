"""greenphase's pytest plugin for plugin authors (entry point ``pytest11: greenphase``): it is
active wherever greenphase is installed.

Fixtures:

* ``greenphase_server``: a factory ``greenphase_server(config_text, plugins=None, args=())``
  starting a real ``greenphase serve --single`` on a free loopback port; it returns a
  :class:`kernel.testing.server.RunningServer` (``.get(path)``, ``.request(method, path,
  body, headers)`` giving ``.status``/``.headers``/``.body``/``.text``, ``.error_log()``,
  ``.url``). Every server started is stopped when the test ends.
* ``greenphase_site``: a factory ``greenphase_site(config_text, plugins=None)`` building the
  Site in-process (``greenphase.testing.build_site``) for fast checks of configuration errors
  (``site.errors``: one ``ConfigError`` per problem, with file:line).
"""

import pytest

# The kernel is imported inside the fixtures, not here: pytest loads this module in every
# environment greenphase is installed in, before any test asked for a server.


@pytest.fixture
def greenphase_server(tmp_path):
    from .server import start_server
    servers = []

    def start(config_text, plugins=None, args=(), env=None, single=True):
        server = start_server(config_text, tmp_path / ("server%d" % len(servers)),
                              plugins=plugins, args=args, env=env, single=single)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def greenphase_site(tmp_path):
    from .sites import build_site

    def build(config_text, plugins=None):
        return build_site(tmp_path, config_text, plugins=plugins, check=False)
    return build
