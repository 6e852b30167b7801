"""3.5's other way to protect a function: ``__auth__``, ``__access__`` or ``__auth_realm__``
defined *inside* its body (semantics 5.7), as mod_python's documentation shows::

    def secret(req):
        __auth_realm__ = "Staff"
        def __auth__(req, user, password):
            return user == "admin" and password == "s3cret"
        return "data"

The function is not called to find them: its bytecode is read. A constant or a plain nested
``def`` is understood (as in 3.5, which could not read a dict or a list either). Anything
else (a closure, a dict, a computed value) raises :class:`Unreadable`, so such a function is
refused rather than published unprotected.
"""

import dis
import types

NAMES = ("__auth__", "__access__", "__auth_realm__")
_NOTHING = object()
_NEUTRAL = {"NOP", "EXTENDED_ARG", "CACHE"}


class Unreadable(Exception):
    """A nested rule exists but is not a constant or a plain nested function."""


def nested_rules(obj, skip=()):
    """``{name: value}`` for the rules defined in the body of function (or method) ``obj``,
    leaving out the names in ``skip`` (set as attributes, they win)."""
    code = getattr(obj, "__code__", None)
    if not isinstance(code, types.CodeType):
        return {}
    wanted = (set(NAMES) - set(skip)) & (set(code.co_varnames) | set(code.co_cellvars))
    if not wanted:
        return {}
    found = {}
    value = _NOTHING
    for ins in dis.get_instructions(code):
        if ins.opname == "LOAD_CONST":
            value = ins.argval
        elif ins.opname == "MAKE_FUNCTION" and isinstance(value, types.CodeType) and not ins.arg:
            value = types.FunctionType(value, obj.__globals__, value.co_name)
        elif ins.opname in ("STORE_FAST", "STORE_DEREF") and ins.argval in wanted:
            if value is _NOTHING or isinstance(value, types.CodeType):
                raise Unreadable(ins.argval)
            found.setdefault(ins.argval, value)
            value = _NOTHING
        elif ins.opname not in _NEUTRAL:
            value = _NOTHING
    unread = wanted - set(found)
    if unread:
        raise Unreadable(", ".join(sorted(unread)))
    return found
