"""Per-greenlet ``sys.stdin``, ``sys.stdout`` and ``os.environ``.

mod_python's cgihandler swapped the process-wide objects for each request and held a lock so
that only one CGI request ran at a time. Here each of the three is replaced once by a switch
that forwards to the objects of the CGI request running in the *current greenlet*, and to the
original objects everywhere else. Concurrent CGI requests therefore each see their own
environment, body and output, and nothing leaks into other requests or the server.
"""

import os
import sys
import threading
import weakref
from collections.abc import MutableMapping

from greenlet import getcurrent

# greenlet -> (environ dict, stdin, stdout) of the CGI request it runs
_active = weakref.WeakKeyDictionary()
_install_lock = threading.Lock()
_installed = None       # (original stdin, stdout, environ) once the switches are in place


def current():
    """The (environ, stdin, stdout) of the CGI request in this greenlet, or None."""
    try:
        return _active.get(getcurrent())
    except RuntimeError:        # interpreter shutdown: greenlets are being finalized
        return None


class _StreamSwitch:
    """Stands in for ``sys.stdin`` / ``sys.stdout``: every attribute comes from the current
    request's stream, or from the original stream outside CGI requests."""

    def __init__(self, index, original):
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_original", original)

    def _target(self):
        state = current()
        return state[self._index] if state is not None else self._original

    def __getattr__(self, name):
        return getattr(self._target(), name)

    def __setattr__(self, name, value):
        setattr(self._target(), name, value)

    def __iter__(self):
        return iter(self._target())

    def __repr__(self):
        return "<greenphase per-request %s -> %r>" % (
            "stdin" if self._index == 1 else "stdout", self._target())


class _EnvironSwitch(MutableMapping):
    """Stands in for ``os.environ``: the request's CGI variables inside a CGI request (changes
    stay in that request), the process environment everywhere else."""

    def __init__(self, original):
        self._original = original

    def _target(self):
        state = current()
        return state[0] if state is not None else self._original

    def __getitem__(self, key):
        return self._target()[key]

    def __setitem__(self, key, value):
        self._target()[key] = value

    def __delitem__(self, key):
        del self._target()[key]

    def __iter__(self):
        return iter(list(self._target()))

    def __len__(self):
        return len(self._target())

    def copy(self):
        return dict(self._target())

    def __repr__(self):
        return "environ(%r)" % (dict(self._target()),)

    # os._Environ's extras, for code that uses them
    def __getattr__(self, name):
        return getattr(self._original, name)


def install():
    """Put the switches in place (once per process). Code that captured the original
    ``os.environ`` earlier, such as a default argument, keeps seeing the process environment."""
    global _installed
    with _install_lock:
        if _installed is None:
            _installed = (sys.stdin, sys.stdout, os.environ)
            sys.stdin = _StreamSwitch(1, sys.stdin)
            sys.stdout = _StreamSwitch(2, sys.stdout)
            os.environ = _EnvironSwitch(os.environ)
            _retarget_cgi_module(_installed[2], os.environ)


def _retarget_cgi_module(original, replacement):
    """The standard library's ``cgi`` takes ``environ=os.environ`` as a default argument
    (``cgi.FieldStorage``, ``cgi.parse``...), bound when ``cgi`` was imported: if that
    happened before the switch, point those defaults at the switch too, or scripts would
    read the process environment."""
    cgi = sys.modules.get("cgi")
    if cgi is None:
        return
    functions = [f for f in vars(cgi).values() if callable(f) and hasattr(f, "__defaults__")]
    functions += [getattr(cgi, "FieldStorage").__init__] if hasattr(cgi, "FieldStorage") else []
    for function in functions:
        defaults = function.__defaults__
        if defaults and any(d is original for d in defaults):
            function.__defaults__ = tuple(replacement if d is original else d for d in defaults)


def enter(environ, stdin, stdout):
    """From now on this greenlet's stdin, stdout and os.environ are these; returns what they
    were (for :func:`leave`)."""
    install()
    me = getcurrent()
    previous = _active.get(me)
    _active[me] = (environ, stdin, stdout)
    return previous


def leave(previous):
    me = getcurrent()
    if previous is None:
        _active.pop(me, None)
    else:
        _active[me] = previous
