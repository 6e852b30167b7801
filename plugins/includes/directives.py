"""mod_include's directives (``Options +Includes`` is the core's)."""

from greenphase import OR_ALL, Directive, flag


def _xbithack(ctx, args, previous):
    value = args[0].lower()
    if value not in ("on", "off", "full"):
        raise ctx.error("XBitHack takes On, Off or Full, not %r" % args[0])
    return value


DIRECTIVES = [
    Directive("XBitHack", (1, 1), OR_ALL, override="Options", syntax="On|Off|Full",
              parse=_xbithack, default="off"),
    flag("SSILegacyExprParser", override="FileInfo"),
    Directive("SSIErrorMsg", (1, 1), OR_ALL, override="All", syntax="message"),
    Directive("SSITimeFormat", (1, 1), OR_ALL, override="All", syntax="strftime format"),
]
