"""systemd's two protocols, written here rather than linked: readiness and socket activation.

``sd_notify``: one datagram of ``KEY=value`` lines to the AF_UNIX socket named by
``$NOTIFY_SOCKET`` (a leading ``@`` is the abstract namespace). Only the main process may
speak for the service (systemd's default ``NotifyAccess=main``), so the address is taken out
of the environment at start: workers and probes do not inherit it.

Socket activation: ``$LISTEN_FDS`` descriptors from 3 on, meant for us when ``$LISTEN_PID``
is our pid.
"""

import os
import socket
import time

LISTEN_FDS_START = 3
_address = None


def take_notify_socket():
    """Remember ``$NOTIFY_SOCKET`` and remove it from the environment."""
    global _address
    address = os.environ.pop("NOTIFY_SOCKET", None)
    if address:
        _address = "\0" + address[1:] if address.startswith("@") else address
    return _address


def notify(*lines):
    """Send ``lines`` (e.g. ``"READY=1"``) as one datagram; silently nothing without systemd."""
    if not _address:
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(_address)
            sock.sendall("\n".join(lines).encode())
        return True
    except OSError:
        return False        # systemd went away or the socket is gone: nothing to tell


def ready(status=None):
    return notify("READY=1", *(["STATUS=" + status] if status else []))


def reloading():
    # MONOTONIC_USEC lets Type=notify-reload units match this reload to the signal they sent.
    return notify("RELOADING=1", "MONOTONIC_USEC=%d" % (time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000))


def stopping():
    return notify("STOPPING=1")


def inherited_sockets():
    """The listening sockets systemd passed us (and the variables are cleared), or []."""
    try:
        count = int(os.environ.get("LISTEN_FDS", "0"))
        pid = int(os.environ.get("LISTEN_PID", "0"))
    except ValueError:
        return []
    if pid != os.getpid() or count <= 0:
        return []
    for name in ("LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"):
        os.environ.pop(name, None)
    sockets = []
    for fd in range(LISTEN_FDS_START, LISTEN_FDS_START + count):
        try:
            sock = socket.socket(fileno=fd)     # family and type are read from the descriptor
        except OSError as exc:
            raise ValueError("LISTEN_FDS=%d, but descriptor %d is no socket (%s)"
                             % (count, fd, exc.strerror)) from None
        sock.set_inheritable(True)
        sockets.append(sock)
    return sockets
