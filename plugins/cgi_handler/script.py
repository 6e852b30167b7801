"""Running one CGI-style Python script for one request, in-process.

The script runs top to bottom for every request, as ``__main__`` (so an
``if __name__ == "__main__":`` block runs, as under a real CGI server), with its own
``os.environ`` (the CGI variables), ``sys.stdin`` (the request body) and ``sys.stdout``
(the response) through the per-greenlet switches of :mod:`.switch`.

The working directory is the script's own, as CGI requires. It is one value per process, so
scripts of one directory run concurrently, while a script in another directory waits until
they are done (:class:`DirectoryGate`); the original directory comes back when none runs.
"""

import os
import threading

from greenphase import SERVER_RETURN, loader
from greenphase import HTTP_NOT_FOUND

from . import switch
from .streams import CGIStdin, CGIStdout

_code_cache = {}        # path -> (mtime_ns, size, code)


def build_cgi_env(req):
    """The CGI variables of ``req`` as a dict, as mod_python's ``apache.build_cgi_env``."""
    req.add_cgi_vars()
    env = dict(req.subprocess_env.items())
    path_info = req.path_info or ""
    env["SCRIPT_NAME"] = req.uri[:len(req.uri) - len(path_info)] if path_info else req.uri
    env["GATEWAY_INTERFACE"] = "Python-CGI/1.1"
    authorization = req.headers_in.getfirst("Authorization")
    if authorization is not None:
        env["HTTP_AUTHORIZATION"] = authorization
    return env


class DirectoryGate:
    """Lets scripts of one directory in together; others wait their turn (first come first
    served), so the working directory never changes under a running script."""

    def __init__(self):
        self._cond = threading.Condition()
        self._directory = None
        self._inside = 0
        self._waiting = 0
        self._home = None

    def enter(self, directory):
        with self._cond:
            if self._inside and (self._directory != directory or self._waiting):
                self._waiting += 1
                try:
                    while self._inside and self._directory != directory:
                        self._cond.wait()
                finally:
                    self._waiting -= 1
            if not self._inside:
                self._home = os.getcwd()
                os.chdir(directory)
                self._directory = directory
            self._inside += 1

    def leave(self):
        with self._cond:
            self._inside -= 1
            if not self._inside:
                try:
                    os.chdir(self._home)
                finally:
                    self._directory = None
                    self._cond.notify_all()


gate = DirectoryGate()


def script_path(req):
    """The script to run (``SCRIPT_FILENAME`` if a handler set one): a ``.py`` file, else
    404. (3.5 found scripts through the import system, so only Python sources ran; a data
    file in the same directory must never be executed.)"""
    env = vars(req).get("subprocess_env")
    path = (env.get("script_filename") if env is not None else None) or req.filename
    if not path or not path.endswith(".py") or not os.path.isfile(path):
        raise SERVER_RETURN(HTTP_NOT_FOUND)
    return os.path.abspath(path)


def compiled(path):
    """The script's code, compiled again only when the file changed."""
    st = os.stat(path)
    known = _code_cache.get(path)
    if known is not None and known[:2] == (st.st_mtime_ns, st.st_size):
        return known[2]
    with open(path, "rb") as f:
        code = compile(f.read(), path, "exec", dont_inherit=True)
    _code_cache[path] = (st.st_mtime_ns, st.st_size, code)
    return code


def run(req, path, search_dirs=()):
    """Execute the script at ``path`` for ``req`` with CGI stdin/stdout/environ."""
    code = compiled(path)
    directory = os.path.dirname(path)
    stdout = CGIStdout(req)
    namespace = {"__name__": "__main__", "__file__": path,
                 "__builtins__": loader.scoped_builtins(directory, search_dirs)}
    previous = switch.enter(build_cgi_env(req), CGIStdin(req), stdout)
    gate.enter(directory)
    try:
        try:
            exec(code, namespace)  # noqa: S102 (running the configured script is the point)
        except SystemExit as exc:
            if exc.code not in (None, 0):
                req.log_error("CGI script %s exited with status %r" % (path, exc.code))
        stdout.finish()
    finally:
        gate.leave()
        switch.leave(previous)
        namespace.clear()       # the script's objects go now, not with the next GC
