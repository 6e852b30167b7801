"""The remoteip plugin: Apache 2.4's mod_remoteip, for greenphase behind a proxy.

With ``RemoteIPHeader X-Forwarded-For``, a request whose connection comes from a proxy that
``RemoteIPTrustedProxy``/``RemoteIPInternalProxy`` lists (any peer, when neither is given,
as in Apache) has the header's addresses walked right to left while each hop is trusted; the
last address reached becomes ``req.useragent_ip``/``useragent_addr``, which the access log
(``%a``, ``%h``), the error log's ``[client]``, ``REMOTE_ADDR`` and ``Require ip``/``Allow
from`` read. ``req.connection.remote_ip`` stays the proxy, as in Apache 2.4. The addresses
used are removed from the header; the trusted (not internal) proxies passed are noted in
``req.notes['remoteip-proxy-ip-list']`` and, with ``RemoteIPProxiesHeader``, in that request
header. A trusted proxy may not present a private address (10/8, 127/8, 169.254/16,
172.16/12, 192.168/16, IPv6 outside 2000::/3); an internal one may. Several header lines are
read as one comma-separated list (Apache reads only the first).

``RemoteIPProtoHeader X-Forwarded-Proto`` (greenphase only: Apache has no such directive)
makes ``https`` from a listed proxy (never from an unlisted peer, and only when a proxy list
is configured) mark the request as HTTPS: ``req.is_https()`` answers 1, ``construct_url``
builds ``https://`` URLs and ``subprocess_env['HTTPS']`` is ``on``.
"""

from greenphase import constants as C
from greenphase import hookimpl

from .directives import DIRECTIVES, PROXIES
from .walk import address, is_trusted, walk

PROXY_LIST_NOTE = "remoteip-proxy-ip-list"


@hookimpl
def register_directives():
    return DIRECTIVES


@hookimpl
def apache_modules():
    return ("remoteip",)


@hookimpl
def phases_used(site):
    for server in site.servers:
        config = server.config
        if config["RemoteIPHeader"] or config["RemoteIPProtoHeader"]:
            return ("post_read_request",)
    return ()


@hookimpl(tryfirst=True)
def post_read_request(req):
    """mod_remoteip: the client address (and scheme) from a trusted proxy's header."""
    config = req.server.config
    header, proto = config["RemoteIPHeader"], config["RemoteIPProtoHeader"]
    if header is None and proto is None:
        return None
    if req.prev is not None:
        # An internal redirect: the kernel carried over what the first request found; the
        # header it shares was already rewritten and must not be walked again.
        return None
    peer = address(req.connection.remote_ip)
    if peer is None:
        return None
    proxies = config[PROXIES]
    if header is not None:
        _forwarded_for(req, header, peer, proxies, config["RemoteIPProxiesHeader"])
    if proto is not None and proxies and is_trusted(proxies, peer):
        values = req.headers_in.getlist(proto)
        if values and values[-1].rsplit(",", 1)[-1].strip().lower() == "https":
            _mark_https(req)
    return None


def _forwarded_for(req, header, peer, proxies, proxies_header):
    values = req.headers_in.getlist(header)
    if not values:
        return
    outcome = walk(peer, ", ".join(values), proxies)
    if outcome is None:
        return
    del req.headers_in[header]
    if outcome.remaining is not None:
        req.headers_in[header] = outcome.remaining
    if outcome.proxies:
        passed = ", ".join(outcome.proxies)
        req.notes[PROXY_LIST_NOTE] = passed
        if proxies_header:
            req.headers_in[proxies_header] = passed
    req.useragent_addr = (outcome.client, req.connection.remote_addr[1])
    req.log_error("Using %s as client's IP by %s" % (
        outcome.client, "proxies " + ", ".join(outcome.proxies) if outcome.proxies
        else "internal proxies"), level=C.APLOG_INFO)


def _mark_https(req):
    req.scheme = "https"
    req.subprocess_env["HTTPS"] = "on"
