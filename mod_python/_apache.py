"""mod_python._apache: the names of mod_python's C module ``_apache``.

In mod_python this module is built into Apache and imported as a top-level ``_apache``; here
it is ``mod_python._apache`` (code doing ``import _apache`` needs ``from mod_python import
_apache``). Most names are the ones ``mod_python.apache`` offers; this module adds the global
mutexes that mod_python's sessions lock with:

``_global_lock(server, key, index=-1)``, ``_global_trylock(...)`` (True when acquired) and
``_global_unlock(...)``. There are ``PythonOption mod_python.mutex_locks`` of them (8 by
default); ``index`` picks one, else ``key`` does (never index 0, which mod_python keeps for
dbm files). They work across greenlets *and* processes: a lock is a greenlet lock plus an
``flock`` on ``mpmtx<n>`` in ``PythonOption mod_python.mutex_directory`` (default: a folder
per configuration file in the temporary directory), so servers of one configuration share
them. Keys map to locks by CRC-32, the same in every process (3.5 used ``hash()``, which
differs per process on Python 3).
"""

import fcntl
import hashlib
import os
import tempfile
import threading
import zlib

from . import apache as _apache_face
from .apache import (  # noqa: F401  (the C module's names)
    AP_CONN_CLOSE, AP_CONN_KEEPALIVE, AP_CONN_UNKNOWN, APR_BLK, APR_CHR, APR_DIR, APR_LNK,
    APR_NOFILE, APR_PIPE, APR_REG, APR_SOCK, APR_UNKFILE, MODULE_MAGIC_NUMBER_MAJOR,
    MODULE_MAGIC_NUMBER_MINOR, SERVER_RETURN, config_tree, exists_config_define, log_error,
    mpm_query, server_root, stat, table)

DEFAULT_LOCKS = 8
_mutexes = {}           # (directory, count) -> _Mutexes
_mutexes_lock = threading.Lock()


def parse_qs(*args, **kwargs):
    return _apache_face.parse_qs(*args, **kwargs)


def parse_qsl(*args, **kwargs):
    return _apache_face.parse_qsl(*args, **kwargs)


def register_cleanup(interpreter, server, callback, data=None):
    """The C form of ``apache.register_cleanup`` (interpreter and server are implied)."""
    _apache_face.register_cleanup(callback, data)


class _Mutexes:
    def __init__(self, directory, count):
        self.directory = directory
        self.local = [threading.Lock() for _ in range(count)]
        self.fds = [None] * count

    def _fd(self, index):
        if self.fds[index] is None:
            os.makedirs(self.directory, mode=0o700, exist_ok=True)
            path = os.path.join(self.directory, "mpmtx%d" % index)
            self.fds[index] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        return self.fds[index]

    def acquire(self, index, blocking=True):
        local = self.local[index]
        if not local.acquire(blocking):
            return False
        try:
            fd = self._fd(index)
            if blocking:
                _flock_waiting(fd)
            else:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    local.release()
                    return False
        except BaseException:
            if local.locked():
                local.release()
            raise
        return True

    def release(self, index):
        local = self.local[index]
        if not local.locked():
            raise ValueError("global mutex %d is not locked" % index)
        fcntl.flock(self._fd(index), fcntl.LOCK_UN)
        local.release()


def _flock_waiting(fd):
    """Wait for the file lock without stopping other greenlets (a worker thread waits)."""
    try:
        from gevent import get_hub, monkey
        if monkey.is_module_patched("threading"):
            get_hub().threadpool.apply(fcntl.flock, (fd, fcntl.LOCK_EX))
            return
    except ImportError:
        pass
    fcntl.flock(fd, fcntl.LOCK_EX)


def _mutexes_for(server):
    if not hasattr(server, "server_hostname"):
        raise TypeError("First argument must be a server object")
    options = server.get_options() if hasattr(server, "get_options") else {}
    count = int(options.get("mod_python.mutex_locks") or DEFAULT_LOCKS)
    directory = options.get("mod_python.mutex_directory")
    if not directory:
        config = getattr(getattr(server, "site", None), "config_file", "") or ""
        directory = os.path.join(tempfile.gettempdir(), "greenphase-mutex-%d-%s" % (
            os.getuid(), hashlib.sha1(config.encode()).hexdigest()[:12]))
    key = (directory, count)
    with _mutexes_lock:
        mutexes = _mutexes.get(key)
        if mutexes is None:
            mutexes = _mutexes[key] = _Mutexes(directory, count)
    return mutexes


def _index(mutexes, key, index):
    count = len(mutexes.local)
    if index >= count or index < -1:
        raise ValueError("Lock index is out of range for number of global mutex locks")
    if index != -1:
        return index
    data = key.encode("utf-8", "surrogateescape") if isinstance(key, str) else repr(key).encode()
    return zlib.crc32(data) % (count - 1) + 1


def _global_lock(server, key, index=-1):
    mutexes = _mutexes_for(server)
    mutexes.acquire(_index(mutexes, key, index))


def _global_trylock(server, key, index=-1):
    mutexes = _mutexes_for(server)
    return mutexes.acquire(_index(mutexes, key, index), blocking=False)


def _global_unlock(server, key, index=-1):
    mutexes = _mutexes_for(server)
    mutexes.release(_index(mutexes, key, index))
