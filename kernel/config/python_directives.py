"""Directives the kernel owns for every plugin that runs the site's Python code: the handlers
plugin (``Python*Handler``), the publisher, PSP, the WSGI handler and the test page all read
them, so none of those plugins owns them (a site without the handlers plugin still has them).

* ``PythonDebug On``: show the traceback of a failing handler to the client (the errorpages
  plugin renders it), and log module (re)loads;
* ``PythonAutoReload Off``: do not re-import a handler module whose file changed;
* ``PythonAutoReloadInterval <seconds>`` (default 1): with autoreload on, a module's file is
  stat'ed for a change at most once per interval (0: on every use, mod_python's behaviour).
  Why 1 s: a person who saves a file and reloads the browser takes longer than that, so the
  change is there when they look; the stat then costs one system call per module per second
  instead of one per request. A script that rewrites a module and requests it at once wants 0.

Per directory, allowed in .htaccess under ``AllowOverride FileInfo`` (mod_python's rule).
"""

import math

from .directives import Directive, flag

AUTORELOAD_INTERVAL = 1.0       # seconds: the default of PythonAutoReloadInterval (see above)


def _interval(ctx, args, previous):
    try:
        value = float(args[0])
    except ValueError:
        value = math.nan
    if not value >= 0 or math.isinf(value):
        raise ctx.error("PythonAutoReloadInterval takes seconds >= 0 (0 = check on every "
                        "request; PythonAutoReload Off never checks), got %r" % args[0])
    return value


PYTHON_DIRECTIVES = [
    flag("PythonDebug", override="FileInfo"),
    flag("PythonAutoReload", default=True, override="FileInfo"),
    Directive("PythonAutoReloadInterval", args=(1, 1), override="FileInfo",
              syntax="seconds between checks of a module file for changes (0 = every request)",
              parse=_interval, default=AUTORELOAD_INTERVAL),
]
