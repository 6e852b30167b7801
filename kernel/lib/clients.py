"""Who the client is, for plugins that guard an operator's page (status, info) and for
``Require local``: one definition of "local", Apache's."""

import ipaddress


def _address(text):
    try:
        addr = ipaddress.ip_address(text)
    except (TypeError, ValueError):
        return None
    return getattr(addr, "ipv4_mapped", None) or addr


def is_local_client(req):
    """Apache's ``Require local``: the client (``req.useragent_ip``, after mod_remoteip) is a
    loopback address (127.0.0.0/8, ::1) or the server's own address on this connection."""
    addr = _address(req.useragent_ip)
    if addr is None:
        return False
    return addr.is_loopback or addr == _address(getattr(req.connection, "local_ip", None))


def access_configured(req):
    """Did the configuration for this request set access control (``Require``,
    ``Allow``/``Deny``/``Order``, ``Satisfy``: they share one key)? The access phase has then
    applied it, whatever it says."""
    return "Require" in getattr(req.dir_config, "explicit", ())
