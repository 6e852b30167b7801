"""The PSP plugin: Python Server Pages, mod_python's template language.

``AddHandler mod_python .psp`` + ``PythonHandler mod_python.psp`` serves ``.psp`` files;
``mod_python.psp.PSP(req, filename=..., vars=...)`` runs a template from any handler or
published function. The pieces: :mod:`.syntax` (the markup), :mod:`.codegen` (Python from
it, with mod_python's indentation rules), :mod:`.compiler` (compiling with the template's
file and lines in the code object, the mtime cache), :mod:`.page` (running a page),
:mod:`.handler` and :mod:`.listing` (``PythonDebug``'s view of the generated code).

The handlers plugin finds the handler through the ``named_handler`` hook. A page naming
``session`` gets one from whichever plugin answers ``named_handler`` for
``mod_python.Session::Session``.
"""

from greenphase import hookimpl

from .compiler import cache, parse_file, parse_string
from .handler import handler, make_handler
from .page import PSP, PSPInterface, SessionUnavailable
from .syntax import PSPSyntaxError

__all__ = ["PSP", "PSPInterface", "PSPSyntaxError", "SessionUnavailable", "cache", "handler",
           "make_handler", "parse", "parsestring"]


@hookimpl
def named_handler(name):
    if name == "mod_python.psp":
        return handler
    return None


def parse(filename, dir=None):
    """The Python code for the page ``filename`` (``dir + filename`` when ``dir`` is given,
    a plain concatenation as in mod_python; includes may then be relative to ``dir``)."""
    path = dir + filename if dir else filename
    return parse_file(path, dir)[0]


def parsestring(string, dir=None):
    """The Python code for the template text ``string``."""
    return parse_string(string, dir)[0]
