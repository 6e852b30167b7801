"""The servers bench/run.py compares, each started as a subprocess the way a user starts it.

- ceiling:    bench/baseline_server.py, a bare gevent + httptools "Hello World!" responder;
- greenphase: `greenphase serve --config`, with no options (GREENPHASE_COMMAND, the one place
              that says how greenphase is run: when `serve` grows defaults, the bench follows);
- apache:     a private Apache 2.4 + mod_python (own ServerRoot, run files and port), configured as
              Debian ships it: apache2.conf's core settings, Debian's default module set and their
              shipped .conf files (mpm_event.conf: StartServers 2, ThreadsPerChild 25,
              MaxRequestWorkers 150), plus mod_python. No access log on either side.

Both greenphase and Apache serve bench/site/site.conf unchanged: their wrapper config does
`Define SITE <bench/site>` and `Include`s it.
"""

import os
import resource
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SITE = HERE / "site"
START_TIMEOUT = 30.0

APACHE = "/usr/sbin/apache2"
APACHE_MODULES = Path("/etc/apache2/mods-available")
# Debian's default set (what a fresh `apt-get install apache2` enables), plus mod_python, in
# the order apache2.conf's `IncludeOptional mods-enabled/*.load` loads them (alphabetical; the
# order of equal-priority hooks follows it).
DEBIAN_MODULES = sorted(["mpm_event", "access_compat", "alias", "auth_basic", "authn_core",
                         "authn_file", "authz_core", "authz_host", "authz_user", "autoindex",
                         "deflate", "dir", "env", "filter", "mime", "negotiation", "reqtimeout",
                         "setenvif", "status", "python"])


def greenphase_command(config, *options):
    """How a user starts greenphase on a config file: the default command line, nothing tuned
    (since `--workers` exists: gunicorn's arbiter with one worker per core). ``options``: only
    for the profile, which wants one process (``--single``)."""
    script = Path(sys.executable).parent / "greenphase"
    return [str(script), "serve", "--config", str(config), *options]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raise_nofile():
    """RLIMIT_NOFILE soft limit up to the hard one (10,000 connections need the descriptors)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def apache_available():
    """None when Apache + mod_python can run here, else why not."""
    if not os.path.exists(APACHE):
        return "apache2 is not installed (apt-get install apache2 libapache2-mod-python)"
    if not (APACHE_MODULES / "python.load").exists():
        return "mod_python is not installed (apt-get install libapache2-mod-python)"
    return None


def descendants(pid):
    """pid and every process below it (Apache's children, a future arbiter's workers)."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(children.get(p, []))
    return found


def _sum_field(pids, path, field):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/{path}") as f:
                for line in f:
                    if line.startswith(field):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def rss_kib(pids):
    """RSS summed over the processes (pages forked workers share count once per process)."""
    return _sum_field(pids, "status", "VmRSS:")


def pss_kib(pids):
    """Proportional set size summed: shared pages split among their sharers, the honest total."""
    return _sum_field(pids, "smaps_rollup", "Pss:")


class Server:
    """One server subprocess in its own session (so its whole group can be ended), ready once
    it answers HTTP on its port."""

    def __init__(self, name, port, command, workdir):
        self.name, self.port, self.workdir = name, port, Path(workdir)
        self.log = self.workdir / f"{name}.out"
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=True,
                                         preexec_fn=raise_nofile, cwd=str(self.workdir))
        self._wait_ready()

    def _wait_ready(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=2) as s:
                    s.sendall(b"HEAD /static/page.html HTTP/1.0\r\nHost: bench\r\n\r\n")
                    if s.recv(16).startswith(b"HTTP/"):
                        return
            except OSError:
                time.sleep(0.05)        # polling a port that is not open yet
        self.stop()
        raise RuntimeError(f"{self.name} did not start on port {self.port}:\n{self.output()}")

    def output(self):
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return text[-3000:]

    def pids(self):
        return descendants(self.proc.pid) if self.proc.poll() is None else []

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)    # leftovers of our own session only
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()


# Every starter takes `extra`: directives both servers get for one scenario (the idle test
# raises KeepAliveTimeout); the ceiling has no configuration and keeps connections forever.

def start_ceiling(port, workdir, extra=""):
    return Server("ceiling", port, [sys.executable, str(HERE / "baseline_server.py"), str(port)],
                  workdir)


def greenphase_config(port, workdir, extra=""):
    run = Path(workdir) / f"greenphase-{port}"
    run.mkdir()
    config = run / "bench.conf"
    config.write_text(f'Listen 127.0.0.1:{port}\nErrorLog "{run}/error_log"\n{extra}\n'
                      f'Define SITE "{SITE}"\nInclude "{SITE}/site.conf"\n')
    return config


def start_greenphase(port, workdir, extra="", options=()):
    config = greenphase_config(port, workdir, extra)
    return Server("greenphase", port, greenphase_command(config, *options), config.parent)


def apache_config(port, run, extra=""):
    lines = [f'ServerRoot "{run}"', f'DefaultRuntimeDir "{run}"', f'PidFile "{run}/apache2.pid"',
             # apache2.conf as Debian ships it (minus its access log and virtual hosts)
             "Timeout 300", "KeepAlive On", "MaxKeepAliveRequests 100", "KeepAliveTimeout 5",
             "User www-data", "Group www-data", "HostnameLookups Off",
             f'ErrorLog "{run}/error.log"', "LogLevel warn"]
    for module in DEBIAN_MODULES:
        lines.append(f"Include {APACHE_MODULES}/{module}.load")
    for module in DEBIAN_MODULES:
        if (APACHE_MODULES / f"{module}.conf").exists():
            lines.append(f"Include {APACHE_MODULES}/{module}.conf")
    lines += ["ServerName 127.0.0.1", f"Listen 127.0.0.1:{port}",
              "<Directory />", "    Options FollowSymLinks", "    AllowOverride None",
              "    Require all denied", "</Directory>", "AccessFileName .htaccess",
              '<FilesMatch "^\\.ht">', "    Require all denied", "</FilesMatch>",
              extra, f'Define SITE "{SITE}"', f'Include "{SITE}/site.conf"']
    return "\n".join(lines) + "\n"


def start_apache(port, workdir, extra=""):
    run = Path(workdir) / f"apache-{port}"
    run.mkdir()
    config = run / "httpd.conf"
    config.write_text(apache_config(port, run, extra))
    return Server("apache", port, [APACHE, "-f", str(config), "-DFOREGROUND"], run)


STARTERS = {"ceiling": start_ceiling, "greenphase": start_greenphase, "apache": start_apache}
