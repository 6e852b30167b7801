"""mod_ssl's directives as Python's ``ssl`` module can honour them; the rest is refused with
file:line, never silently ignored."""

import ssl

from greenphase import RSRC_CONF, Directive, flag

# Apache's protocol names, oldest first (SSLv3 may only be removed: OpenSSL has none).
PROTOCOLS = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]
VERSIONS = {"TLSv1": ssl.TLSVersion.TLSv1, "TLSv1.1": ssl.TLSVersion.TLSv1_1,
            "TLSv1.2": ssl.TLSVersion.TLSv1_2, "TLSv1.3": ssl.TLSVersion.TLSv1_3}


class Located(str):
    """A path that remembers the line that named it (certificate errors show file:line)."""

    where = ""


def _file(ctx, args, previous):
    path = Located(ctx.resolve_path(args[0]))
    path.where = "%s:%d" % (ctx.file, ctx.line)
    ctx.check_at_start("readable", path)
    return path


def _protocol(ctx, args, previous):
    """``SSLProtocol all -TLSv1 -TLSv1.1`` into (minimum, maximum) TLS versions."""
    enabled = set()
    for word in args:
        sign = word[0] if word[0] in "+-" else ""
        name = word[len(sign):]
        if name.lower() == "all":
            names = list(PROTOCOLS)
        elif name.lower() == "sslv3":
            if sign != "-":
                raise ctx.error("SSLProtocol: SSLv3 is not available (Python's ssl refuses it)")
            continue
        else:
            names = [p for p in PROTOCOLS if p.lower() == name.lower()]
            if not names:
                raise ctx.error("SSLProtocol: unknown protocol %r (expected all, TLSv1, "
                                "TLSv1.1, TLSv1.2, TLSv1.3 with + or -)" % word)
        if sign == "-":
            enabled -= set(names)
        else:
            enabled |= set(names)
    if not enabled:
        raise ctx.error("SSLProtocol leaves no protocol enabled")
    chosen = [p for p in PROTOCOLS if p in enabled]
    first, last = PROTOCOLS.index(chosen[0]), PROTOCOLS.index(chosen[-1])
    if len(chosen) != last - first + 1:
        raise ctx.error("SSLProtocol: Python's ssl can only enable a contiguous range of "
                        "versions (a minimum and a maximum), got %s" % " ".join(chosen))
    return (VERSIONS[chosen[0]], VERSIONS[chosen[-1]])


def _cipher_suite(ctx, args, previous):
    if len(args) == 2:
        if args[0].lower() in ("tlsv1.3", "sslv3"):
            raise ctx.error("SSLCipherSuite %s: Python's ssl cannot choose TLS 1.3 suites "
                            "(OpenSSL's defaults apply); give only the TLS 1.2 cipher list"
                            % args[0])
        raise ctx.error("SSLCipherSuite: unknown protocol %r (only a cipher list, for TLS 1.2 "
                        "and older)" % args[0])
    spec = args[0]
    if any(part.startswith("TLS_") for part in spec.replace(",", ":").split(":")):
        raise ctx.error("SSLCipherSuite: TLS 1.3 suites (TLS_...) cannot be set through "
                        "Python's ssl; list TLS 1.2 ciphers only")
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).set_ciphers(spec)
    except ssl.SSLError:
        raise ctx.error("SSLCipherSuite: OpenSSL matches no cipher in %r" % spec) from None
    return spec


DIRECTIVES = [
    flag("SSLEngine", default=False, context=RSRC_CONF),
    Directive("SSLCertificateFile", (1, 1), RSRC_CONF, syntax="PEM certificate file",
              parse=_file),
    Directive("SSLCertificateKeyFile", (1, 1), RSRC_CONF, syntax="PEM private key file",
              parse=_file),
    Directive("SSLCertificateChainFile", (1, 1), RSRC_CONF,
              syntax="PEM file of intermediate certificates", parse=_file),
    Directive("SSLProtocol", (1, None), RSRC_CONF, syntax="[+|-]protocol ...",
              parse=_protocol, default=(ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3)),
    Directive("SSLCipherSuite", (1, 2), RSRC_CONF, syntax="cipher-spec (TLS 1.2 and older)",
              parse=_cipher_suite),
]
