"""mod_python.psp: Python Server Pages (implemented by the ``psp`` plugin).

``PSP(req, filename=None, string=None, vars={})`` with ``run(vars={}, flush=0)``,
``display_code()`` and ``str()``; ``PSPInterface``; ``parse(filename, dir=None)`` and
``parsestring(string)``; ``handler`` for ``PythonHandler mod_python.psp``.

Glue kept here: a page that names ``session`` gets one from ``mod_python.Session`` when no
plugin offers sessions through the ``named_handler`` hook.
"""

import marshal
import os
import tempfile

from plugins.psp import PSPInterface, PSPSyntaxError, make_handler, parse, parsestring
from plugins.psp import PSP as _PluginPSP

from ._unavailable import Unavailable

__all__ = ["PSP", "PSPInterface", "PSPSyntaxError", "handler", "parse", "parsestring",
           "FileCache", "HitsCache", "PY2", "code2str", "str2code", "dbm_cache_get",
           "dbm_cache_store", "dbm_cache_type", "dbm_types", "mem_fcache", "mem_scache",
           "path_split", "tempdir"]

# 3.5's module-level names. The compiled-page cache lives in the psp plugin (in memory, by
# mtime); the dbm cache of 3.5 (PythonOption mod_python.psp.cache_database_filename) is
# ignored, so its functions say so when used.
PY2 = False
tempdir = tempfile.gettempdir()
_NO_DBM = "the compiled-page cache is kept in memory by the psp plugin; the dbm cache is not used"
dbm_types = {}
dbm_cache_type = Unavailable("mod_python.psp.dbm_cache_type", _NO_DBM)
dbm_cache_store = Unavailable("mod_python.psp.dbm_cache_store", _NO_DBM)
dbm_cache_get = Unavailable("mod_python.psp.dbm_cache_get", _NO_DBM)
_MEMORY = "the psp plugin keeps its own cache of compiled pages"
FileCache = Unavailable("mod_python.psp.FileCache", _MEMORY)
HitsCache = Unavailable("mod_python.psp.HitsCache", _MEMORY)
mem_fcache = Unavailable("mod_python.psp.mem_fcache", _MEMORY)
mem_scache = Unavailable("mod_python.psp.mem_scache", _MEMORY)


def code2str(code):
    """A code object as bytes (marshal), as 3.5 stored compiled pages."""
    return marshal.dumps(code)


def str2code(data):
    """The inverse of code2str. Only for bytes this process made: marshal data is not safe to
    load from anyone else."""
    return marshal.loads(data)


def path_split(filename):
    """(directory with a trailing separator, file name), as 3.5's PSP splits a page's path."""
    directory, name = os.path.split(filename)
    return (directory + os.sep if directory else ""), name


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
