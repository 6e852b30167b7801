"""ErrorLog/LogLevel and CustomLog/LogFormat, written where Apache writes them."""

import os
import re
import sys
import time

from .constants import LOG_LEVELS

_LEVEL_NAMES = {v: k for k, v in LOG_LEVELS.items()}


def _open(path, server_root=None):
    """Open a log for appending; stderr (and why) when that is impossible. Only the default
    folder, ``ServerRoot/logs``, is created (``greenphase check`` refuses any other missing
    folder); the third value says when it was."""
    if path in ("/dev/stderr", "stderr"):
        return sys.stderr, None, None
    if path in ("/dev/stdout", "stdout"):
        return sys.stdout, None, None
    folder, created = os.path.dirname(path), None
    try:
        if (server_root is not None and not os.path.isdir(folder)
                and os.path.normpath(folder) == os.path.join(server_root, "logs")):
            os.makedirs(folder, exist_ok=True)
            created = folder
        return (open(path, "a", buffering=1, encoding="utf-8", errors="backslashreplace"), None,
                created)
    except OSError as exc:
        return sys.stderr, "cannot open log %s (%s); logging to stderr" % (path, exc.strerror), None


class ErrorLog:
    """Apache-style error log: ``[time] [level] [pid N] [client ip:port] message``."""

    def __init__(self, server):
        self.path = server.config["ErrorLog"]
        self.server_root = server.site.server_root
        self.threshold = LOG_LEVELS.get(server.config["LogLevel"], 4)
        self.stream = sys.stderr       # until the server opens the file (check never does)

    def open(self):
        self.stream, problem, created = _open(self.path, self.server_root)
        if problem:
            self.error(problem, level=4)
        if created:
            self._write("created the log folder %s (the default location)" % created, 5, None)

    def error(self, message, level=3, req=None):
        if level > self.threshold:
            return
        self._write(message, level, req)

    def debug_always(self, message, req=None):
        """A debug line whatever LogLevel says: for output that was asked for explicitly
        (the hook trace, kernel.lifecycle.trace)."""
        self._write(message, 7, req)

    def _write(self, message, level, req):
        now = time.time()
        stamp = time.strftime("%a %b %d %H:%M:%S", time.localtime(now))
        stamp += ".%06d %s" % (int(now % 1 * 1000000), time.strftime("%Y", time.localtime(now)))
        client = ""
        if req is not None:
            client = " [client %s:%s]" % req.useragent_addr
        text = str(message).rstrip("\n")
        if _CONTROL.search(text):   # a client's bytes cannot forge log lines or drive terminals
            text = _CONTROL.sub(lambda m: "\\x%02x" % ord(m.group()), text)
        for line in text.split("\n"):
            self.stream.write("[%s] [%s] [pid %d]%s %s\n"
                              % (stamp, _LEVEL_NAMES.get(level, "error"), os.getpid(), client, line))

    def warning(self, message, req=None):
        self.error(message, level=4, req=req)

    def info(self, message, req=None):
        self.error(message, level=6, req=req)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")   # Apache's \xhh (tabs kept)
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\]')


def _escape(text):
    """What a client sent, made safe for one log line (Apache escapes the same way)."""
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(lambda m: {'"': '\\"', "\\": "\\\\"}.get(m.group(), "\\x%02x" % ord(m.group())),
                       text)


def _clf_time(t):
    return time.strftime("[%d/%b/%Y:%H:%M:%S %z]", time.localtime(t))


def _header(table, name):
    value = table.get(name) if table is not None else None
    if isinstance(value, list):
        value = ", ".join(value)
    return value or "-"


def _bytes(req, zero):
    sent = req.bytes_sent
    return str(sent) if sent or not zero else "-"


# %X -> function(first request, final request, finish time)
_SIMPLE = {
    "h": lambda r, f, t: r.useragent_ip,     # no DNS lookups: the address, as Apache 2.4
    "a": lambda r, f, t: r.useragent_ip,
    "A": lambda r, f, t: r.connection.local_addr[0],
    "l": lambda r, f, t: "-",
    "u": lambda r, f, t: f.user or r.user or "-",
    "t": lambda r, f, t: _clf_time(r.request_time),
    "r": lambda r, f, t: r.the_request,
    "s": lambda r, f, t: str(r.status),
    "b": lambda r, f, t: _bytes(f, True),
    "B": lambda r, f, t: _bytes(f, False),
    "D": lambda r, f, t: str(int((t - r.request_time) * 1000000)),
    "T": lambda r, f, t: str(int(t - r.request_time)),
    "U": lambda r, f, t: r.uri,
    "q": lambda r, f, t: "?" + r.args if r.args else "",
    "m": lambda r, f, t: r.method,
    "H": lambda r, f, t: r.protocol,
    "v": lambda r, f, t: r.server.server_hostname,
    "V": lambda r, f, t: r.hostname or r.server.server_hostname,
    "p": lambda r, f, t: str(r.connection.local_addr[1]),
    "P": lambda r, f, t: str(os.getpid()),
    "f": lambda r, f, t: f.filename or "-",
    "k": lambda r, f, t: str(max(r.connection.keepalives - 1, 0)),
    "I": lambda r, f, t: "-",
    "O": lambda r, f, t: "-",
}
_TABLES = {
    "i": lambda r, f: r.headers_in,
    "o": lambda r, f: f.headers_out if f.headers_out else f.err_headers_out,
    "e": lambda r, f: f.subprocess_env,
    "n": lambda r, f: f.notes,
}
_TOKEN = re.compile(r"%([<>]?)(?:\{([^}]*)\})?([a-zA-Z%])")


def compile_format(fmt):
    """Turn a LogFormat string into a list of literals and functions, once at start-up."""
    parts, pos = [], 0
    fmt = fmt.replace("\\t", "\t").replace('\\"', '"')
    for m in _TOKEN.finditer(fmt):
        if m.start() > pos:
            parts.append(fmt[pos:m.start()])
        modifier, arg, letter = m.groups()
        if letter == "%":
            parts.append("%")
        elif letter == "s":
            parts.append((lambda r, f, t: str(f.status)) if modifier == ">" else _SIMPLE["s"])
        elif arg is not None and letter in _TABLES:
            get = _TABLES[letter]
            parts.append(lambda r, f, t, get=get, arg=arg: _header(get(r, f), arg))
        elif arg == "c" and letter == "a":      # %{c}a: the connection's peer (a proxy)
            parts.append(lambda r, f, t: r.connection.remote_ip)
        elif arg is not None and letter == "t":
            parts.append(lambda r, f, t, arg=arg: time.strftime(arg, time.localtime(r.request_time)))
        elif letter in _SIMPLE:
            parts.append(_SIMPLE[letter])
        else:
            parts.append(m.group(0))
        pos = m.end()
    if pos < len(fmt):
        parts.append(fmt[pos:])
    return parts


class AccessLog:
    """The CustomLog (and TransferLog) targets of one server."""

    def __init__(self, server, opened):
        formats = server.config["LogFormat"]
        entries = list(server.config["CustomLog"] or ())
        if server.config["TransferLog"]:
            entries.append((server.config["TransferLog"], formats.get("", "common"), None))
        self.targets = []
        for target, fmt, condition in entries:
            fmt = formats.get(fmt, fmt)
            if target not in opened:
                opened[target] = _open(target, server.site.server_root)[0]
            env = condition[4:] if condition and condition.startswith("env=") else None
            self.targets.append((opened[target], compile_format(fmt), env))

    def log(self, first, final, finished):
        for stream, parts, env in self.targets:
            if env is not None:
                negate = env.startswith("!")
                if (env.lstrip("!") in final.subprocess_env) == negate:
                    continue
            line = "".join(p if isinstance(p, str) else _escape(p(first, final, finished))
                           for p in parts)
            stream.write(line + "\n")
