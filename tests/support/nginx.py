"""A real nginx (Debian's package) as a reverse proxy in front of a test's greenphase.

Each instance has its own prefix folder (config, pid, logs, temp paths), listens on a free
loopback port, runs in the foreground (``daemon off``) and is ready once it accepts a TCP
connection; ``stop()`` ends it (SIGQUIT, bounded wait, then kill).
"""

import os
import shutil
import signal
import socket
import subprocess
import time

from .server import free_port

INSTALL_HINT = "apt-get install nginx"
START_TIMEOUT = 10.0
STOP_TIMEOUT = 10.0

CONFIG = """\
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log info;
events {{ worker_connections 64; }}
http {{
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://127.0.0.1:{upstream};
            proxy_set_header Host $host:$server_port;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
{extra}
        }}
    }}
}}
"""


def binary():
    """The nginx executable, or None (it lives in /usr/sbin, often not on a user's PATH)."""
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None


class Nginx:
    """``Nginx(folder, upstream_port, extra=...)``: proxies 127.0.0.1:.port -> upstream.

    ``extra``: more directives for the ``location /`` block (``proxy_bind 127.0.0.3;``,
    ``proxy_set_header X-Forwarded-Proto https;``).
    """

    def __init__(self, prefix, upstream_port, extra=""):
        self.prefix = str(prefix)
        os.makedirs(os.path.join(self.prefix, "tmp"), exist_ok=True)
        self.port = free_port()
        self.config_file = os.path.join(self.prefix, "nginx.conf")
        with open(self.config_file, "w") as f:
            f.write(CONFIG.format(prefix=self.prefix, port=self.port, upstream=upstream_port,
                                  extra="\n".join("            " + line for line in extra.splitlines())))
        self.proc = subprocess.Popen(
            [binary(), "-p", self.prefix, "-e", os.path.join(self.prefix, "error.log"),
             "-c", self.config_file, "-g", "daemon off;"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True)     # its own process group: master and workers end together
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self):
        """Bounded: until a connection is accepted, or nginx exits (its log says why)."""
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("nginx exited (%s) before listening\n%s"
                                   % (self.proc.returncode, self.log()))
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1.0).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("nginx did not listen within %ss\n%s"
                                       % (START_TIMEOUT, self.log())) from None
                try:        # the process ending wakes us at once; else try again shortly
                    self.proc.wait(0.05)
                except subprocess.TimeoutExpired:
                    pass

    def log(self):
        path = os.path.join(self.prefix, "error.log")
        output = self.proc.stdout.read().decode(errors="replace") if self.proc.poll() is not None else ""
        try:
            with open(path, errors="replace") as f:
                return output + f.read()
        except OSError:
            return output

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)       # graceful: finish, then exit
            try:
                self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(STOP_TIMEOUT)
        if self.proc.stdout:
            self.proc.stdout.close()
        return self.proc.returncode
