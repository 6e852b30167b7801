"""mod_remoteip's walk over a forwarded-for list, right to left, while the hop is trusted.

Pure functions of addresses and strings, so the rule can be tested without a server.
"""

import ipaddress
from dataclasses import dataclass

# What a trusted (not internal) proxy may not present as the client, as in Apache: the
# RFC 3330 local and private IPv4 blocks, and any IPv6 address outside global unicast.
_PRIVATE_V4 = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16"))
_GLOBAL_V6 = ipaddress.ip_network("2000::/3")


@dataclass(frozen=True)
class Proxy:
    """One RemoteIPTrustedProxy/RemoteIPInternalProxy network."""

    network: object         # ipaddress.IPv4Network or IPv6Network
    internal: bool


@dataclass
class Outcome:
    client: str             # the address to use as the client's
    remaining: str | None   # what stays in the header (the untrusted part), None: nothing
    proxies: list           # the trusted (not internal) proxies passed, outermost last


def address(text):
    """An IP address from text (IPv4-mapped IPv6 as IPv4), or None."""
    try:
        addr = ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None
    return getattr(addr, "ipv4_mapped", None) or addr


def is_private(addr):
    if addr.version == 4:
        return any(addr in net for net in _PRIVATE_V4)
    return addr not in _GLOBAL_V6


def _match(proxies, addr):
    for proxy in proxies:
        if addr.version == proxy.network.version and addr in proxy.network:
            return proxy
    return None


def is_trusted(proxies, addr):
    """Is a peer at ``addr`` a configured proxy (any peer when none is configured)?"""
    return not proxies or (addr is not None and _match(proxies, addr) is not None)


def walk(peer, value, proxies):
    """Apply the rule to a connection from ``peer`` (ipaddress) that sent ``value``.

    Returns an :class:`Outcome`, or None when nothing changes (the peer is no trusted proxy,
    or the header's last address cannot be used)."""
    hop = peer
    internal = None          # still all internal proxies so far (None: none matched yet)
    remote = value
    client = None
    passed = []
    while remote is not None:
        if proxies:
            proxy = _match(proxies, hop)
            if proxy is None:
                break
            # An internal proxy may present an external one, not the reverse: once an
            # external proxy was passed, what it presents is judged as from an external one.
            internal = proxy.internal if internal is None else (internal and proxy.internal)
        else:
            internal = False     # no list: every peer is trusted, as an external proxy
        comma = remote.rfind(",")
        item, rest = (remote, None) if comma < 0 else (remote[comma + 1:], remote[:comma])
        addr = address(item) if item.strip(" \t") else None
        if addr is None or (not internal and is_private(addr)):
            break
        if not internal:
            passed.append(str(hop))
        client, hop, remote = addr, addr, rest
    if client is None:
        return None
    return Outcome(str(client), remote, passed)
