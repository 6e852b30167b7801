"""Exceptions of a request's life that cross the kernel/plugin boundary, and what they mean."""


class SERVER_RETURN(Exception):
    """Raised anywhere in a phase: equivalent to returning ``args[0]``.

    ``SERVER_RETURN(code, status)`` also sets ``req.status = status`` first (mod_python).
    """


class HandlerFailure:
    """An exception a phase raised, as the kernel hands it to the ``error_page`` hook.

    ``where`` names what failed (``'PythonHandler myscript'``), ``debug`` says whether the
    site wants the traceback shown to the client (``PythonDebug On``).
    """

    __slots__ = ("exc_info", "where", "debug")

    def __init__(self, exc_info, where="", debug=False):
        self.exc_info = exc_info
        self.where = where
        self.debug = debug


class PhaseError(Exception):
    """Raise from a phase hook to hand an exception to the error path with context.

    ``raise PhaseError(where, debug) from exc`` - the kernel logs ``exc`` and answers 500
    through the ``error_page`` hook with a :class:`HandlerFailure`.
    """

    def __init__(self, where, debug=False):
        super().__init__(where)
        self.where = where
        self.debug = debug


class InvalidHeader(ValueError):
    """A response header that would split the response (CR, LF or NUL, or a bad name).

    The header is dropped and the request answered 500, as Apache does."""


class ClientGone(IOError):
    """The client went away while we wrote: nothing more can be sent."""


def apply_server_return(req, exc):
    """The result a ``SERVER_RETURN`` exception stands for (sets ``req.status`` when given)."""
    args = exc.args
    if not args or type(args[0]) is not int:
        raise TypeError("SERVER_RETURN needs an int result, got %r" % (args,))
    if len(args) > 1 and args[1]:
        req.status = args[1]
    return args[0]
