"""The Basic scheme on the wire (RFC 7617): the Authorization header in, the challenge out."""

import base64
import binascii

# Far above any real "user:password" in base64; a longer header is refused unread.
MAX_TOKEN = 8192


class NoCredentials(Exception):
    """The request carries no Authorization header."""


class BadCredentials(Exception):
    """The Authorization header is unusable; the message says why (for the error log)."""


def is_basic(req):
    return (req.dir_config["AuthType"] or "").lower() == "basic"


def charset(req):
    """The codec user names and passwords are decoded with: latin-1 as mod_python, unless
    ``AuthBasicCharset UTF-8``."""
    return req.dir_config["AuthBasicCharset"]


def basic_credentials(headers):
    """(user, password) as bytes from ``headers`` (a Table)."""
    values = headers.getlist("Authorization")
    if not values:
        raise NoCredentials()
    if len(values) > 1:
        raise BadCredentials("several Authorization headers")
    parts = values[0].split(None, 1)
    if not parts or parts[0].lower() != "basic":
        raise BadCredentials("client used wrong authentication scheme")
    token = parts[1].strip() if len(parts) > 1 else ""
    if not token:
        raise BadCredentials("empty Basic credentials")
    if len(token) > MAX_TOKEN:
        raise BadCredentials("Basic credentials longer than %d characters" % MAX_TOKEN)
    try:
        decoded = base64.b64decode(token, validate=True)
    except (binascii.Error, ValueError):
        raise BadCredentials("Basic credentials are not base64") from None
    user, colon, password = decoded.partition(b":")
    if not colon:
        raise BadCredentials("Basic credentials without ':' between user and password")
    return user, password


def decoded_credentials(req):
    """(user, password) as str in the configured charset; raises NoCredentials/BadCredentials."""
    user, password = basic_credentials(req.headers_in)
    codec = charset(req)
    try:
        return user.decode(codec), password.decode(codec)
    except UnicodeDecodeError:
        raise BadCredentials("Basic credentials are not valid %s" % codec) from None


def user_bytes(req):
    """``req.user`` as the bytes the client sent: names are compared byte for byte, as Apache
    does, whatever charset decoded them."""
    try:
        return req.user.encode(charset(req))
    except UnicodeEncodeError:      # set by a handler, not decoded from a header
        return req.user.encode("utf-8")


def _quoted(text):
    return '"%s"' % text.replace("\\", "\\\\").replace('"', '\\"')


def challenge(req):
    value = "Basic realm=" + _quoted(req.dir_config["AuthName"])
    if charset(req) == "utf-8":
        value += ', charset="UTF-8"'
    return value


def add_challenge(req):
    """Queue ``WWW-Authenticate`` for a 401 on an ``AuthType Basic`` resource with a realm,
    unless someone already set one."""
    if is_basic(req) and req.dir_config["AuthName"] and "WWW-Authenticate" not in req.err_headers_out:
        req.err_headers_out["WWW-Authenticate"] = challenge(req)
