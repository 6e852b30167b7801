"""The log directives: ErrorLog, LogLevel, CustomLog, TransferLog, LogFormat."""

from ..config.directives import DIRECTORY, RSRC_CONF, Directive, update

from .constants import LOG_LEVELS


def _log_target(ctx, args, previous):
    target = args[0]
    if target.startswith(("|", "syslog")):
        raise ctx.error("piped and syslog logs are not supported; give a file, /dev/stdout or /dev/stderr")
    if target.startswith("/dev/"):
        return target
    target = ctx.resolve_path(target)
    ctx.check_at_start("log", target)
    return target


def _custom_log(ctx, args, previous):
    target = _log_target(ctx, args, None)
    condition = args[2] if len(args) > 2 else None
    return (previous or []) + [(target, args[1], condition)]


def _log_format(ctx, args, previous):
    formats = dict(previous or {})
    formats[args[1] if len(args) > 1 else ""] = args[0]
    return formats


def _log_level(ctx, args, previous):
    level = args[-1].split(":")[-1].lower()
    if level not in LOG_LEVELS and not level.startswith("trace"):
        raise ctx.error("LogLevel takes one of %s" % ", ".join(LOG_LEVELS))
    return "debug" if level.startswith("trace") else level


DEFAULT_LOG_FORMATS = {
    "common": '%h %l %u %t "%r" %>s %b',
    "combined": '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"',
    "": '%h %l %u %t "%r" %>s %b',
}

LOG_DIRECTIVES = [
    Directive("ErrorLog", (1, 1), RSRC_CONF, syntax="file-path", parse=_log_target),
    Directive("LogLevel", (1, None), RSRC_CONF | DIRECTORY, syntax="level", parse=_log_level, default="warn"),
    Directive("CustomLog", (2, 3), RSRC_CONF, syntax="file format|nickname [env=var]", parse=_custom_log,
              merge=lambda o, i: i, default=[]),
    Directive("TransferLog", (1, 1), RSRC_CONF, syntax="file", parse=_log_target),
    Directive("LogFormat", (1, 2), RSRC_CONF, syntax="format [nickname]", parse=_log_format,
              merge=update, default=DEFAULT_LOG_FORMATS),
]
