"""mod_python.publisher: the handler, and decorators that protect published objects.

``@auth({'user': 'password'}, realm='Staff')`` or ``@auth(check)`` with
``check(req, user, password) -> bool`` sets ``__auth__`` (and ``__auth_realm__``);
``@access(['user'])`` or ``@access(check)`` with ``check(req, user) -> bool`` sets
``__access__``. Setting those attributes by hand (on a module, function or object) works
the same, and so does 3.5's way: ``__auth__`` (a constant or a nested ``def``),
``__access__`` or ``__auth_realm__`` defined inside the function's body.
"""

from plugins.publisher import access, auth, handler

__all__ = ["access", "auth", "handler"]
