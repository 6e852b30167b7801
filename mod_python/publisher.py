"""mod_python.publisher: the handler, and decorators that protect published objects.

``@auth({'user': 'password'}, realm='Staff')`` or ``@auth(check)`` with
``check(req, user, password) -> bool`` sets ``__auth__`` (and ``__auth_realm__``);
``@access(['user'])`` or ``@access(check)`` with ``check(req, user) -> bool`` sets
``__access__``. Setting those attributes by hand (on a module, function or object) works
the same. 3.5's third way, ``__auth__``/``__access__``/``__auth_realm__`` defined inside the
function's body, is not read: such a function answers 500 until the rule moves to an
attribute or a decorator (it is never published unprotected).
"""

from plugins.publisher import access, auth, handler

__all__ = ["access", "auth", "handler"]


# -- mod_python 3.5's publisher internals ------------------------------------------------
# greenphase's publisher is the publisher plugin, with its own module cache, traversal and
# access rules; 3.5's internal objects exist so imports work, and refuse when used.
import re as _re  # noqa: E402

from ._unavailable import Unavailable as _Unavailable  # noqa: E402

PY2 = False
re_html = _re.compile(r"</HTML\s*>\s*$", _re.I)
re_charset = _re.compile(r"charset\s*=\s*([^\s;]+)", _re.I)
_WHY = ("an internal part of mod_python 3.5's publisher; greenphase's publisher is a plugin "
        "(plugins/publisher) with its own cache and rules: use PythonHandler "
        "mod_python.publisher, and the @auth/@access decorators or __auth__/__access__")
PageCache = _Unavailable("mod_python.publisher.PageCache", _WHY)
page_cache = _Unavailable("mod_python.publisher.page_cache", _WHY)
process_auth = _Unavailable("mod_python.publisher.process_auth", _WHY)
resolve_object = _Unavailable("mod_python.publisher.resolve_object", _WHY)
publish_object = _Unavailable("mod_python.publisher.publish_object", _WHY)
tp_rules = _Unavailable("mod_python.publisher.tp_rules", _WHY)
default_tp_rule = _Unavailable("mod_python.publisher.default_tp_rule", _WHY)
default_builtins_tp_rule = _Unavailable("mod_python.publisher.default_builtins_tp_rule", _WHY)
