"""The Basic scheme on the wire (RFC 7617), shared by every plugin that reads credentials."""

import base64
import binascii

# Far above any real "user:password" in base64; a longer header is refused unread.
MAX_TOKEN = 8192


class NoCredentials(Exception):
    """The request carries no Authorization header."""


class BadCredentials(Exception):
    """The Authorization header is unusable; the message says why (for the error log)."""


class OtherScheme(BadCredentials):
    """The Authorization header uses another scheme (Bearer, Digest...)."""


def parse_basic(headers):
    """(user, password) as bytes from a request's headers (a Table).

    Raises NoCredentials, OtherScheme or BadCredentials (several headers, empty, too long,
    not base64, no ':')."""
    values = headers.getlist("Authorization")
    if not values:
        raise NoCredentials()
    if len(values) > 1:
        raise BadCredentials("several Authorization headers")
    parts = values[0].split(None, 1)
    if not parts or parts[0].lower() != "basic":
        raise OtherScheme("client used wrong authentication scheme")
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


def challenge(realm, utf8=False):
    """The ``WWW-Authenticate`` value; line breaks in the realm cannot split the header."""
    flat = " ".join(str(realm).splitlines()).replace("\\", "\\\\").replace('"', '\\"')
    return 'Basic realm="%s"' % flat + (', charset="UTF-8"' if utf8 else "")
