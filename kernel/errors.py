"""Exceptions that cross the kernel/plugin boundary."""


class SERVER_RETURN(Exception):
    """Raised anywhere in a phase: equivalent to returning ``args[0]``.

    ``SERVER_RETURN(code, status)`` also sets ``req.status = status`` first (mod_python).
    """


class ConfigError(Exception):
    """A configuration mistake, located by file and line."""

    def __init__(self, message, file=None, line=None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line

    def __str__(self):
        where = f"{self.file}:{self.line}: " if self.file else ""
        return where + self.message


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
