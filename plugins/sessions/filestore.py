"""``FileSession``: one pickle per session, ``<dir>/mp_sess/<first two hex digits>/<sid>``
as mod_python lays them out, written atomically (a temporary file renamed over the old one).
Locks: ``flock`` on ``<dir>/mp_sess/locks/<sid>.lock``, so several processes (or machines on
one shared file system with working ``flock``) share sessions safely."""

import os
import pickle
import tempfile
import time

from . import options as O
from .base import DEFAULT_TIMEOUT, BaseSession, log_notice
from .locks import FileLocks

DEFAULT_GRACE_PERIOD = 240
DEFAULT_CLEANUP_TIME_LIMIT = 2


class FileSession(BaseSession):

    def __init__(self, req, sid=0, secret=None, timeout=0, lock=1, fast_cleanup=-1,
                 verify_cleanup=-1):
        opts = O.options(req)
        self._fast_cleanup = (O.flag(opts, O.FAST_CLEANUP, True) if fast_cleanup == -1
                              else bool(fast_cleanup))
        self._verify_cleanup = (O.flag(opts, O.VERIFY_CLEANUP, True) if verify_cleanup == -1
                                else bool(verify_cleanup))
        self._grace_period = O.number(opts, O.GRACE_PERIOD, DEFAULT_GRACE_PERIOD)
        self._cleanup_time_limit = O.number(opts, O.CLEANUP_TIME_LIMIT,
                                            DEFAULT_CLEANUP_TIME_LIMIT, float)
        self._cleanup_timeout = timeout or DEFAULT_TIMEOUT
        self._sessdir = O.private_directory(
            os.path.join(O.base_directory(opts, O.FILE_DIRECTORY), "mp_sess"))
        self._locks = FileLocks(O.private_directory(os.path.join(self._sessdir, "locks")))
        super().__init__(req, sid=sid, secret=secret, timeout=timeout, lock=lock)

    def lock_scope(self):
        return self._sessdir, self._locks

    def _path(self):
        return os.path.join(self._sessdir, self._sid[:2], self._sid)

    def do_load(self):
        try:
            with open(self._path(), "rb") as f:
                return pickle.load(f)
        except FileNotFoundError:
            return None
        except (OSError, EOFError, pickle.UnpicklingError, ValueError) as exc:
            self._req.log_error("FileSession: cannot read %s: %s" % (self._path(), exc))
            return None

    def do_save(self, record):
        path = self._path()
        directory = O.private_directory(os.path.dirname(path))
        fd, temp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(record, f, pickle.HIGHEST_PROTOCOL)
            os.replace(temp, path)
        except BaseException:
            try:
                os.unlink(temp)
            except FileNotFoundError:
                pass
            raise

    def do_delete(self):
        try:
            os.unlink(self._path())
        except FileNotFoundError:
            pass

    def do_cleanup(self):
        data = {"sessdir": self._sessdir, "fast_cleanup": self._fast_cleanup,
                "verify_cleanup": self._verify_cleanup, "timeout": self._cleanup_timeout,
                "grace_period": self._grace_period, "time_limit": self._cleanup_time_limit,
                "log": self._req.log_error}
        self._req.register_cleanup(file_cleanup, data)
        log_notice(self._req, "FileSession: registered filesession cleanup.")


def file_cleanup(data):
    """Delete session files unused for longer than their timeout plus the grace period.

    Fast cleanup skips, by modification time, files younger than the cleanup timeout; verify
    reads each remaining file and keeps a session its own timeout still covers. One pass runs
    at most ``time_limit`` seconds; a later one carries on."""
    sessdir, now = data["sessdir"], time.time()
    grace, deadline = data["grace_period"], now + data["time_limit"]
    removed = 0
    for sub in sorted(os.listdir(sessdir)):
        folder = os.path.join(sessdir, sub)
        if len(sub) != 2 or not os.path.isdir(folder):
            continue
        for name in os.listdir(folder):
            if time.time() > deadline:
                data["log"]("FileSession cleanup: time limit reached after %d files" % removed)
                return
            path = os.path.join(folder, name)
            try:
                if name.startswith(".tmp-"):          # left by a save that died midway
                    if now - os.stat(path).st_mtime > grace:
                        os.unlink(path)
                    continue
                if data["fast_cleanup"] and now - os.stat(path).st_mtime < data["timeout"] + grace:
                    continue
                if data["verify_cleanup"] or not data["fast_cleanup"]:
                    with open(path, "rb") as f:
                        record = pickle.load(f)
                    if now - record["_accessed"] <= record["_timeout"] + grace:
                        continue
                os.unlink(path)
                removed += 1
            except FileNotFoundError:
                continue
            except (OSError, EOFError, pickle.UnpicklingError, KeyError, TypeError, ValueError):
                continue
