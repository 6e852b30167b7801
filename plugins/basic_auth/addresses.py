"""Client addresses and the networks ``Require ip`` and ``Allow from``/``Deny from`` name."""

import ipaddress


def parse_network(text):
    """Apache's forms: full address, leading octets ('10.1'), CIDR or address/netmask, IPv6."""
    parts = text.rstrip(".").split(".")
    if "/" not in text and ":" not in text and len(parts) < 4 and all(p.isdigit() for p in parts):
        text = ".".join(parts + ["0"] * (4 - len(parts))) + "/%d" % (8 * len(parts))
    return ipaddress.ip_network(text, strict=False)


# Parsing a client's address costs microseconds, and the same clients come back: parsed
# addresses are remembered by their text (emptied when full; an address's parse never changes).
ADDRESSES_MAX = 4096
_addresses = {}


def client_address(req):
    """The client's address (IPv4-mapped IPv6 as IPv4), None when it is no IP address."""
    text = req.useragent_ip                                 # after mod_remoteip, as Apache 2.4
    try:
        return _addresses[text]
    except KeyError:
        pass
    try:
        addr = ipaddress.ip_address(text)
    except ValueError:
        addr = None
    else:
        addr = getattr(addr, "ipv4_mapped", None) or addr
    if len(_addresses) >= ADDRESSES_MAX:
        _addresses.clear()
    _addresses[text] = addr
    return addr
