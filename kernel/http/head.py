"""The request head as the kernel hands it on: request line, target, headers."""

import re
import time
from time import time as _time
from urllib.parse import unquote_to_bytes

from ..lifecycle.tables import Table


class BadRequest(Exception):
    """A request we answer with ``status`` and then close the connection."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def normalize_path(raw):
    """Decode and normalise a request path like Apache: dot segments resolved, slashes merged.

    Encoded slashes (``%2F``) are refused with 404 (AllowEncodedSlashes Off), NUL and paths
    climbing above the root with 400.
    """
    if not raw.startswith("/"):
        raise BadRequest(400, "request path must start with '/'")
    if "%" not in raw and "//" not in raw and "/." not in raw and "\x00" not in raw:
        return raw                  # already normal: the common case
    if "%" in raw:
        lowered = raw.lower()
        if "%2f" in lowered or "%5c" in lowered:
            raise BadRequest(404, "encoded slash in path")
        try:
            decoded = unquote_to_bytes(raw).decode("utf-8", "surrogateescape")
        except ValueError:
            raise BadRequest(400, "bad percent-encoding") from None
    else:
        decoded = raw
    if "\x00" in decoded:
        raise BadRequest(400, "NUL in path")
    segments = []
    for part in decoded.split("/")[1:]:
        if part == "..":
            if not segments:
                raise BadRequest(400, "path climbs above the document root")
            segments.pop()
        elif part not in ("", "."):
            segments.append(part)
    path = "/" + "/".join(segments)
    last = decoded.rsplit("/", 1)[1]
    if segments and last in ("", ".", ".."):
        path += "/"
    return path


_HOST = re.compile(r"(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9._-]*))(?::(\d{0,5}))?\Z")


_hostnames = {}            # Host value -> hostname: clients send the same Host again and again
HOSTNAMES_KEPT = 256


def hostname_of(host):
    """The host part of a Host header, lower-cased ('[::1]:80' -> '::1'), or None.

    A Host that is no host name, IP literal and port is a 400, as in Apache: it is copied
    into redirects and URLs the server builds."""
    if not host:
        return None
    known = _hostnames.get(host)
    if known is not None:
        return known
    match = _HOST.match(host)
    if not match or (match.group(3) and int(match.group(3)) > 65535):
        raise BadRequest(400, "malformed Host header")
    name = (match.group(1) or match.group(2)).lower() or None
    if name is not None:
        if len(_hostnames) >= HOSTNAMES_KEPT:
            _hostnames.clear()
        _hostnames[host] = name
    return name


class Framing(dict):
    """The first Content-Length, Transfer-Encoding and Expect of a request, found in one pass
    over the parser's header pairs (``kernel.http.body.Body`` asks these three only)."""

    __slots__ = ()
    getfirst = dict.get


NO_FRAMING = Framing()     # shared by every request without any of the three: never changed

# Header names from_message looks at: as most clients spell them, and lower-cased.
_NAMES = {}
for _name, _kind in ((b"host", "Host"), (b"content-length", "Content-Length"),
                     (b"transfer-encoding", "Transfer-Encoding"), (b"expect", "Expect")):
    _NAMES[_name] = _NAMES[_name.title()] = _kind
_NAME_LENGTHS = frozenset(len(name) for name in _NAMES)
_PROTOCOLS = {"1.1": ("HTTP/1.1", 1001), "1.0": ("HTTP/1.0", 1000)}

# Request target -> (target, authority of an absolute URI or None, normalised path, query):
# clients ask for the same few targets again and again. Only targets that parsed are kept.
_targets = {}
TARGETS_KEPT = 1024


def _split_target(target):
    """(authority or None, raw path, query) of a request target."""
    authority = None
    raw_path = target
    if target.startswith(("http://", "https://")):
        rest = target.split("://", 1)[1]
        authority, slash, path_part = rest.partition("/")
        raw_path = slash + path_part
    path, _, query = raw_path.partition("?")
    return authority, path.partition("#")[0], query or None


class Head:
    """The parsed request line and headers. ``headers`` (the Table) is made on first use from
    the parser's pairs: a request whose handler reads no header never builds it."""

    __slots__ = ("method", "protocol", "proto_num", "target", "path", "query",
                 "hostname", "_headers", "_pairs", "_host", "time", "keep_alive", "framing")

    @property
    def headers(self):
        table = self._headers
        if table is None:
            table = self._headers = Table()
            items = table._items        # what Table.from_pairs makes, in one pass
            for name, value in self._pairs:
                key = name.decode("latin-1")
                items.append([key.lower(), key, value.decode("latin-1")])
            if self._host is not None:
                table["Host"] = self._host      # the authority of an absolute-URI target
        return table

    @headers.setter
    def headers(self, table):
        self._headers = table

    @property
    def request_line(self):
        return "%s %s %s" % (self.method, self.target, self.protocol)

    @classmethod
    def from_message(cls, msg):
        """The head of a request the HTTP parser delivered (a ``kernel.http.Message``)."""
        head = cls()
        url = msg.url
        raw = url[0] if len(url) == 1 else b"".join(url)
        known = _targets.get(raw)
        version = msg.version
        head.method = method = msg.method
        protocol = _PROTOCOLS.get(version)
        if protocol is None:
            protocol = ("HTTP/" + version,
                        1000 + int(version[-1]) if version.startswith("1.") else 1001)
        head.protocol, head.proto_num = protocol
        head._headers = head._host = None
        head._pairs = pairs = msg.headers
        hosts = None
        framing = NO_FRAMING
        for name, value in pairs:
            kind = _NAMES.get(name)
            if kind is None:
                if len(name) not in _NAME_LENGTHS:
                    continue
                kind = _NAMES.get(name.lower())
                if kind is None:
                    continue
            if kind == "Host":
                if hosts is None:
                    hosts = [value.decode("latin-1")]
                else:
                    hosts.append(value.decode("latin-1"))
            else:
                if framing is NO_FRAMING:
                    framing = Framing()
                framing.setdefault(kind, value.decode("latin-1"))
        head.framing = framing
        if known is None:
            target = raw.decode("latin-1")
            authority, path, query = _split_target(target)
        else:
            target, authority, path, query = known
        head.target = target
        if authority is not None:
            head._host = authority
            hosts = [authority]
        if hosts is None:
            if version == "1.1":
                raise BadRequest(400, "an HTTP/1.1 request needs exactly one Host header")
            host = None
        elif len(hosts) > 1:
            raise BadRequest(400, "an HTTP/1.1 request needs exactly one Host header")
        else:
            host = hosts[0]
        if known is None:
            if target == "*" and method == "OPTIONS":
                path = "/"
            else:
                path = normalize_path(path)
                if len(_targets) >= TARGETS_KEPT:
                    _targets.clear()
                _targets[raw] = (target, authority, path, query)
        head.path = path
        head.query = query
        if host:
            hostname = _hostnames.get(host)
            head.hostname = hostname_of(host) if hostname is None else hostname
        else:
            head.hostname = None
        head.time = _time()
        head.keep_alive = msg.keep_alive
        return head

    def redirected(self, uri, method):
        """The head of an internal redirect to ``uri``."""
        new = Head()
        raw, _, query = uri.partition("?")
        new.method = method
        new.protocol, new.proto_num = self.protocol, self.proto_num
        new.target = uri
        new.path = normalize_path(raw)
        new.query = query or None
        new.hostname = self.hostname
        new._headers = self.headers
        new._pairs, new._host, new.framing = self._pairs, self._host, self.framing
        new.time = time.time()
        new.keep_alive = self.keep_alive
        return new

    @property
    def parsed_uri(self):
        return (None, None, None, None, self.hostname, None, self.path, self.query, None)
