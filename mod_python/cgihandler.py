"""mod_python.cgihandler: ``PythonHandler mod_python.cgihandler`` runs CGI-style scripts.

The handler is the cgi_handler plugin's (``plugins/cgi_handler``). Differences from 3.5: stdin
carries the request body (POST works); requests run concurrently, each with its own
``os.environ``, ``sys.stdin`` and ``sys.stdout`` (switched per greenlet, no global lock); the
script runs as ``__main__``; modules it imports are not deleted from ``sys.modules`` before
each run (3.5's way to reload them would break concurrent requests).
"""

from plugins.cgi_handler import handler

__all__ = ["handler"]

# mod_python 3.5's module-level names. ``original``: the modules loaded when this module was
# imported (3.5 deleted every other non-stdlib module before each run; greenphase does not).
import os  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402

PY2 = False
original = list(sys.modules)
stdlib = os.path.dirname(os.__file__)


class DummyLock:
    """3.5's stand-in lock for builds without threads (unused: no global lock here)."""

    def acquire(self):
        pass

    def release(self):
        pass


_lock = threading.Lock()    # 3.5 serialised requests with it; kept only as a name
