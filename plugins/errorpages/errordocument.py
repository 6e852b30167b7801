"""``ErrorDocument CODE action``: what to answer instead of the built-in page for a status.

The action is classified like Apache does once the quotes are gone: text containing a space
is a message, ``/path`` a local URL (internal redirect), ``scheme:...`` a remote URL (302),
``default`` the built-in page, anything else a message.
"""

import re
from dataclasses import dataclass

from greenphase import OR_ALL, Directive, update

LOCAL, REMOTE, TEXT, DEFAULT = "local", "remote", "text", "default"
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class ErrorAction:
    kind: str        # LOCAL, REMOTE, TEXT or DEFAULT
    value: str = ""  # the URL or the message


def classify(action):
    if " " in action:
        return ErrorAction(TEXT, action)
    if action.startswith("/"):
        return ErrorAction(LOCAL, action)
    if action.lower() == "default":
        return ErrorAction(DEFAULT)
    if _URL.match(action):
        return ErrorAction(REMOTE, action)
    return ErrorAction(TEXT, action)


def parse(ctx, args, previous):
    code, action = args
    if not code.isdigit() or not 400 <= int(code) <= 599:
        raise ctx.error("ErrorDocument: %r is not an error status (400-599)" % code)
    mapping = dict(previous or {})
    mapping[int(code)] = classify(action)
    return mapping


ERROR_DOCUMENT = Directive(
    "ErrorDocument", args=(2, 2), context=OR_ALL, override="FileInfo",
    syntax='error-code "text"|/local-URL|http://remote-URL|default',
    parse=parse, merge=update, default={})
