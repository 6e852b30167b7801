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
