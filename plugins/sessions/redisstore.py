"""``RedisSession``: sessions and their locks in Redis, so several greenphase processes or
machines behind a load balancer share them.

``PythonOption mod_python.session.redis_url redis://HOST:PORT/DB`` (or ``session_redis_url``;
``rediss://`` and ``unix://`` work too) is required. Keys: ``<prefix><sid>`` holds the
pickled record and expires with the session (Redis does the cleanup);
``<prefix>lock:<sid>`` is the lock (see ``locks.RedisLocks``). ``<prefix>`` defaults to
``greenphase:session:`` (``mod_python.session.redis_prefix``); the lock expires after
``mod_python.session.redis_lock_timeout`` seconds (default 120) in case its holder dies.
Records are pickles: only trusted clients may write to that Redis (bind it to a private
network, require a password in the URL).
"""

import math
import pickle

from . import options as O
from .base import BaseSession, log_notice
from .locks import RedisLocks

DEFAULT_PREFIX = "greenphase:session:"
DEFAULT_LOCK_TIMEOUT = 120
_clients = {}       # url -> redis.Redis (each with its connection pool)


def client(url):
    found = _clients.get(url)
    if found is None:
        try:
            import redis
        except ImportError:
            raise O.SessionStoreError("RedisSession needs the redis package "
                                      "(pip install redis)") from None
        found = _clients[url] = redis.Redis.from_url(url)
    return found


def close_clients():
    """Drop every connection pool (at server stop; redis-py itself resets a pool after fork)."""
    for found in _clients.values():
        found.close()
    _clients.clear()


class RedisSession(BaseSession):

    def __init__(self, req, sid=0, secret=None, timeout=0, lock=1):
        opts = O.options(req)
        url = O.option(opts, O.REDIS_URL)
        if not url:
            raise O.SessionStoreError("RedisSession needs PythonOption %s redis://HOST:PORT/DB"
                                      % O.REDIS_URL[0])
        self._redis = client(url)
        self._prefix = O.option(opts, O.REDIS_PREFIX, DEFAULT_PREFIX)
        self._locks = RedisLocks(self._redis, self._prefix,
                                 O.number(opts, O.REDIS_LOCK_TIMEOUT, DEFAULT_LOCK_TIMEOUT, float))
        self._scope = (url, self._prefix)
        super().__init__(req, sid=sid, secret=secret, timeout=timeout, lock=lock)

    def lock_scope(self):
        return self._scope, self._locks

    def do_load(self):
        data = self._redis.get(self._prefix + self._sid)
        return pickle.loads(data) if data is not None else None

    def do_save(self, record):
        ttl = max(1, math.ceil(record["_timeout"]))
        self._redis.set(self._prefix + self._sid, pickle.dumps(record, pickle.HIGHEST_PROTOCOL),
                        ex=ttl)

    def do_delete(self):
        self._redis.delete(self._prefix + self._sid)

    def do_cleanup(self):
        log_notice(self._req, "RedisSession: nothing to clean up (Redis expires sessions).")
