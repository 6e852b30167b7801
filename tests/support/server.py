"""Run `greenphase serve` as a subprocess on a free loopback port.

The server is ready when it prints `listening on http://HOST:PORT/` on stdout; we wait for
that line (bounded), never for a fixed time.
"""

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

READY = re.compile(r"listening on (http://\S+)")
START_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0
LISTEN_LINE = re.compile(r"^\s*Listen\s+\S+.*$", re.IGNORECASE | re.MULTILINE)
SERVER_ROOT_LINE = re.compile(r"^\s*ServerRoot\s", re.IGNORECASE | re.MULTILINE)
DOCUMENT_ROOT_LINE = re.compile(r"^\s*DocumentRoot\s", re.IGNORECASE | re.MULTILINE)


def free_port():
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


class Server:
    """A running `greenphase serve`; use as a context manager or call stop()."""

    def __init__(self, config_file, port, cwd=None, env=None, args=(), command=None):
        """`command`: what to run instead of `greenphase serve --config FILE ARGS`."""
        self.config_file = str(config_file)
        self.port = port
        self.url = None
        self._stdout, self._stderr = [], []
        self._lines = queue.Queue()
        full_env = dict(os.environ, PYTHONUNBUFFERED="1")
        full_env.update(env or {})
        # --single: one process, quick to start; tests/deploy/ runs the arbiter and workers.
        self.proc = subprocess.Popen(
            command or greenphase_command() + ["serve", "--single", "--config", self.config_file, *args],
            cwd=cwd, env=full_env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
        self._readers = [
            threading.Thread(target=self._drain, args=(self.proc.stdout, self._stdout, True), daemon=True),
            threading.Thread(target=self._drain, args=(self.proc.stderr, self._stderr, False), daemon=True),
        ]
        for reader in self._readers:
            reader.start()
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise

    def _drain(self, stream, sink, announce):
        for line in stream:
            sink.append(line)
            if announce:
                self._lines.put(line)
        if announce:
            self._lines.put(None)    # EOF: the process closed stdout (usually: it died)

    def _wait_ready(self):
        while True:
            try:
                line = self._lines.get(timeout=START_TIMEOUT)
            except queue.Empty:
                raise RuntimeError(f"greenphase did not report listening within {START_TIMEOUT}s"
                                   + self._describe()) from None
            if line is None:
                self.proc.wait(STOP_TIMEOUT)
                raise RuntimeError(f"greenphase exited ({self.proc.returncode}) before listening"
                                   + self._describe())
            match = READY.search(line)
            if match:
                self.url = match.group(1).rstrip("/") + "/"
                return

    def wait_for_output(self, pattern, timeout=10.0):
        """The next stdout line (after the listening line) matching regex `pattern`."""
        regex = re.compile(pattern)
        while True:
            try:
                line = self._lines.get(timeout=timeout)
            except queue.Empty:
                raise TimeoutError(f"no stdout line matching {pattern!r} within {timeout}s"
                                   + self._describe()) from None
            if line is None:
                raise RuntimeError(f"stdout closed before a line matched {pattern!r}" + self._describe())
            if regex.search(line):
                return line

    def _describe(self):
        return (f"\nconfig: {self.config_file}\n--- stdout ---\n{self.stdout}"
                f"--- stderr ---\n{self.stderr}")

    @property
    def stdout(self):
        return "".join(self._stdout)

    @property
    def stderr(self):
        return "".join(self._stderr)

    def stop(self):
        """SIGTERM, wait (bounded), then SIGKILL; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(STOP_TIMEOUT)
        for reader in self._readers:
            reader.join(STOP_TIMEOUT)
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


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
