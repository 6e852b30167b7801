"""Directives the kernel owns for every plugin that runs the site's Python code: the handlers
plugin (``Python*Handler``), the publisher, PSP, the WSGI handler and the test page all read
them, so none of those plugins owns them (a site without the handlers plugin still has them).

* ``PythonDebug On``: show the traceback of a failing handler to the client (the errorpages
  plugin renders it), and log module (re)loads;
* ``PythonAutoReload Off``: do not re-import a handler module whose file changed.

Per directory, allowed in .htaccess under ``AllowOverride FileInfo`` (mod_python's rule).
"""

from .directives import flag

PYTHON_DIRECTIVES = [
    flag("PythonDebug", override="FileInfo"),
    flag("PythonAutoReload", default=True, override="FileInfo"),
]
