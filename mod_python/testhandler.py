"""mod_python.testhandler: ``PythonHandler mod_python.testhandler`` shows a diagnostic page
(server, request, configuration). The page is the test_page plugin's (``plugins/test_page``);
the error-log view (``?view_log=1``) needs ``PythonDebug On`` here."""

from plugins.test_page import bounded_buffer, handler, write_table, write_tree

__all__ = ["bounded_buffer", "handler", "write_table", "write_tree"]
