"""``AddOutputFilterByType`` (mod_filter's shorthand) and ``DeflateCompressionLevel``."""

from greenphase import OR_ALL, Directive, append


def _by_type(ctx, args, previous):
    names = [n.strip() for n in args[0].split(";") if n.strip()]
    if not names:
        raise ctx.error("expected filter names separated by ';', got %r" % args[0])
    types = frozenset(t.lower() for t in args[1:])
    return (previous or []) + [(tuple(names), types)]


def _level(ctx, args, previous):
    try:
        level = int(args[0])
    except ValueError:
        level = 0
    if not 1 <= level <= 9:
        raise ctx.error("DeflateCompressionLevel takes a number from 1 to 9, not %r" % args[0])
    return level


DIRECTIVES = [
    Directive("AddOutputFilterByType", (2, None), OR_ALL, override="FileInfo",
              syntax="FILTER[;FILTER...] media-type [media-type ...]", parse=_by_type,
              merge=append, default=[]),
    Directive("DeflateCompressionLevel", (1, 1), OR_ALL & ~32, syntax="1..9", parse=_level,
              default=6),
]
