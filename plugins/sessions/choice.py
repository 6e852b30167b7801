"""``Session()``: the session class the configuration names, else the one the process model
allows (mod_python chose by MPM)."""

from . import options as O
from .dbmstore import DbmSession
from .filestore import FileSession
from .memory import MemorySession
from .redisstore import RedisSession

SESSION_TYPES = {cls.__name__: cls for cls in (MemorySession, FileSession, DbmSession, RedisSession)}


def serving_processes(site):
    """How many processes serve ``site``: ``site.workers``, which the server sets
    (``--workers N``; ``None`` when unknown, e.g. under a WSGI server); a site without it is
    served by one process (``--single``, the in-process test client). ``apache.mpm_query``
    reads the same fact."""
    return getattr(site, "workers", 1)


def default_type(req):
    """``MemorySession`` when exactly one process serves the site (every request sees the
    same memory), else ``DbmSession``, which works across processes, as mod_python did."""
    return "MemorySession" if serving_processes(getattr(req, "site", None)) == 1 else "DbmSession"


def Session(req, sid=0, secret=None, timeout=0, lock=1):
    """A session of the type ``PythonOption session`` (or ``mod_python.session.session_type``)
    names: ``MemorySession``, ``FileSession``, ``DbmSession`` or ``RedisSession``."""
    name = O.option(O.options(req), O.SESSION_TYPE) or default_type(req)
    cls = SESSION_TYPES.get(name)
    if cls is None:
        raise O.SessionStoreError("Unknown session type %s (PythonOption %s: one of %s)"
                                  % (name, O.SESSION_TYPE[0], ", ".join(SESSION_TYPES)))
    return cls(req, sid=sid, secret=secret, timeout=timeout, lock=lock)
