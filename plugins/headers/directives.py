"""``Header`` and ``RequestHeader`` read as Apache 2.4's mod_headers reads them.

Each line becomes one :class:`Entry`. A section's lines keep their order and merge outer
first (main server, virtual host, <Directory> and .htaccess, <Files>, <Location>), so a later
``unset`` undoes an earlier ``append`` as in Apache.
"""

import re
from dataclasses import dataclass

from greenphase import OR_ALL, Directive, append

from .formats import compile_format

IN, OUT, ERR = "in", "out", "err"          # headers_in; headers_out (onsuccess); err_headers_out (always)
ACTIONS = ("set", "setifempty", "add", "append", "merge", "unset", "echo", "edit", "edit*", "note")
EXPECTED_ACTION = "'set', 'setifempty', 'add', 'append', 'merge', 'unset', 'echo', 'edit', 'edit*' or 'note'"
HEADER_SYNTAX = ("[always|onsuccess] set|setifempty|add|append|merge|unset|echo|edit|edit*|note "
                 "header [value [replacement]] [early|env=[!]var]")
REQUEST_SYNTAX = ("set|setifempty|add|append|merge|unset|edit|edit*|note header [value "
                  "[replacement]] [early|env=[!]var]")
_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")


@dataclass(frozen=True)
class Entry:
    """One Header/RequestHeader line, ready to apply."""

    table: str              # IN, OUT or ERR
    action: str             # one of ACTIONS
    header: str             # the header name (for echo: the pattern's text)
    value: tuple = ()       # compiled format (see formats.compile_format); the note name for note
    regex: object = None    # edit/edit*: the match; echo: the header-name pattern
    early: bool = False     # applied in post_read_request instead of late
    env: str | None = None  # "NAME" (set) or "!NAME" (not set) in subprocess_env
    where: str = ""         # file:line, for the error log


def _regex(ctx, text, what):
    try:
        return re.compile(text)
    except re.error as exc:
        raise ctx.error("%s regex %r could not be compiled: %s" % (what, text, exc)) from None


def _format(ctx, text, name):
    if text.startswith("expr="):
        raise ctx.error("%s: expr= values (ap_expr) are not supported; write the value as a "
                        "string with %%{NAME}e, %%{NAME}s, %%t or %%D" % name)
    try:
        return compile_format(text)
    except ValueError as exc:
        raise ctx.error("%s: %s" % (name, exc)) from None


def _clause(ctx, text, name):
    """The optional last argument: ``early``, ``env=[!]var``; ``expr=`` is refused."""
    low = text.lower()
    if low == "early":
        return True, None
    if low.startswith("env="):
        var = text[4:]
        if not var or var == "!":
            raise ctx.error("%s: missing environment variable name; expected env=VAR or "
                            "env=!VAR" % name)
        return False, var
    if low.startswith("expr="):
        raise ctx.error("%s: expr= conditions (ap_expr) are not supported; use env=[!]VAR "
                        "with a variable set by a handler" % name)
    raise ctx.error("%s: unknown parameter %r; expected early, env=[!]VAR" % (name, text))


def parse_line(ctx, args, inbound):
    """One ``Header`` (``inbound`` False) or ``RequestHeader`` line -> :class:`Entry`."""
    name = "RequestHeader" if inbound else "Header"
    words = list(args)
    table = IN if inbound else OUT
    if not inbound and words and words[0].lower() in ("always", "onsuccess"):
        table = ERR if words.pop(0).lower() == "always" else OUT
    syntax = REQUEST_SYNTAX if inbound else HEADER_SYNTAX
    if len(words) < 2:
        raise ctx.error("%s needs an action and a header name; expected %s %s" % (name, name, syntax))
    if len(words) > 5:
        raise ctx.error("%s has too many arguments; expected %s %s" % (name, name, syntax))
    action = words[0].lower()
    if action not in ACTIONS:
        raise ctx.error("%s: first argument must be %s, not %r" % (name, EXPECTED_ACTION, words[0]))
    if action == "echo" and inbound:
        raise ctx.error("RequestHeader echo is not valid: echo copies request headers into the "
                        "response (use Header echo)")
    header, rest = words[1], words[2:]
    regex = subs = None
    if action in ("edit", "edit*"):
        if len(rest) < 2:
            raise ctx.error("%s %s requires a match and a substitution" % (name, action))
        regex = _regex(ctx, rest[0], "%s %s" % (name, action))
        subs, rest = rest[1], rest[2:]
    elif action in ("unset", "echo"):
        if len(rest) > 1:
            raise ctx.error("%s %s takes a header and at most one condition" % (name, action))
    elif not rest:
        raise ctx.error("%s %s requires a value; expected %s %s" % (name, action, name, syntax))
    if action not in ("edit", "edit*", "unset", "echo"):
        value_text, rest = rest[0], rest[1:]
    else:
        value_text = subs
    if len(rest) > 1:
        raise ctx.error("%s: too many arguments; expected %s %s" % (name, name, syntax))
    early, env = _clause(ctx, rest[0], name) if rest else (False, None)
    if action == "echo":
        regex = _regex(ctx, header, "Header echo")
    else:
        header = header.split(":", 1)[0]     # "Header set Foo: bar" names Foo, as in Apache
        if not _NAME.match(header):
            raise ctx.error("%s: %r is not a valid header name" % (name, header))
    if value_text is None:
        value = ()
    else:
        value = _format(ctx, value_text, name)
    return Entry(table, action, header, value, regex, early, env, "%s:%d" % (ctx.file, ctx.line))


def _directive(name, inbound):
    def parse(ctx, args, previous):
        return (previous or ()) + (parse_line(ctx, args, inbound),)
    return Directive(name, args=(1, None), context=OR_ALL, override="FileInfo",
                       syntax=REQUEST_SYNTAX if inbound else HEADER_SYNTAX, parse=parse,
                       merge=append, default=())


DIRECTIVES = (_directive("Header", False), _directive("RequestHeader", True))
