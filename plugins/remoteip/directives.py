"""mod_remoteip's directives (server config and <VirtualHost> only, as in Apache).

``RemoteIPTrustedProxy``, ``RemoteIPInternalProxy`` and their ``...List`` forms build one
list together (Apache keeps one list); a virtual host that names any proxy replaces the
main server's list, one that names none inherits it.
"""

import ipaddress
import socket

from greenphase import RSRC_CONF, Directive

from .walk import Proxy

PROXIES = "RemoteIPTrustedProxy"        # the key all four proxy directives store under
_PROXY_SYNTAX = "address, address/bits, address/netmask, partial address (10.1) or host name"


def _network(ctx, name, text):
    ip, slash, mask = text.partition("/")
    partial = not slash and ip.count(".") < 3 and ip.replace(".", "").isdigit() and ip
    if partial:                        # Apache's "10.1" means 10.1.0.0/16
        octets = [o for o in ip.split(".") if o]
        ip, mask, slash = ".".join(octets + ["0"] * (4 - len(octets))), str(8 * len(octets)), "/"
    looks_like_ip = ":" in ip or ip.replace(".", "").isdigit()
    if not looks_like_ip:
        if slash:
            raise ctx.error("%s: %r: a host name takes no /mask" % (name, text))
        try:
            infos = socket.getaddrinfo(ip, None, proto=socket.IPPROTO_TCP)
        except OSError as exc:
            raise ctx.error("%s: cannot resolve %r (%s); expected %s"
                            % (name, text, exc, _PROXY_SYNTAX)) from None
        return [ipaddress.ip_network(info[4][0]) for info in infos]
    try:
        return [ipaddress.ip_network(ip + slash + mask if slash else ip, strict=True)]
    except ValueError as exc:
        raise ctx.error("%s: %r is not a usable address or subnet (%s); expected %s"
                        % (name, text, exc, _PROXY_SYNTAX)) from None


def _add(ctx, name, words, internal, previous):
    proxies = list(previous or ())
    for word in words:
        for network in _network(ctx, name, word):
            mapped = getattr(network.network_address, "ipv4_mapped", None)
            if mapped is not None and network.prefixlen >= 96:
                network = ipaddress.ip_network("%s/%d" % (mapped, network.prefixlen - 96))
            proxy = Proxy(network, internal)
            if proxy not in proxies:
                proxies.append(proxy)
    return tuple(proxies)


def _proxies(name, internal):
    def parse(ctx, args, previous):
        return _add(ctx, name, args, internal, previous)
    return Directive(name, args=(1, None), context=RSRC_CONF, key=PROXIES, parse=parse,
                       syntax="%s ..." % _PROXY_SYNTAX, default=())


def _proxy_list(name, internal):
    def parse(ctx, args, previous):
        path = ctx.resolve_path(args[0])
        try:
            with open(path, encoding="utf-8") as f:
                lines = f.read().splitlines()
        except OSError as exc:
            raise ctx.error("%s: could not open file %s: %s" % (name, path, exc.strerror)) from None
        proxies = previous
        for number, line in enumerate(lines, 1):
            words = line.split("#", 1)[0].split()
            try:
                proxies = _add(ctx, name, words, internal, proxies)
            except Exception as exc:
                raise ctx.error("%s at line %d of %s" % (getattr(exc, "message", exc), number,
                                                         path)) from None
        return proxies or ()
    return Directive(name, args=(1, 1), context=RSRC_CONF, key=PROXIES, parse=parse,
                       syntax="a file of addresses, one or more a line, # comments", default=())


def _header(name, what):
    def parse(ctx, args, previous):
        header = args[0].rstrip(":")
        if not header or any(c in header for c in " \t:,"):
            raise ctx.error("%s: %r is not a header name; expected %s" % (name, args[0], what))
        return header
    return Directive(name, context=RSRC_CONF, parse=parse, syntax=what)


def _refused(name, why):
    def parse(ctx, args, previous):
        raise ctx.error("%s is not supported: %s" % (name, why))
    return Directive(name, args=(0, None), context=RSRC_CONF, parse=parse)


DIRECTIVES = (
    _header("RemoteIPHeader", "a request header carrying the client address, e.g. X-Forwarded-For"),
    _header("RemoteIPProxiesHeader", "a request header to record the trusted proxies in"),
    _header("RemoteIPProtoHeader", "a request header carrying the client's scheme, e.g. "
                                   "X-Forwarded-Proto (greenphase only)"),
    _proxies("RemoteIPTrustedProxy", False),
    _proxies("RemoteIPInternalProxy", True),
    _proxy_list("RemoteIPTrustedProxyList", False),
    _proxy_list("RemoteIPInternalProxyList", True),
    _refused("RemoteIPProxyProtocol", "greenphase does not read the PROXY protocol; use "
                                      "RemoteIPHeader with X-Forwarded-For"),
    _refused("RemoteIPProxyProtocolExceptions", "greenphase does not read the PROXY protocol"),
)
