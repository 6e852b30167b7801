"""mod_python.Session: sessions (implemented by the ``sessions`` plugin, which documents the
stores, the options and the differences from mod_python 3.5). The module-level names of
3.5 that applications touched are kept here as small glue."""

import hashlib
import os
import re
import tempfile

from ._unavailable import Unavailable

from plugins.sessions import (
    CLEANUP_CHANCE, COOKIE_NAME, DFT_CLEANUP_TIME_LIMIT, DFT_GRACE_PERIOD, DFT_TIMEOUT,
    BaseSession, DbmSession, FileSession, MemorySession, RedisSession, Session,
    SessionStoreError, check_sid as _check_sid, dbm_cleanup, filesession_cleanup, mem_cleanup)

__all__ = ["BaseSession", "CLEANUP_CHANCE", "COOKIE_NAME", "DFT_CLEANUP_TIME_LIMIT",
           "DFT_FAST_CLEANUP", "DFT_GRACE_PERIOD", "DFT_LOCK", "DFT_TIMEOUT",
           "DFT_VERIFY_CLEANUP", "DbmSession", "FileSession", "MemorySession", "RedisSession",
           "Session", "SessionStoreError", "dbm_cleanup", "filesession_cleanup",
           "FS_STAT_VERSION", "PY2", "rnd_gens", "rnd_iter",
           "make_filesession_dirs", "md5_hash", "mem_cleanup", "tempdir", "true_or_false",
           "unlock_session_cleanup", "validate_sid_re"]

PY2 = False
FS_STAT_VERSION = "MPFS_3.2"    # the marker 3.5 wrote in FileSession's cleanup stat file
_IDS = "session ids come from the secrets module (the sessions plugin), not a seeded generator"
rnd_gens = Unavailable("mod_python.Session.rnd_gens", _IDS)
rnd_iter = Unavailable("mod_python.Session.rnd_iter", _IDS)
DFT_LOCK = True
DFT_FAST_CLEANUP = True
DFT_VERIFY_CLEANUP = True
tempdir = tempfile.gettempdir()
validate_sid_re = re.compile("[0-9a-f]{32}$")


def md5_hash(s):
    """MD5 hex digest of ``s`` (str as latin-1), as 3.5 had it. Session ids no longer use it."""
    return hashlib.md5(s.encode("latin1") if isinstance(s, str) else s).hexdigest()


def unlock_session_cleanup(sess):
    sess.unlock()


def make_filesession_dirs(sess_dir):
    """Create FileSession's 256 sub-directories (the store also makes them on demand)."""
    for i in range(256):
        os.makedirs(os.path.join(sess_dir, "%02x" % i), mode=0o700, exist_ok=True)


def true_or_false(item):
    """mod_python's reading of an On/Off option value; anything else raises."""
    word = item.lower() if isinstance(item, str) else item
    if word in ("yes", "true", "1", 1, True):
        return True
    if word in ("no", "false", "0", 0, None, False):
        return False
    raise ValueError("not a boolean option value: %r" % (item,))
