"""``DbmSession``: all sessions in one database file, shared by every process of the site.

This Python has only ``dbm.dumb``, which is not safe for several writers, so the "dbm" is
SQLite (the standard library's ``sqlite3``): one table, one short transaction per load, save
or delete, SQLite's own file locking between processes. The session lock is ``flock`` on a
file in ``<database>.locks/``. The file is ``mod_python.dbm_session.database_filename``, else
``mp_sess_dbm/mp_sess.dbm`` in ``mod_python.dbm_session.database_directory``,
``mod_python.session.database_directory`` or the temporary directory. The file's directory
must be private to the server's user (like FileSession's ``mp_sess/``): a database another
user could plant or change would hand the server pickles of their choosing.
"""

import os
import pickle
import sqlite3
import tempfile
import time

from . import options as O
from .base import BaseSession, log_notice
from .locks import FileLocks

_SCHEMA = ("CREATE TABLE IF NOT EXISTS sessions "
           "(sid TEXT PRIMARY KEY, expires REAL NOT NULL, record BLOB NOT NULL)")
_connections = {}   # (pid, path) -> connection: one per process, none inherited over fork


def connection(path):
    key = (os.getpid(), path)
    conn = _connections.get(key)
    if conn is None:
        # Statements never yield to another greenlet, so one connection serves them all.
        conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        os.chmod(path, 0o600)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(_SCHEMA)
        _connections[key] = conn
    return conn


def database_path(opts, filename=None):
    filename = filename or O.option(opts, O.DBM_FILENAME)
    if not filename:
        base = O.option(opts, O.DBM_DIRECTORY + O.DATABASE_DIRECTORY) or tempfile.gettempdir()
        filename = os.path.join(base, "mp_sess_dbm", "mp_sess.dbm")
    filename = os.path.abspath(filename)
    O.private_directory(os.path.dirname(filename))
    return filename


class DbmSession(BaseSession):

    def __init__(self, req, dbm=None, sid=0, secret=None, dbmtype=None, timeout=0, lock=1):
        self._dbmfile = database_path(O.options(req), dbm)
        self._locks = FileLocks(O.private_directory(self._dbmfile + ".locks"))
        super().__init__(req, sid=sid, secret=secret, timeout=timeout, lock=lock)

    def lock_scope(self):
        return self._dbmfile, self._locks

    def _db(self):
        return connection(self._dbmfile)

    def do_load(self):
        row = self._db().execute("SELECT record FROM sessions WHERE sid = ?",
                                 (self._sid,)).fetchone()
        return pickle.loads(row[0]) if row else None

    def do_save(self, record):
        self._db().execute("INSERT OR REPLACE INTO sessions (sid, expires, record) VALUES (?, ?, ?)",
                           (self._sid, record["_accessed"] + record["_timeout"],
                            pickle.dumps(record, pickle.HIGHEST_PROTOCOL)))

    def do_delete(self):
        self._db().execute("DELETE FROM sessions WHERE sid = ?", (self._sid,))

    def do_cleanup(self):
        self._req.register_cleanup(dbm_cleanup, self._dbmfile)
        log_notice(self._req, "DbmSession: registered database cleanup.")


def dbm_cleanup(path):
    connection(path).execute("DELETE FROM sessions WHERE expires < ?", (time.time(),))
