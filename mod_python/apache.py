"""mod_python.apache for greenphase: constants, SERVER_RETURN, tables, logging, imports.

Everything here is a thin layer over the kernel. Differences from mod_python 3.5:

* ``SERVER_ERROR`` exists (mod_python never had it, yet its tutorial says to raise it):
  ``raise apache.SERVER_ERROR`` answers a plain 500, like
  ``raise apache.SERVER_RETURN(apache.HTTP_INTERNAL_SERVER_ERROR)``.
* ``import_module`` loads by file path through the kernel's loader: modules from directories
  off ``sys.path`` are private to those directories and really re-executed when their file
  changes. Without ``path`` it searches the calling module's directories, then ``sys.path``.
* ``mpm_query`` describes ``site.workers`` processes (one unless started with more), each
  with many (green) threads.
* ``interpreter`` is always ``'main_interpreter'``: there is one interpreter.
* ``register_cleanup`` callbacks run when the server process exits (after SIGTERM).
* ``setup_cgi``/``restore_nocgi`` switch stdin, stdout and ``os.environ`` for the calling
  greenlet only (see ``mod_python.cgihandler``); ``CGIStdin`` reads bytes via ``.buffer``.
* ``init`` and ``CallBack`` (mod_python's dispatcher) exist and refuse: greenphase's
  dispatcher is the handlers plugin.
"""

import os
import stat as _stat
import sys

from kernel import constants as _constants
from kernel import loader as _loader
from kernel import SERVER_RETURN
from kernel import Table as table

make_table = table
interpreter = "main_interpreter"

# OK, DECLINED, DONE, REQ_*, HTTP_*, APLOG_*, and every method number M_GET .. M_INVALID
# (M_VERSION_CONTROL for "VERSION-CONTROL").
globals().update({name: value for name, value in vars(_constants).items()
                  if name.isupper() and isinstance(value, (int, str))})
globals().update({"M_" + name.replace("-", "_"): number
                  for number, name in enumerate(_constants.METHODS)})


class SERVER_ERROR(SERVER_RETURN):
    """``raise apache.SERVER_ERROR``: a plain 500 (the tutorial's spelling)."""

    def __init__(self, *args):
        super().__init__(*(args or (_constants.HTTP_INTERNAL_SERVER_ERROR,)))


# -- constant groups (Apache's and APR's) ----------------------------------------------
from ._constants import *  # noqa: E402,F401,F403
from ._constants import (  # noqa: E402  (the names used below)
    APR_CHR, APR_BLK, APR_DIR, APR_FINFO_LINK, APR_FINFO_MIN, APR_LNK, APR_NOFILE, APR_PIPE,
    APR_REG, APR_SOCK, APR_UNKFILE, AP_MPMQ_GENERATION, AP_MPMQ_HAS_SERVE,
    AP_MPMQ_HARD_LIMIT_DAEMONS, AP_MPMQ_IS_ASYNC, AP_MPMQ_IS_FORKED, AP_MPMQ_IS_THREADED,
    AP_MPMQ_MAX_DAEMONS, AP_MPMQ_MAX_DAEMON_USED, AP_MPMQ_MPM_STATE, AP_MPMQ_NOT_SUPPORTED,
    AP_MPMQ_RUNNING, AP_MPMQ_STATIC, AP_MPMQ_STOPPING, FINFO_FNAME, FINFO_MODE,
    FINFO_MTIME, FINFO_SIZE)


def mpm_query(code):
    """What Apache's MPM would answer, from one fact: how many worker processes serve the
    site (``site.workers``, 1 unless the server was started with more). Each process is
    threaded (green threads, unbounded). One process: not forked, so sessions and caches may
    live in memory (``Session()`` picks MemorySession); several: forked."""
    site = _site()
    workers = max(1, int(getattr(site, "workers", 1) or 1)) if site is not None else 1
    answers = {
        AP_MPMQ_MAX_DAEMON_USED: workers, AP_MPMQ_IS_THREADED: AP_MPMQ_STATIC,
        AP_MPMQ_IS_FORKED: AP_MPMQ_STATIC if workers > 1 else AP_MPMQ_NOT_SUPPORTED,
        AP_MPMQ_HARD_LIMIT_DAEMONS: workers, AP_MPMQ_MAX_DAEMONS: workers,
        AP_MPMQ_MPM_STATE: AP_MPMQ_STOPPING if getattr(site, "stopping", False)
        else AP_MPMQ_RUNNING,
        AP_MPMQ_IS_ASYNC: 1, AP_MPMQ_GENERATION: 0, AP_MPMQ_HAS_SERVE: 0,
    }
    return answers.get(code, 0)


# -- the running site ------------------------------------------------------------------------

def _site():
    from kernel import current_site
    return current_site()


def __getattr__(name):
    if name == "main_server":          # None outside a running site, as before init in 3.5
        site = _site()
        return site.main_server if site is not None else None
    if name in ("parse_qs", "parse_qsl"):
        import kernel
        return getattr(kernel, name)
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


def server_root():
    return _site().server_root


def exists_config_define(name):
    """Was ``name`` defined (``greenphase serve -D name`` or ``Define name``)?"""
    return name in _site().config.defines


exists_config = exists_config_define      # the name mod_python's documentation uses


def allow_methods(*methods):
    """Documented by mod_python, never implemented in its code: there is no request here to
    set. Use ``req.allow_methods([...])``."""
    raise NotImplementedError(
        "mod_python.apache.allow_methods is documented by mod_python but never existed in its "
        "code (it has no request to change): call req.allow_methods(['GET', ...]) instead")


def log_error(message, level=_constants.APLOG_ERR, server=None):
    """Write to the error log of ``server`` (default: the main server's)."""
    if message is None:
        return
    if server is not None:
        server.log_error(message, level)
    else:
        _site().log.error(message, level=level)


# -- modules -----------------------------------------------------------------------------

def import_module(module_name, autoreload=1, log=0, path=None):
    """Import ``module_name`` from the directories in ``path`` (default: those of the calling
    module), then ``sys.path``; re-executed when its file changes if ``autoreload``."""
    if path is None:
        path = _loader.scope_of(sys._getframe(1).f_globals.get("__name__", ""))
    report = (lambda message: log_error(message, _constants.APLOG_NOTICE)) if log else None
    return _loader.import_handler_module(module_name, tuple(path), autoreload=bool(autoreload),
                                         log=report)


# -- files and CGI -------------------------------------------------------------------------

class finfo(tuple):
    """What ``apache.stat`` returns: indexable with ``FINFO_*``, attributes by name."""

    __slots__ = ()
    _names = ("mode", "ino", "dev", "nlink", "uid", "gid", "size", "atime", "mtime", "ctime",
              "fname", "name", "filetype")

    def __getattr__(self, name):
        try:
            return self[self._names.index(name)]
        except ValueError:
            raise AttributeError(name) from None

    # The names the kernel reads from req.finfo (an os.stat_result there).
    st_size = property(lambda self: self[FINFO_SIZE])
    st_mtime = property(lambda self: self[FINFO_MTIME])
    st_mode = property(lambda self: self[FINFO_MODE])


_FILETYPES = ((_stat.S_ISREG, APR_REG), (_stat.S_ISDIR, APR_DIR), (_stat.S_ISCHR, APR_CHR),
              (_stat.S_ISBLK, APR_BLK), (_stat.S_ISFIFO, APR_PIPE), (_stat.S_ISLNK, APR_LNK),
              (_stat.S_ISSOCK, APR_SOCK))


def stat(fname, wanted=APR_FINFO_MIN):
    """File information (a missing file answers ``filetype == APR_NOFILE``)."""
    link = wanted & APR_FINFO_LINK
    try:
        st = os.lstat(fname) if link else os.stat(fname)
    except OSError:
        return finfo((None,) * FINFO_FNAME + (fname, None, APR_NOFILE))
    kind = next((apr for test, apr in _FILETYPES if test(st.st_mode)), APR_UNKFILE)
    return finfo((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid, st.st_gid,
                  st.st_size, st.st_atime, st.st_mtime, st.st_ctime, fname,
                  os.path.basename(fname), kind))


from plugins.cgi_handler import CGIStdin, CGIStdout, NullIO, build_cgi_env  # noqa: E402,F401


def setup_cgi(req):
    """Give the calling greenlet CGI stdin/stdout and an ``os.environ`` with the request's
    CGI variables added; returns what :func:`restore_nocgi` needs to undo it."""
    from plugins.cgi_handler import switch
    env = dict(os.environ)
    env.update(build_cgi_env(req))
    stdin, stdout = CGIStdin(req), CGIStdout(req)
    return switch.enter(env, stdin, stdout), stdin, stdout


def restore_nocgi(saved, stdin=None, stdout=None):
    """Undo :func:`setup_cgi` (what the script printed so far is sent)."""
    from plugins.cgi_handler import switch
    if stdout is not None:
        stdout.flush()
    switch.leave(saved)


# -- shutdown, the configuration, internals --------------------------------------------------

def register_cleanup(callback, data=None):
    """Call ``callback(data)`` (``callback()`` without data) when the server process stops
    serving (the site's shutdown cleanups; at interpreter exit outside a server)."""
    if not callable(callback):
        raise ValueError("first argument must be a callable object")
    site = _site()
    if site is not None:
        site.register_cleanup(callback, data)
        return
    import atexit
    atexit.register(callback, data) if data is not None else atexit.register(callback)


def config_tree():
    """The main configuration file as mod_python showed it: ``(directive, arguments)``
    tuples; a section is its ``('<Name', 'args>')`` tuple followed by a list of its content.
    ``Include``\\ d files are not expanded."""
    from kernel import parse_config_file as parse_file

    def convert(nodes):
        tree = []
        for node in nodes:
            if node.is_section:
                tree.append(("<" + node.name, node.raw + ">"))
                tree.append(convert(node.children))
            else:
                tree.append((node.name, node.raw))
        return tree
    return convert(parse_file(_site().config_file))


def module_mtime(module):
    """The modification time of ``module``'s file (0 when it has none)."""
    try:
        return os.path.getmtime(module.__file__)
    except (AttributeError, TypeError, OSError):
        return 0


def resolve_object(module, obj_str, arg=None, silent=0):
    """``obj_str`` ('a.b.c') inside ``module``; a class passed through on the way is
    instantiated with ``arg``. Missing: AttributeError, or None when ``silent``."""
    from plugins.handlers.dispatch import follow
    return follow(module, obj_str, arg, silent)


def _dispatcher_only(name):
    return NotImplementedError(
        "mod_python.apache.%s is part of mod_python's C dispatcher, which greenphase does "
        "not have: handlers are run by the handlers plugin (PythonHandler and friends)" % name)


def init(name=None, server=None):
    raise _dispatcher_only("init")


class CallBack:
    """mod_python's dispatcher object; greenphase's dispatcher is the handlers plugin."""

    def __init__(self, *args, **kwargs):
        raise _dispatcher_only("CallBack")
