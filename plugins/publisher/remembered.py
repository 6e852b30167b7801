"""What the publisher remembers of a walk: the plain function a one-segment path named.

``/funcs.py/hello`` walks the module, the access rules of the module and the function, and
whether the function is the site's own code, on every request. When all of that came out
plain (no rule anywhere, a function of the site), the answer is remembered per (module
name, path) with what it was found from; a later request re-checks only what could have
changed (the module binding the name, its code, any rule added as an attribute since, the
module the function says it is from) instead of walking again. A reload is a new module
object (``kernel.lib.loader``), which the entry no longer matches, and it replaces the
entry, so an old generation is never served nor kept alive.
"""

import sys
from types import FunctionType, ModuleType

from .access import rule_free
from .traversal import split_path

MEMO_SIZE = 1024
_functions = {}     # (module name, object path) -> _Entry


class _Entry:
    __slots__ = ("module", "name", "function", "code", "home", "home_module")

    def __init__(self, module, name, function):
        self.module = module
        self.name = name
        self.function = function
        self.code = function.__code__
        self.home = function.__module__
        self.home_module = sys.modules.get(self.home)


def remembered(module, object_path):
    """The function a former walk of ``object_path`` from ``module`` found, if nothing it
    depended on changed; else None (walk again)."""
    found = module.__dict__
    entry = _functions.get((found.get("__name__"), object_path))
    if entry is None or entry.module is not module or type(module) is not ModuleType:
        return None             # (a module's __class__ may be swapped for one with properties)
    function = entry.function
    own = function.__dict__
    if (found.get(entry.name) is function and function.__code__ is entry.code
            and "__auth__" not in found and "__access__" not in found
            and "__auth_realm__" not in found and "__getattr__" not in found
            and "__code__" not in found
            and "__auth__" not in own and "__access__" not in own and "__auth_realm__" not in own
            and function.__module__ == entry.home
            and sys.modules.get(entry.home) is entry.home_module):
        return function
    return None


def remember(module, object_path, obj):
    """After a walk that published ``obj``: keep it when it is a plain, rule-free function
    one segment below a rule-free module (the walk already found it publishable)."""
    parts = split_path(object_path)
    if (type(obj) is not FunctionType or len(parts) != 1 or module.__dict__.get(parts[0]) is not obj
            or not rule_free(module) or not rule_free(obj)):
        return
    if len(_functions) >= MEMO_SIZE:
        _functions.clear()
    _functions[(module.__dict__.get("__name__"), object_path)] = _Entry(module, parts[0], obj)
