"""Run `greenphase serve` as a subprocess on a free loopback port.

The server is ready when it prints `listening on http://HOST:PORT/` on stdout; we wait for
that line (bounded), never for a fixed time.
"""

import os
import re
import sys
import tempfile
from pathlib import Path

# One implementation of "a server subprocess" for our tests and plugin authors' (kernel.testing).
from kernel.testing.server import RunningServer, free_port  # noqa: F401  (free_port: re-exported)

LISTEN_LINE = re.compile(r"^\s*Listen\s+\S+.*$", re.IGNORECASE | re.MULTILINE)
SERVER_ROOT_LINE = re.compile(r"^\s*ServerRoot\s", re.IGNORECASE | re.MULTILINE)
DOCUMENT_ROOT_LINE = re.compile(r"^\s*DocumentRoot\s", re.IGNORECASE | re.MULTILINE)


def greenphase_command():
    """The installed console script next to this interpreter, else the module."""
    script = Path(sys.executable).parent / "greenphase"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "kernel.cli"]


def with_port(text, port, server_root=None):
    """Config text listening on 127.0.0.1:port only (any Listen lines are replaced).

    `server_root`: set ServerRoot when the text has none, so that a config copied elsewhere
    still resolves its relative paths against its original folder.
    """
    text = LISTEN_LINE.sub("", text)
    head = [f"Listen 127.0.0.1:{port}"]
    if server_root and not SERVER_ROOT_LINE.search(text):
        head.insert(0, f'ServerRoot "{server_root}"')
    if not DOCUMENT_ROOT_LINE.search(text):
        # Most test sites keep their handlers beside the config: serve that folder (the
        # server's own default, ServerRoot/htdocs, would not exist there).
        text += "\nDocumentRoot .\n"
    return "\n".join(head) + "\n" + text


class Server(RunningServer):
    """A running `greenphase serve --single` (one process, quick to start; tests/deploy/ runs
    the arbiter and its workers); use as a context manager or call stop()."""

    def __init__(self, config_file, port, cwd=None, env=None, args=(), command=None):
        """`command`: what to run instead of `greenphase serve --single --config FILE ARGS`."""
        command = command or greenphase_command() + ["serve", "--single", "--config",
                                                     str(config_file), *args]
        super().__init__(config_file, port, env=dict(env or {}, PYTHONUNBUFFERED="1"), cwd=cwd,
                         command=command)


def write_config(config, port, directory):
    """Write `config` (text, or a path to a config file) listening on 127.0.0.1:port into
    `directory`; returns the new file. A file's copy keeps its folder as ServerRoot."""
    if isinstance(config, Path) or (isinstance(config, str) and "\n" not in config
                                    and os.path.isfile(config)):
        source = Path(config).resolve()
        text = with_port(source.read_text(), port, server_root=source.parent)
        name = source.name
    else:
        text = with_port(config, port)
        name = "greenphase.conf"
    config_file = Path(directory) / f"port{port}-{name}"
    config_file.write_text(text)
    return config_file


def serve(config, *, cwd=None, directory=None, env=None, args=(), port=None):
    """Start greenphase on a free port and return the running :class:`Server`.

    `config`: config text, or a path to a config file (see write_config). The written config
    goes to `directory` (default: `cwd`, else a new temporary folder).
    """
    port = port or free_port()
    directory = directory or cwd or tempfile.mkdtemp(prefix="greenphase-test-")
    return Server(write_config(config, port, directory), port, cwd=cwd, env=env, args=args)
