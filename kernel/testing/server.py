"""A real ``greenphase serve --single`` in a subprocess, for plugin authors' tests.

``start_server(config_text, directory)`` writes the configuration (with ``Listen`` on a free
loopback port and, unless the text has one, an ``ErrorLog`` in ``directory``), starts the
server with the chosen plugin list, waits for its ``listening on`` line (bounded, never a
fixed sleep) and returns a :class:`RunningServer`: an HTTP client (``get``, ``request``) and
the error log (``error_log()``). The ``greenphase_server`` fixture of the pytest plugin
(``kernel/testing/pytest_plugin.py``) stops every server it started.
"""

import http.client
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

READY = re.compile(r"listening on (https?://\S+)")
START_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0
_LISTEN = re.compile(r"^\s*Listen\s+.*$", re.IGNORECASE | re.MULTILINE)
_ERRORLOG = re.compile(r"^\s*ErrorLog\s", re.IGNORECASE | re.MULTILINE)


def free_port():
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class HTTPReply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


class RunningServer:
    """One server subprocess: ``url``, ``port``, ``get``/``request``, ``error_log()``."""

    def __init__(self, config_file, port, error_log=None, args=(), env=None, cwd=None,
                 python=None, command=None):
        """``command``: what to run instead of ``python -m kernel.cli serve --config FILE ARGS``."""
        self.config_file, self.port, self.error_log_path = str(config_file), port, error_log
        self.url = None
        self._out, self._err, self._lines = [], [], queue.Queue()
        command = command or [python or sys.executable, "-m", "kernel.cli", "serve",
                              "--config", self.config_file, *args]
        self.proc = subprocess.Popen(command, cwd=cwd, env=dict(os.environ, **(env or {})),
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, bufsize=1)
        self._readers = [threading.Thread(target=self._drain, args=(s, sink, s is self.proc.stdout),
                                          daemon=True)
                         for s, sink in ((self.proc.stdout, self._out), (self.proc.stderr, self._err))]
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
            self._lines.put(None)

    def _wait_ready(self):
        while True:
            try:
                line = self._lines.get(timeout=START_TIMEOUT)
            except queue.Empty:
                raise RuntimeError("greenphase did not report listening within %ss%s"
                                   % (START_TIMEOUT, self.describe())) from None
            if line is None:
                self.proc.wait(STOP_TIMEOUT)
                raise RuntimeError("greenphase exited (%s) before listening%s"
                                   % (self.proc.returncode, self.describe()))
            match = READY.search(line)
            if match:
                self.url = match.group(1).rstrip("/") + "/"
                return

    def describe(self):
        return "\nconfig: %s\n--- stdout ---\n%s--- stderr ---\n%s" % (
            self.config_file, self.stdout, self.stderr)

    def wait_for_output(self, pattern, timeout=10.0):
        """The next stdout line (after the listening line) matching regex ``pattern``."""
        regex = re.compile(pattern)
        while True:
            try:
                line = self._lines.get(timeout=timeout)
            except queue.Empty:
                raise TimeoutError("no stdout line matching %r within %ss%s"
                                   % (pattern, timeout, self.describe())) from None
            if line is None:
                raise RuntimeError("stdout closed before a line matched %r%s"
                                   % (pattern, self.describe()))
            if regex.search(line):
                return line

    @property
    def stdout(self):
        return "".join(self._out)

    @property
    def stderr(self):
        return "".join(self._err)

    def request(self, method, path, body=None, headers=None):
        """One HTTP request on a fresh connection; an :class:`HTTPReply`."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return HTTPReply(response.status, response.headers, response.read())
        finally:
            conn.close()

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def error_log(self, wait_for=None, timeout=5.0):
        """The error log's text so far ('' before the first line). ``wait_for``: a regex to
        wait for (bounded by ``timeout``; a line written after the response went out, by
        log_transaction say, may come a moment after the client read the reply)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                text = Path(self.error_log_path).read_text()
            except FileNotFoundError:
                text = ""
            if wait_for is None or re.search(wait_for, text):
                return text
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise TimeoutError("no error-log line matching %r within %ss; the log:\n%s"
                                   % (wait_for, timeout, text))
            time.sleep(0.02)        # polling the file for the line, bounded by the deadline

    def stop(self):
        """SIGTERM, a bounded wait, then SIGKILL; the exit status."""
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


def start_server(config_text, directory, plugins=None, args=(), env=None, single=True,
                 python=None):
    """Serve ``config_text`` (a file is written in ``directory``) on a free loopback port.

    ``plugins``: the exact plugin list (``--plugins``), or None for the site's own choice
    (the built-ins, then its ``LoadPlugin`` lines). ``args``: more ``greenphase serve``
    options (``--trace-hooks``, ``--plugin MODULE``...). ``single=False``: the arbiter and
    its workers (give ``--workers N`` in ``args``) instead of one process. ``python``: the
    interpreter to serve with (default: this one), for an environment of its own.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    text = _LISTEN.sub("", config_text)
    head = ["Listen 127.0.0.1:%d" % port]
    error_log = directory / "error.log"
    if _ERRORLOG.search(text):
        error_log = None
    else:
        head.append('ErrorLog "%s"' % error_log)
    config = directory / ("site-%d.conf" % port)
    config.write_text("\n".join(head) + "\n" + text)
    more = (["--single"] if single else []) + list(args)
    if plugins is not None:
        more += ["--plugins", ",".join(plugins)]
    return RunningServer(config, port, error_log, more, env, cwd=directory, python=python)
