"""Basic credentials as this plugin's directives read them (charset, realm, challenge)."""

from greenphase import BadCredentials, basic_challenge, parse_basic


def is_basic(req):
    return (req.dir_config["AuthType"] or "").lower() == "basic"


def charset(req):
    """The codec user names and passwords are decoded with: latin-1 as mod_python, unless
    ``AuthBasicCharset UTF-8``."""
    return req.dir_config["AuthBasicCharset"]


# The decoded pair per (charset, Authorization value): a client sends the same header with
# every request, and a request asks up to three times (check_user_id, get_basic_auth_pw, the
# password file). Bounded: emptied when full (a client sending ever new values only makes
# every lookup miss). Unusable values are not kept: they are answered 401 anyway.
DECODED_MAX = 1024
_decoded = {}


def decoded_credentials(req, codec=None):
    """(user, password) as str in the configured charset (``codec``: the plan's, else read
    from the configuration); raises NoCredentials/BadCredentials."""
    if codec is None:
        codec = charset(req)
    headers = req.headers_in
    values = headers.getlist("Authorization")
    if len(values) == 1:
        key = (codec, values[0])
        pair = _decoded.get(key)
        if pair is not None:
            return pair
    user, password = parse_basic(headers)
    try:
        pair = user.decode(codec), password.decode(codec)
    except UnicodeDecodeError:
        raise BadCredentials("Basic credentials are not valid %s" % codec) from None
    if len(_decoded) >= DECODED_MAX:
        _decoded.clear()
    _decoded[key] = pair
    return pair


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
