"""Basic credentials as this plugin's directives read them (charset, realm, challenge)."""

from greenphase import BadCredentials, basic_challenge, parse_basic


def is_basic(req):
    return (req.dir_config["AuthType"] or "").lower() == "basic"


def charset(req):
    """The codec user names and passwords are decoded with: latin-1 as mod_python, unless
    ``AuthBasicCharset UTF-8``."""
    return req.dir_config["AuthBasicCharset"]


def decoded_credentials(req):
    """(user, password) as str in the configured charset; raises NoCredentials/BadCredentials."""
    user, password = parse_basic(req.headers_in)
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


def challenge(req):
    return basic_challenge(req.dir_config["AuthName"], utf8=charset(req) == "utf-8")


def add_challenge(req):
    """Queue ``WWW-Authenticate`` for a 401 on an ``AuthType Basic`` resource with a realm,
    unless someone already set one."""
    if is_basic(req) and req.dir_config["AuthName"] and "WWW-Authenticate" not in req.err_headers_out:
        req.err_headers_out["WWW-Authenticate"] = challenge(req)
