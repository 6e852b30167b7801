"""The publisher plugin: ``PythonHandler mod_python.publisher`` maps a URL to a function
(or any object) in a module file, calls it with the form fields it accepts and sends what
it returns. The handlers plugin finds it through the ``named_handler`` hook."""

from greenphase import hookimpl

from .access import access, auth
from .content_handler import handler

__all__ = ["access", "auth", "handler"]


@hookimpl
def named_handler(name):
    if name == "mod_python.publisher":
        return handler
    return None
