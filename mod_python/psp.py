"""mod_python.psp: Python Server Pages (implemented by the ``psp`` plugin).

``PSP(req, filename=None, string=None, vars={})`` with ``run(vars={}, flush=0)``,
``display_code()`` and ``str()``; ``PSPInterface``; ``parse(filename, dir=None)`` and
``parsestring(string)``; ``handler`` for ``PythonHandler mod_python.psp``.

Glue kept here: a page that names ``session`` gets one from ``mod_python.Session`` when no
plugin offers sessions through the ``named_handler`` hook.
"""

from plugins.psp import PSPInterface, PSPSyntaxError, make_handler, parse, parsestring
from plugins.psp import PSP as _PluginPSP

__all__ = ["PSP", "PSPInterface", "PSPSyntaxError", "handler", "parse", "parsestring"]


class PSP(_PluginPSP):
    __doc__ = _PluginPSP.__doc__

    def session_factory(self):
        factory = super().session_factory()
        if factory is None:
            try:
                from mod_python import Session
            except ImportError:
                return None
            factory = Session.Session
        return factory


handler = make_handler(PSP)
