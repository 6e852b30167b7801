"""The lines of a response head, each made once where it can be: the status line per status,
Date and Server once a second, Content-Type per (type, AddDefaultCharset), Keep-Alive per
(timeout, requests left); and the handler's own headers, checked so none splits the response.
``kernel.http.response.Response`` puts them together.
"""

import re
import time
from email.utils import formatdate

from ..lifecycle import constants as C
from ..lifecycle.errors import InvalidHeader

SERVER_HEADER = b"greenphase"

_UNSAFE_VALUE = re.compile(r"[\r\n\x00]")
_BAD_NAME = re.compile(r"[^!#$%&'*+\-.^_`|~0-9A-Za-z]")
# Headers the framing writes itself: a handler's own copy in headers_out is not sent twice.
_FRAMING = frozenset(("content-length", "transfer-encoding", "connection", "content-type"))
STATUS_LINES = {}
DATE_CACHE = [0, b""]


def status_line(status, custom=None):
    """b'HTTP/1.1 200 OK\\r\\n', or the handler's own status_line when it is sound."""
    if custom and custom.startswith(str(status)) and not _UNSAFE_VALUE.search(custom):
        return ("HTTP/1.1 %s\r\n" % custom).encode("latin-1", "replace")
    line = STATUS_LINES.get(status)
    if line is None:
        line = STATUS_LINES[status] = ("HTTP/1.1 %d %s\r\n" % (status, C.reason(status))).encode()
    return line


def set_server_header(value):
    """The Server header every response carries (ServerTokens; the listener sets it)."""
    global SERVER_HEADER
    SERVER_HEADER = value.encode("latin-1")
    DATE_CACHE[0] = 0


def date_and_server():
    """The Date and Server header lines, made once a second."""
    now = int(time.time())
    if DATE_CACHE[0] != now:
        DATE_CACHE[0] = now
        DATE_CACHE[1] = b"Date: %s\r\nServer: %s\r\n" % (formatdate(now, usegmt=True).encode(), SERVER_HEADER)
    return DATE_CACHE[1]


TYPE_LINES = {}           # (content type, AddDefaultCharset) -> its header line
KEEP_ALIVE_LINES = {}     # (HTTP/1.0, KeepAliveTimeout, requests left or None) -> lines
LINES_KEPT = 512


def content_type_line(req, content_type, charset):
    """The Content-Type line of ``content_type`` (AddDefaultCharset applied), remembered; an
    unsafe one is refused as header_lines refuses it."""
    if _UNSAFE_VALUE.search(content_type):
        header_lines(req)               # drops it and raises InvalidHeader
    key = (content_type, charset)
    if content_type == C.DIR_MAGIC_TYPE:
        line = b""
    else:
        if charset and content_type.startswith(("text/plain", "text/html")) \
                and "charset=" not in content_type:
            content_type += "; charset=" + charset
        line = ("Content-Type: %s\r\n" % content_type).encode("latin-1", "replace")
    if len(TYPE_LINES) >= LINES_KEPT:
        TYPE_LINES.clear()
    TYPE_LINES[key] = line
    return line


def keep_alive_line(key):
    """The Connection (HTTP/1.0) and Keep-Alive lines of ``key``, remembered."""
    http10, timeout, left = key
    line = b"Connection: Keep-Alive\r\n" if http10 else b""
    if left is not None:
        line += b"Keep-Alive: timeout=%d, max=%d\r\n" % (timeout, left)
    else:       # MaxKeepAliveRequests 0: unlimited, and max=0 would mean "stop"
        line += b"Keep-Alive: timeout=%d\r\n" % timeout
    if len(KEEP_ALIVE_LINES) >= LINES_KEPT:
        KEEP_ALIVE_LINES.clear()
    KEEP_ALIVE_LINES[key] = line
    return line


def header_lines(req):
    """headers_out and err_headers_out as 'Name: value' lines. A header that would split the
    response (CR, LF or NUL in it, or a name that is no token) is dropped, then refused."""
    lines, bad = [], []
    for table in (req.headers_out, req.err_headers_out):
        if not table:
            continue
        for key, value in table.items():
            if "\r" in value or "\n" in value or "\0" in value or not key or _BAD_NAME.search(key):
                bad.append((table, key))
            elif key.lower() not in _FRAMING:
                lines.append("%s: %s\r\n" % (key, value))
    content_type = req._content_type
    if content_type and _UNSAFE_VALUE.search(content_type):
        req._content_type = None
        bad.append((None, "Content-Type"))
    if bad:
        for table, key in bad:
            if table is not None and key in table:
                del table[key]
        raise InvalidHeader("response header %r has CR, LF or NUL in its value, or a bad name; "
                            "the response was refused" % bad[0][1])
    return "".join(lines)
