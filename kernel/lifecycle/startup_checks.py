"""What ``greenphase check`` verifies beyond the syntax, and every start refuses on.

A site builds from any text (tests build sites in process with made-up paths); whether it can
be SERVED is this module's question: a Listen address, document roots and Alias targets that
exist, log folders that exist (only ``ServerRoot/logs``, the default, is created), password
files the server can read, addresses nobody else holds. Each problem is one line with the
directive's file:line, the same lines for ``check``, ``serve --single`` and the arbiter's probe.
"""

import errno
import os
import socket


def startup_problems(site, held=()):
    """(errors, warnings) as lines. ``held``: ``(host, port)`` addresses this server holds
    already (a reload), which are not "taken"."""
    errors, warnings = [], []
    config = site.config
    if not config.main.values.get("Listen"):
        errors.append("%s: no Listen directive: greenphase does not guess an address (Apache "
                      "refuses to start too); add one, e.g. 'Listen 127.0.0.1:8080'"
                      % site.config_file)
    default_root = site.main_server.config["DocumentRoot"]
    if "DocumentRoot" not in config.main.values and not os.path.isdir(default_root):
        errors.append("%s: DocumentRoot is not set and the default %s does not exist (it is never "
                      "ServerRoot itself: the configuration and the logs are there); create it or "
                      "set DocumentRoot" % (site.config_file, default_root))
    logs_folder = default_logs_folder(site.server_root)
    for what, path, file, line in config.start_checks:
        problem = _check_path(what, path, logs_folder)
        if problem:
            (warnings if what == "directory-warning" else errors).append(
                "%s:%d: %s" % (file, line, problem))
    taken, ours = _taken_addresses(site.listen, set(held), site.config_file)
    errors.extend(taken)
    warnings.extend(ours)
    return errors, warnings


def default_logs_folder(server_root):
    """The one log folder the server creates when missing."""
    return os.path.join(server_root, "logs")


def _check_path(what, path, logs_folder):
    if what in ("directory", "directory-warning"):
        if not os.path.exists(path):
            return "%s does not exist" % path if what == "directory" else \
                "<Directory %s> names a folder that does not exist" % path
        if not os.path.isdir(path):
            return "%s is not a directory" % path
    elif what == "exists":
        if not os.path.exists(path.rstrip("/") or "/"):
            return "%s does not exist" % path
    elif what == "log":
        folder = os.path.dirname(path)
        if not os.path.isdir(folder) and os.path.normpath(folder) != os.path.normpath(logs_folder):
            return ("the folder of log %s does not exist (greenphase creates only the default "
                    "%s/)" % (path, logs_folder))
    elif what == "readable":
        if not os.path.isfile(path):
            return "%s does not exist or is not a file" % path
        if not os.access(path, os.R_OK):
            return "%s is not readable by this user (uid %d)" % (path, os.geteuid())
    return None


def _taken_addresses(addresses, held, config_file):
    """(errors, warnings): an address another process holds is an error; one held by a
    greenphase serving this same configuration (``check`` before a reload) only a note."""
    errors, warnings = [], []
    for host, port in addresses:
        if (host, port) in held:
            continue
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    pid = listener_serving(port, config_file)
                    if pid:
                        warnings.append("Listen %s:%d: held by the greenphase serving this "
                                        "configuration (pid %d); a reload keeps it"
                                        % (host, port, pid))
                    else:
                        errors.append("Listen %s:%d: the address is held by another process"
                                      % (host, port))
                elif exc.errno == errno.EADDRNOTAVAIL:
                    errors.append("Listen %s:%d: no such local address" % (host, port))
    return errors, warnings


def listener_serving(port, config_file):
    """The pid of a ``greenphase serve`` of ``config_file`` listening on ``port``, found through
    /proc (Linux; only processes this user may look at), else None."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for row in f:
                    fields = row.split()
                    if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                        inodes.add("socket:[%s]" % fields[9])     # 0A: LISTEN
        except (OSError, StopIteration, IndexError, ValueError):
            continue
    if not inodes:
        return None
    wanted = os.path.realpath(config_file)
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fds = os.listdir("/proc/%s/fd" % pid)
            if not any(os.readlink("/proc/%s/fd/%s" % (pid, fd)) in inodes for fd in fds):
                continue
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                argv = f.read().decode("utf-8", "replace").split("\0")
            cwd = os.readlink("/proc/%s/cwd" % pid)
        except OSError:
            continue
        if not any("greenphase" in a or "kernel.cli" in a or "kernel.deploy" in a for a in argv):
            continue
        for flag, value in zip(argv, argv[1:]):
            if flag in ("--config", "-f") and os.path.realpath(os.path.join(cwd, value)) == wanted:
                return int(pid)
    return None
