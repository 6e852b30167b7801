"""mod_python.Session: sessions (implemented by the ``sessions`` plugin, which documents the
stores, the options and the differences from mod_python 3.5)."""

from plugins.sessions import (
    COOKIE_NAME, DFT_TIMEOUT, BaseSession, DbmSession, FileSession, MemorySession, RedisSession,
    Session, dbm_cleanup, filesession_cleanup, mem_cleanup)

__all__ = ["BaseSession", "COOKIE_NAME", "DFT_TIMEOUT", "DbmSession", "FileSession",
           "MemorySession", "RedisSession", "Session", "dbm_cleanup", "filesession_cleanup",
           "mem_cleanup"]
