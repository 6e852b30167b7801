"""3.5's other way to protect a function: ``__auth__``, ``__access__`` or ``__auth_realm__``
defined *inside* its body, which 3.5 found by digging through the function's bytecode::

    def secret(req):
        def __auth__(req, user, password):
            return user == "admin"
        return "data"

greenphase does not read bytecode (the rules are plain attributes or the ``@auth`` /
``@access`` decorators), but it must not publish such a function unprotected either: a body
that binds one of these names is noticed from the function's local names, and the request
is refused until the rule is moved to an attribute or a decorator.
"""

import types

NAMES = ("__auth__", "__access__", "__auth_realm__")
NAME_SET = frozenset(NAMES)
MEMO_SIZE = 4096

# id(code) -> (code, the rule names its body binds). The code is held so its id stays its own;
# a reload makes new code objects, and the memo starts over when full.
_bound_names = {}


def bound_rule_names(code):
    """The rule names the body of ``code`` binds as locals (a frozenset, usually empty)."""
    known = _bound_names.get(id(code))
    if known is not None and known[0] is code:
        return known[1]
    if len(_bound_names) >= MEMO_SIZE:
        _bound_names.clear()
    found = NAME_SET.intersection(code.co_varnames + code.co_cellvars)
    _bound_names[id(code)] = (code, found)
    return found


def nested_rule_names(obj, skip=()):
    """The rule names the body of function (or method) ``obj`` binds, less those in ``skip``
    (set as attributes, they already apply)."""
    code = getattr(obj, "__code__", None)
    if not isinstance(code, types.CodeType):
        return set()
    return set(bound_rule_names(code)).difference(skip)
