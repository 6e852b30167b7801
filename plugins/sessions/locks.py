"""Per-session locks, held from a session's creation until its request ends.

Two levels. Inside a process, a gevent ``RLock`` per session serialises the greenlets (the
same greenlet may take it again: two session objects for one id in one request do not
deadlock). Across processes, the store adds its own lock, taken once per process by the
greenlet holding the local one: ``FileLocks`` (``flock`` on a per-session lock file) for the
file and dbm stores, ``RedisLocks`` (``SET NX PX`` with a random token, released only by
its owner) for Redis. A request that has to wait calls ``on_wait`` first (the session logs
it at level info).
"""

import fcntl
import os
import secrets

import gevent
from gevent.lock import RLock


class _Entry:
    __slots__ = ("lock", "users", "depth", "token")

    def __init__(self):
        self.lock = RLock()
        self.users = 0      # holders and waiters: the entry goes when no one uses it
        self.depth = 0      # re-entries by the holding greenlet
        self.token = None   # what the outer lock needs to release


_entries = {}


def acquire(key, outer=None, on_wait=None):
    """Hold ``key`` (in-process, then ``outer.acquire(name, on_wait)`` across processes)."""
    entry = _entries.get(key)
    if entry is None:
        entry = _entries[key] = _Entry()
    entry.users += 1
    try:
        if not entry.lock.acquire(blocking=False):
            if on_wait is not None:
                on_wait()
                on_wait = None
            entry.lock.acquire()
        try:
            if entry.depth == 0 and outer is not None:
                entry.token = outer.acquire(key[-1], on_wait)
        except BaseException:
            entry.lock.release()
            raise
        entry.depth += 1
    except BaseException:
        _leave(key, entry)
        raise


def release(key, outer=None):
    entry = _entries[key]
    entry.depth -= 1
    try:
        if entry.depth == 0 and outer is not None:
            token, entry.token = entry.token, None
            outer.release(key[-1], token)
    finally:
        entry.lock.release()
        _leave(key, entry)


def _leave(key, entry):
    entry.users -= 1
    if entry.users == 0 and _entries.get(key) is entry:
        del _entries[key]


def held_here(key):
    """Is ``key`` held by some greenlet of this process?"""
    entry = _entries.get(key)
    return entry is not None and entry.depth > 0


class FileLocks:
    """``flock`` on ``<directory>/<sid>.lock``. The file is removed when the lock is released,
    so lock files do not pile up; a waiter that wakes holding a removed file's lock sees the
    path now names another file (or none) and tries again."""

    def __init__(self, directory):
        self.directory = directory

    def _path(self, sid):
        return os.path.join(self.directory, sid + ".lock")

    def acquire(self, sid, on_wait=None):
        path = self._path(sid)
        while True:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    if on_wait is not None:
                        on_wait()
                        on_wait = None
                    # A blocking flock in gevent's thread pool: this greenlet waits, the
                    # process goes on serving.
                    gevent.get_hub().threadpool.apply(fcntl.flock, (fd, fcntl.LOCK_EX))
                mine = os.fstat(fd)
                try:
                    now = os.stat(path)
                except FileNotFoundError:
                    now = None
                if now is not None and (now.st_ino, now.st_dev) == (mine.st_ino, mine.st_dev):
                    return fd
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)

    def release(self, sid, fd):
        try:
            os.unlink(self._path(sid))
        except FileNotFoundError:
            pass
        finally:
            os.close(fd)        # closing the only descriptor releases the flock


# Delete the key only if it still holds our token: a lock that expired and was taken by
# another request is not ours to release.
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""
_FIRST_WAIT, _LONGEST_WAIT = 0.002, 0.05


class RedisLocks:
    """``SET <prefix>lock:<sid> <token> NX PX <timeout>``; a waiter retries with a growing
    pause (2 ms to 50 ms). The expiry frees a lock whose holder died; a request holding a
    session longer than ``timeout`` seconds loses its exclusivity."""

    def __init__(self, client, prefix, timeout):
        self.client = client
        self.prefix = prefix
        self.timeout_ms = max(1, int(timeout * 1000))

    def acquire(self, sid, on_wait=None):
        name = self.prefix + "lock:" + sid
        token = secrets.token_hex(16)
        pause = _FIRST_WAIT
        while not self.client.set(name, token, nx=True, px=self.timeout_ms):
            if on_wait is not None:
                on_wait()
                on_wait = None
            gevent.sleep(pause)
            pause = min(pause * 2, _LONGEST_WAIT)
        return token

    def release(self, sid, token):
        self.client.eval(_RELEASE, 1, self.prefix + "lock:" + sid, token)
