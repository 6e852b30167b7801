"""The process's resources, taken before any worker exists: listening sockets, the
descriptor limit, the PidFile."""

import errno
import os
import resource
import socket

BACKLOG = 1024


class StartError(Exception):
    """Why the server cannot start, in one line for the operator (no traceback)."""


def show(address):
    host, port = address[:2]
    return "[%s]:%d" % (host, port) if ":" in host else "%s:%d" % (host, port)


def bind(addresses):
    """A listening socket for each ``(host, port)``; StartError names the first that fails."""
    sockets = []
    try:
        for host, port in addresses:
            sockets.append(_bind_one(host, port))
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def _bind_one(host, port):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError as exc:
        sock.close()
        reason = {errno.EADDRINUSE: "address already in use",
                  errno.EACCES: "permission denied (ports below 1024 need root)",
                  errno.EADDRNOTAVAIL: "no such local address"}.get(exc.errno, exc.strerror)
        raise StartError("cannot listen on %s: %s" % (show((host, port)), reason)) from None
    sock.set_inheritable(True)
    return sock


def address_of(sock):
    return sock.getsockname()[:2]


def raise_nofile_limit():
    """Lift the soft RLIMIT_NOFILE to the hard limit: every connection is a descriptor."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (ValueError, OSError):
            return soft
        return hard
    return soft


class PidFile:
    """The arbiter's pid, as Apache writes it; removed at exit if it is still ours."""

    def __init__(self, path):
        self.path = path

    def write(self, pid):
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            temporary = "%s.%d.tmp" % (self.path, pid)
            with open(temporary, "w") as f:
                f.write("%d\n" % pid)
            os.replace(temporary, self.path)    # never a half-written file
        except OSError as exc:
            raise StartError("cannot write PidFile %s: %s" % (self.path, exc.strerror)) from None

    def remove(self, pid):
        try:
            with open(self.path) as f:
                if f.read().strip() != str(pid):
                    return
            os.unlink(self.path)
        except OSError:
            pass
