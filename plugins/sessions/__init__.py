"""The sessions plugin: mod_python's ``Session`` module (``mod_python.Session`` re-exports it).

``Session(req)`` returns a dict-like session kept between requests by a cookie (``pysid``)
and locked until the request ends, so concurrent requests of one session run one after the
other. Stores: ``MemorySession`` (this process), ``FileSession`` (a pickle per session),
``DbmSession`` (SQLite: this Python has no real dbm), ``RedisSession`` (shared by machines).
Cross-process locks: ``flock`` for the file and dbm stores, ``SET NX`` for Redis.

Options (``PythonOption``; mod_python's names, older spellings in ``options.py``):

=============================================  ==============================================
``mod_python.session.session_type``            class for ``Session()`` (alias ``session``);
                                               default: Memory with one process, else Dbm
``mod_python.session.cookie_name``             cookie name, default ``pysid``
``mod_python.session.application_path``        cookie path (default: the handler's directory)
``mod_python.session.application_domain``      cookie domain
``mod_python.session.cookie_secure``           ``Secure`` (default: on for https requests)
``mod_python.session.cookie_httponly``         ``HttpOnly`` (default On)
``mod_python.session.cookie_samesite``         ``Strict``/``Lax``/``None``/``Off`` (default Lax)
``mod_python.session.database_directory``      directory of the file and dbm stores (tmp)
``mod_python.file_session.*``                  mod_python's FileSession cleanup settings
``mod_python.dbm_session.database_filename``   the dbm store's file
``mod_python.session.cleanup_chance``          cleanup on 1 request in N (default 1000; 0 off)
``mod_python.session.redis_url``               ``redis://HOST:PORT/DB`` (RedisSession)
``mod_python.session.redis_prefix``            key prefix, default ``greenphase:session:``
``mod_python.session.redis_lock_timeout``      seconds before a dead holder's lock expires
=============================================  ==============================================

At login call ``session.regenerate_id()``: same data, new id and cookie.
"""

from greenphase import hookimpl

from .base import DEFAULT_CLEANUP_CHANCE as CLEANUP_CHANCE, DEFAULT_TIMEOUT as DFT_TIMEOUT, BaseSession, check_sid, new_sid
from .choice import SESSION_TYPES, Session, default_type
from .dbmstore import DbmSession, dbm_cleanup
from .filestore import (
    DEFAULT_CLEANUP_TIME_LIMIT as DFT_CLEANUP_TIME_LIMIT, DEFAULT_GRACE_PERIOD as DFT_GRACE_PERIOD,
    FileSession, file_cleanup as filesession_cleanup)
from .memory import MemorySession, memory_cleanup as mem_cleanup
from .options import COOKIE_NAME_DEFAULT as COOKIE_NAME, SessionStoreError
from .redisstore import RedisSession, close_clients

__all__ = ["BaseSession", "CLEANUP_CHANCE", "COOKIE_NAME", "DFT_CLEANUP_TIME_LIMIT",
           "DFT_GRACE_PERIOD", "DFT_TIMEOUT", "DbmSession", "FileSession", "MemorySession",
           "RedisSession", "SESSION_TYPES", "Session", "SessionStoreError", "check_sid",
           "dbm_cleanup", "default_type", "filesession_cleanup", "mem_cleanup", "new_sid"]


# The name other plugins (PSP pages naming ``session``) ask the named_handler hook for.
SESSION_PROVIDER = "mod_python.Session::Session"


@hookimpl
def named_handler(name):
    """``Session`` for whoever needs a session without importing this plugin."""
    return Session if name == SESSION_PROVIDER else None


@hookimpl
def server_stop(site):
    close_clients()
