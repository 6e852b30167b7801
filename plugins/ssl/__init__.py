"""The ssl plugin: mod_ssl's directives on ``<VirtualHost *:PORT>`` through Python's ``ssl``.

A virtual host with ``SSLEngine on`` serves TLS on its port with its ``SSLCertificateFile``,
``SSLCertificateKeyFile`` and ``SSLCertificateChainFile`` (appended to the certificate, as
mod_ssl sends it), ``SSLProtocol`` (default TLSv1.2 and TLSv1.3) and ``SSLCipherSuite``
(TLS 1.2 ciphers; TLS 1.3 suites cannot be set through Python's ``ssl`` and are refused).
Several such vhosts on one port share it by SNI: the client's server name picks the vhost
whose ServerName/ServerAlias matches (the first one when none does or no name is sent).

Contexts are built when a process starts serving (the kernel's ``ssl_context`` hook, asked
per listening socket), so a graceful reload's new workers reread the certificates.
A request on TLS has ``req.is_https()`` true and ``HTTPS=on``, ``SSL_PROTOCOL``,
``SSL_CIPHER`` and ``SSL_TLS_SNI`` in ``req.subprocess_env``.
"""

import ssl
import tempfile

from greenphase import ConfigError, hookimpl

from .directives import DIRECTIVES


@hookimpl
def register_directives():
    return DIRECTIVES


@hookimpl
def apache_modules():
    return ("ssl",)


def _tls_vhosts(site):
    return [v for v in site.vhosts if v.config["SSLEngine"]]


@hookimpl
def configure(site):
    """Every TLS vhost needs a certificate and key that load (checked now, with file:line)."""
    errors = []
    for vhost in _tls_vhosts(site):
        if vhost.port is None:
            errors.append(ConfigError("SSLEngine on needs a port in <VirtualHost host:PORT>",
                                      vhost.defn_name, vhost.defn_line_number))
            continue
        if not vhost.config["SSLCertificateFile"]:
            errors.append(ConfigError("SSLEngine on without SSLCertificateFile",
                                      vhost.defn_name, vhost.defn_line_number))
            continue
        try:
            context_for(vhost)
        except (ssl.SSLError, OSError) as exc:
            where = vhost.config["SSLCertificateFile"].where
            errors.append(ConfigError("%s: the certificate or key does not load: %s"
                                      % (where, exc.strerror or exc)))
    return errors


@hookimpl
def phases_used(site):
    """post_read_request only when a virtual host serves TLS (plain sites pay nothing)."""
    return ("post_read_request",) if _tls_vhosts(site) else ()


def context_for(vhost):
    config = vhost.config
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version, context.maximum_version = config["SSLProtocol"]
    if config["SSLCipherSuite"]:
        context.set_ciphers(config["SSLCipherSuite"])
    certificate, chain = config["SSLCertificateFile"], config["SSLCertificateChainFile"]
    if chain:       # Python loads one file: the certificate followed by its chain
        with open(certificate, "rb") as f, open(chain, "rb") as g:
            joined = f.read().rstrip(b"\n") + b"\n" + g.read()
        with tempfile.NamedTemporaryFile(suffix=".pem") as both:
            both.write(joined)
            both.flush()
            context.load_cert_chain(both.name, config["SSLCertificateKeyFile"] or None)
    else:
        context.load_cert_chain(certificate, config["SSLCertificateKeyFile"] or None)
    return context


@hookimpl
def ssl_context(site, address):
    port = address[1]
    vhosts = [v for v in _tls_vhosts(site) if v.port == port]
    if not vhosts:
        return None
    contexts = [(v, context_for(v)) for v in vhosts]
    default = contexts[0][1]

    def pick(sock, server_name, _context):
        # SNI: the vhost naming this host serves its certificate (Apache's choice).
        sock.greenphase_sni = server_name
        if server_name:
            for vhost, context in contexts:
                if vhost.matches(server_name):
                    sock.context = context
                    return None
        return None

    for _, context in contexts:
        context.sni_callback = pick
    return default


@hookimpl(tryfirst=True)
def post_read_request(req):
    """On a TLS connection: req.is_https() true, HTTPS=on, SSL_PROTOCOL, SSL_CIPHER, SSL_TLS_SNI."""
    sock = getattr(req.connection, "sock", None)
    if not hasattr(sock, "cipher"):      # a plain TCP connection
        return None
    cipher = sock.cipher()
    req.scheme = "https"
    env = req.subprocess_env
    env["HTTPS"] = "on"
    env["SSL_PROTOCOL"] = sock.version() or ""
    env["SSL_CIPHER"] = cipher[0] if cipher else ""
    sni = getattr(sock, "greenphase_sni", None)
    if sni:
        env["SSL_TLS_SNI"] = sni
    return None


