"""HTTP cookies as mod_python's ``Cookie`` module models them: one object per cookie.

``Cookie`` formats a ``Set-Cookie`` value and parses a ``Cookie`` header; ``SignedCookie``
prefixes the value with an HMAC so a client cannot change it unnoticed; ``MarshalCookie``
carries a (signed) structured value. ``add_cookie``/``get_cookies``/``get_cookie`` work on a
request. Differences from mod_python 3.5, on purpose:

* signatures are HMAC-SHA256 (64 hex digits) over ``name=value`` (3.5: HMAC-MD5 over
  name+value, and broken on Python 3: it passed str to ``hmac.new`` without a digest);
* ``MarshalCookie`` verifies the signature before it unmarshals anything, refuses to be
  built without a secret, and carries only plain data: ``None``, ``bool``, ``int``,
  ``float``, ``complex``, ``str``, ``bytes``, and ``tuple``/``list``/``set``/``frozenset``/
  ``dict`` of those, nested at most 32 deep. Anything else (code objects, ``bytearray``,
  ``Ellipsis``) is a ``CookieError`` when set and when read;
* ``max_age`` goes out as ``max-age`` (3.5 wrote ``max_age=``, which browsers ignore);
  ``secure``/``httponly``/``discard`` are written only when true;
* formatting refuses a name that is not an HTTP token and a value or attribute holding
  ``;`` or a control character (a cookie cannot split a header or add attributes);
* ``expires`` also accepts RFC 1123 dates (``Wdy, DD Mon YYYY HH:MM:SS GMT``).
"""

import base64
import binascii
import calendar
import hashlib
import hmac
import marshal
import re
import time

__all__ = ["Cookie", "CookieError", "MarshalCookie", "SignedCookie", "add_cookie",
           "get_cookie", "get_cookies"]


class CookieError(Exception):
    """A cookie that cannot be formatted, or whose signature or content does not check out."""


# The attributes a cookie may carry, in the order they are written (mod_python's order).
ATTRIBUTES = ("version", "path", "domain", "secure", "comment", "expires", "max_age",
              "samesite", "commentURL", "discard", "port", "httponly")
FLAGS = frozenset(("secure", "discard", "httponly"))
_WIRE = {"max_age": "max-age"}
_CANONICAL = {name.lower(): name for name in ATTRIBUTES}

_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f;]")

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Netscape's format (what mod_python writes) or RFC 1123's; English names whatever the locale.
_EXPIRES = re.compile(r"(%s), (\d\d)([- ])(%s)\3(\d{4}) (\d\d):(\d\d):(\d\d) GMT\Z"
                      % ("|".join(_DAYS), "|".join(_MONTHS)))


def format_expires(seconds):
    """Epoch seconds as ``Wdy, DD-Mon-YYYY HH:MM:SS GMT``."""
    t = time.gmtime(seconds)
    return "%s, %02d-%s-%04d %02d:%02d:%02d GMT" % (
        _DAYS[t.tm_wday], t.tm_mday, _MONTHS[t.tm_mon - 1], t.tm_year,
        t.tm_hour, t.tm_min, t.tm_sec)


def parse_expires(text):
    """Epoch seconds of a cookie date; ``ValueError`` when it is not one."""
    m = _EXPIRES.match(text)
    if not m:
        raise ValueError("Invalid expires time: %s" % text)
    day, mday, _, month, year, hh, mm, ss = m.groups()
    fields = (int(year), _MONTHS.index(month) + 1, int(mday), int(hh), int(mm), int(ss))
    seconds = calendar.timegm(fields + (0, 0, 0))
    if time.gmtime(seconds)[:6] != fields:       # 31-Feb, 25:00 ...
        raise ValueError("Invalid expires time: %s" % text)
    return seconds


class Cookie:
    """One cookie: ``Cookie(name, value, path="/", httponly=True, ...)``; ``str()`` is the
    ``Set-Cookie`` value. Only the attributes in ``ATTRIBUTES`` exist (case-insensitive
    keywords); ``expires`` takes epoch seconds or a cookie date string."""

    DOWNGRADE = 0
    IGNORE = 1
    EXCEPTION = 3

    __slots__ = tuple(a for a in ATTRIBUTES if a != "expires") + (
        "name", "value", "_expires", "__data__")

    def __init__(self, name, value, **attributes):
        self.name, self.value = name, value
        self.__data__ = {}          # subclasses keep their own state here
        for key, val in attributes.items():
            setattr(self, _attribute(key), val)

    @property
    def expires(self):
        return self._expires

    @expires.setter
    def expires(self, value):
        if isinstance(value, str):
            parse_expires(value)
            self._expires = value
        else:
            self._expires = format_expires(value)

    @classmethod
    def parse(cls, text, names=None):
        """``{name: cookie}`` from a ``Cookie`` header value (``$``-names are dropped)."""
        return {name: cls(name, value) for name, value in parse_pairs(text, names)}

    def wire_value(self):
        """The value as it goes on the wire (subclasses sign or encode it)."""
        return self.value

    def __str__(self):
        name, value = str(self.name), str(self.wire_value())
        if not _TOKEN.match(name):
            raise CookieError("Invalid cookie name: %r" % name)
        if _UNSAFE.search(value):
            raise CookieError("Cookie value of %s holds ';' or a control character" % name)
        result = ["%s=%s" % (name, value)]
        for attr in ATTRIBUTES:
            if not hasattr(self, attr):
                continue
            val = getattr(self, attr)
            wire = _WIRE.get(attr, attr)
            if attr in FLAGS:
                if val:
                    result.append(wire)
            elif val is not None:
                val = str(val)
                if _UNSAFE.search(val):
                    raise CookieError("Cookie attribute %s holds ';' or a control character" % attr)
                result.append("%s=%s" % (wire, val))
        return "; ".join(result)

    def __repr__(self):
        try:
            return "<%s: %s>" % (type(self).__name__, self)
        except CookieError as exc:
            return "<%s: %s>" % (type(self).__name__, exc)


def _attribute(key):
    name = _CANONICAL.get(key.lower())
    if name is None:
        raise AttributeError("%r is not a cookie attribute (known: %s)"
                             % (key, ", ".join(ATTRIBUTES)))
    return name


def parse_pairs(text, names=None):
    """The (name, value) pairs of a ``Cookie`` header, in order; a later duplicate wins in
    the dicts built from them, as in mod_python. A value ends at ``;`` even inside quotes
    (as browsers send them); quotes are kept. Linear in the header's length."""
    pairs = []
    for part in text.split(";"):
        key, _, val = part.partition("=")
        key = key.lstrip(" \t\r\n,").rstrip()       # RFC 2616 lists: commas before a name
        if not key or key.startswith("$") or (names is not None and key not in names):
            continue
        pairs.append((key, val.strip()))
    return pairs


def _key(secret):
    if not secret:
        raise CookieError("Cannot sign without a secret")
    return secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)


SIGNATURE_LENGTH = 64   # hex digits of an HMAC-SHA256


class SignedCookie(Cookie):
    """A cookie whose value is prefixed by an HMAC-SHA256 of ``name=value`` keyed with
    ``secret``. The value stays readable by the client; it cannot be changed unnoticed."""

    __slots__ = ()

    def __init__(self, name, value, secret=None, **attributes):
        super().__init__(name, value, **attributes)
        self.__data__["secret"] = secret

    def hexdigest(self, value):
        mac = hmac.new(_key(self.__data__.get("secret")), digestmod=hashlib.sha256)
        mac.update(("%s=" % self.name).encode("utf-8"))
        mac.update(value.encode("utf-8", "surrogateescape"))
        return mac.hexdigest()

    def wire_value(self):
        value = str(self.value)
        return self.hexdigest(value) + value

    def unsign(self, secret):
        """Check the signature with ``secret``; the value loses its prefix. ``CookieError``
        when it does not match."""
        raw = str(self.value)
        signature, value = raw[:SIGNATURE_LENGTH], raw[SIGNATURE_LENGTH:]
        self.__data__["secret"] = secret
        if not hmac.compare_digest(self.hexdigest(value).encode(), signature.encode("utf-8", "replace")):
            self.__data__["secret"] = None
            raise CookieError("Incorrectly Signed Cookie: %s=%s" % (self.name, raw))
        self.value = value

    def _verify(self, secret):
        self.unsign(secret)

    @classmethod
    def parse(cls, text, secret=None, mismatch=Cookie.DOWNGRADE, names=None):
        """Parse and verify. A cookie failing the check becomes a plain :class:`Cookie` with
        its raw value (``DOWNGRADE``), is left out (``IGNORE``) or raises (``EXCEPTION``)."""
        result = {}
        for name, value in parse_pairs(text, names):
            cookie = cls(name, value)
            try:
                cookie._verify(secret)
            except CookieError:
                if mismatch == Cookie.EXCEPTION:
                    raise
                if mismatch == Cookie.IGNORE:
                    result.pop(name, None)
                    continue
                cookie = Cookie(name, value)
            result[name] = cookie
        return result


MAX_DEPTH = 32
_SCALARS = (type(None), bool, int, float, complex, str, bytes)
_CONTAINERS = (tuple, list, set, frozenset)


def check_plain(value, depth=0):
    """Raise ``CookieError`` unless ``value`` is the plain data a MarshalCookie carries."""
    if depth > MAX_DEPTH:
        raise CookieError("MarshalCookie value nested deeper than %d" % MAX_DEPTH)
    kind = type(value)
    if kind in _SCALARS:
        return
    if kind in _CONTAINERS:
        for item in value:
            check_plain(item, depth + 1)
    elif kind is dict:
        for key, item in value.items():
            check_plain(key, depth + 1)
            check_plain(item, depth + 1)
    else:
        raise CookieError("MarshalCookie cannot carry %s" % kind.__name__)


class MarshalCookie(SignedCookie):
    """A signed cookie whose value is any plain data (see the module's list): marshalled,
    base64-encoded (URL-safe alphabet), then signed. The signature is checked before the
    data is unmarshalled, and what comes out is checked again."""

    __slots__ = ()

    def wire_value(self):
        check_plain(self.value)
        encoded = base64.urlsafe_b64encode(marshal.dumps(self.value, 4)).decode("ascii")
        return self.hexdigest(encoded) + encoded

    def unmarshal(self, secret):
        self.unsign(secret)
        try:
            data = base64.urlsafe_b64decode(self.value.encode("ascii"))
            value = marshal.loads(data)
        except (binascii.Error, UnicodeEncodeError, EOFError, ValueError, TypeError):
            raise CookieError("Cannot unmarshal cookie %s" % self.name) from None
        check_plain(value)
        self.value = value

    def _verify(self, secret):
        self.unmarshal(secret)


def add_cookie(req, cookie, value="", **attributes):
    """Add a ``Set-Cookie`` to ``req.headers_out`` (a name and value make a :class:`Cookie`);
    the first one also adds ``Cache-Control: no-cache="set-cookie"`` so shared caches do not
    keep it. Like mod_python, headers_out: an error response does not carry it."""
    if not isinstance(cookie, Cookie):
        cookie = Cookie(cookie, value, **attributes)
    line = str(cookie)
    if "Set-Cookie" not in req.headers_out:
        req.headers_out.add("Cache-Control", 'no-cache="set-cookie"')
    req.headers_out.add("Set-Cookie", line)


def get_cookies(req, Class=Cookie, **kw):
    """``{name: cookie}`` from the request's ``Cookie`` headers, parsed by ``Class``
    (``secret=``/``mismatch=`` for the signed classes)."""
    headers = req.headers_in
    values = headers.getlist("Cookie") if hasattr(headers, "getlist") else headers.get("Cookie")
    if not values:
        return {}
    if isinstance(values, str):
        values = [values]
    return Class.parse("; ".join(values), **kw)


def get_cookie(req, name, Class=Cookie, **kw):
    """The cookie called ``name``, or ``None``."""
    return get_cookies(req, Class, names=[name], **kw).get(name)
