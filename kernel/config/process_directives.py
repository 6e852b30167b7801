"""The process directives: how the server runs rather than how it answers (read by
``kernel.deploy`` and the listener's graceful stop).

Apache's names where Apache has one (GracefulShutdownTimeout, MaxConnectionsPerChild, User,
Group, PidFile); the rest are greenphase's (gunicorn's jitter and worker timeout).
"""

from .directives import SERVER, Directive


def _whole(ctx, args, previous):
    try:
        value = int(args[0])
    except ValueError:
        raise ctx.error("expected a whole number, got %r" % args[0]) from None
    if value < 0:
        raise ctx.error("expected a number >= 0, got %d" % value)
    return value


def _seconds(ctx, args, previous):
    try:
        value = float(args[0])
    except ValueError:
        raise ctx.error("expected a number of seconds, got %r" % args[0]) from None
    if value < 0:
        raise ctx.error("expected a number of seconds >= 0, got %r" % args[0])
    return value


def _positive_seconds(ctx, args, previous):
    value = _seconds(ctx, args, previous)
    if not value > 0:
        raise ctx.error("expected a positive number of seconds, got %r" % args[0])
    return value


def _account(kind):
    """User/Group: a name or ``#id``, checked now so a typo is a config error, not a crash."""
    import grp
    import pwd

    def parse(ctx, args, previous):
        word = args[0]
        try:
            if word.startswith("#"):
                return int(word[1:])
            return (pwd.getpwnam(word).pw_uid if kind == "user" else grp.getgrnam(word).gr_gid)
        except (ValueError, KeyError):
            raise ctx.error("no such %s: %r (a name or #number)" % (kind, word)) from None
    return parse


def _path(ctx, args, previous):
    return ctx.resolve_path(args[0])


PROCESS_DIRECTIVES = [
    Directive("GracefulShutdownTimeout", (1, 1), SERVER, syntax="seconds (0 = no limit)",
              parse=_seconds, default=0.0),
    Directive("MaxConnectionsPerChild", (1, 1), SERVER, syntax="number (0 = unlimited)",
              parse=_whole, default=0),
    Directive("MaxRequestsPerChild", (1, 1), SERVER, syntax="number (0 = unlimited)",
              parse=_whole, key="MaxConnectionsPerChild"),      # Apache 2.2's name
    Directive("MaxConnectionsPerChildJitter", (1, 1), SERVER, syntax="number",
              parse=_whole, default=0),
    Directive("WorkerTimeout", (1, 1), SERVER, syntax="seconds",
              parse=_positive_seconds, default=30.0),
    Directive("User", (1, 1), SERVER, syntax="unix-user|#uid", parse=_account("user")),
    Directive("Group", (1, 1), SERVER, syntax="unix-group|#gid", parse=_account("group")),
    Directive("PidFile", (1, 1), SERVER, syntax="file-path", parse=_path),
]

