"""The test_page plugin: ``PythonHandler mod_python.testhandler`` shows a diagnostic page
about the server, the request and its configuration (mod_python's test page, rendered here
with every value HTML-escaped). ``?view_log=1`` shows the last 100 lines of the error log,
but only under ``PythonDebug On``: a log is not for every visitor."""

from greenphase import hookimpl

from .page import bounded_buffer, handler, write_table, write_tree

NAME = "mod_python.testhandler"

__all__ = ["bounded_buffer", "handler", "write_table", "write_tree"]


@hookimpl
def named_handler(name):
    return handler if name == NAME else None
