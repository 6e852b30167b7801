"""``BaseSession``: mod_python's session, a dict saved explicitly and kept under a lock.

Construction reads the id from the session cookie (``pysid`` unless
``PythonOption mod_python.session.cookie_name`` says otherwise; a ``SignedCookie`` when a
secret is given), locks it and loads it. An unknown, expired or malformed id starts a new
session with a fresh id, whose cookie is added to ``req.headers_out`` at once. The lock is
released when the request ends (a request cleanup), or by ``unlock()``.

Subclasses (the stores) provide ``do_load() -> record | None``, ``do_save(record)``,
``do_delete()``, ``do_cleanup()`` and ``lock_scope() -> (key prefix, outer lock or None)``.
A record is ``{"_data": dict, "_created": t, "_accessed": t, "_timeout": s}`` as in
mod_python.
"""

import random
import re
import secrets
import time

from greenphase import constants as C
from greenphase import Cookie, SignedCookie, add_cookie, get_cookie

from . import locks
from . import options as O

DEFAULT_TIMEOUT = 30 * 60
DEFAULT_CLEANUP_CHANCE = 1000   # cleanup runs on one request in this many

# mod_python's ids: 32 lowercase hex digits. Nothing else is ever used as a file name or key.
_SID = re.compile(r"[0-9a-f]{32}\Z")


def check_sid(sid):
    return isinstance(sid, str) and _SID.match(sid) is not None


def new_sid():
    """128 random bits from the OS, in mod_python's alphabet and length."""
    return secrets.token_hex(16)


class BaseSession(dict):

    def __init__(self, req, sid=None, secret=None, lock=1, timeout=0):
        super().__init__()
        self._req, self._sid, self._secret = req, sid, secret
        self._lock = lock
        self._new = 1
        self._created = 0
        self._accessed = 0
        self._timeout = 0
        self._locked = 0
        self._invalid = 0
        opts = O.options(req)
        self._cookie_name = O.option(opts, O.COOKIE_NAME, O.COOKIE_NAME_DEFAULT)

        if not self._sid:
            if secret:
                cookie = get_cookie(req, self._cookie_name, Class=SignedCookie, secret=secret,
                                    mismatch=Cookie.IGNORE)
            else:
                cookie = get_cookie(req, self._cookie_name)
            if cookie is not None:
                self._sid = cookie.value
        if self._sid and not check_sid(self._sid):
            if sid:
                raise ValueError("Invalid Session ID: sid=%r" % (sid,))
            self._sid = None        # from the client: replaced by a new one

        if self._sid:
            self.lock()
            if self.load():
                self._new = 0
        if self._new:
            if self._sid:
                self.unlock()
            self._sid = new_sid()
            self.lock()
            add_cookie(req, self.make_cookie())
            self._created = time.time()
            self._timeout = timeout or DEFAULT_TIMEOUT
        self._accessed = time.time()

        chance = O.number(opts, O.CLEANUP_CHANCE, DEFAULT_CLEANUP_CHANCE)
        if chance > 0 and random.randint(1, chance) == 1:
            self.cleanup()

    # -- the cookie ------------------------------------------------------------------------
    def make_cookie(self):
        """The session cookie: path, domain and flags from the options (see the plugin)."""
        req, opts = self._req, O.options(self._req)
        if self._secret:
            c = SignedCookie(self._cookie_name, self._sid, secret=self._secret)
        else:
            c = Cookie(self._cookie_name, self._sid)
        domain = O.option(opts, O.APPLICATION_DOMAIN)
        if domain:
            c.domain = domain
        c.path = O.option(opts, O.APPLICATION_PATH) or _handler_path(req)
        is_https = getattr(req, "is_https", None)
        if O.flag(opts, O.COOKIE_SECURE, bool(is_https and is_https())):
            c.secure = True
        if O.flag(opts, O.COOKIE_HTTPONLY, True):
            c.httponly = True
        same = O.samesite(opts)
        if same:
            c.samesite = same
        return c

    def regenerate_id(self):
        """Give this session a new id and cookie, keeping its data (call it at login, so an
        id planted before the login is worth nothing after it). The old record is deleted;
        ``save()`` stores the data under the new id."""
        if self._invalid:
            raise ValueError("regenerate_id() on an invalidated session")
        self.do_delete()
        self.unlock()
        self._sid = new_sid()
        self.lock()
        add_cookie(self._req, self.make_cookie())
        return self._sid

    def invalidate(self):
        """Expire the cookie and delete the stored session."""
        c = self.make_cookie()
        c.expires = 0
        add_cookie(self._req, c)
        self.delete()
        self._invalid = 1

    # -- storage ---------------------------------------------------------------------------
    def load(self):
        record = self.do_load()
        if record is None or time.time() - record["_accessed"] > record["_timeout"]:
            return 0
        self._created = record["_created"]
        self._accessed = record["_accessed"]
        self._timeout = record["_timeout"]
        self.update(record["_data"])
        return 1

    def save(self):
        """Store the session (never automatic: an unsaved session is not kept)."""
        if not self._invalid:
            self.do_save({"_data": self.copy(), "_created": self._created,
                          "_accessed": self._accessed, "_timeout": self._timeout})

    def delete(self):
        self.do_delete()
        self.clear()

    def cleanup(self):
        self.do_cleanup()

    # -- locking ---------------------------------------------------------------------------
    def _lock_key(self):
        scope, outer = self.lock_scope()
        return (type(self).__name__, scope, self._sid), outer

    def lock(self):
        if self._lock and not self._locked:
            key, outer = self._lock_key()
            locks.acquire(key, outer, on_wait=self._log_wait)
            self._locked = 1
            self._req.register_cleanup(_unlock, self)

    def unlock(self):
        if self._lock and self._locked:
            key, outer = self._lock_key()
            self._locked = 0
            locks.release(key, outer)

    def _log_wait(self):
        self._req.log_error("%s %s: waiting for another request holding the session"
                            % (type(self).__name__, self._sid), C.APLOG_INFO)

    def lock_scope(self):
        return None, None

    # -- state -----------------------------------------------------------------------------
    def is_new(self):
        return bool(self._new)

    def id(self):
        return self._sid

    def created(self):
        return self._created

    def last_accessed(self):
        return self._accessed

    def timeout(self):
        return self._timeout

    def set_timeout(self, secs):
        self._timeout = secs

    def __repr__(self):
        return "<%s %s %s>" % (type(self).__name__, self._sid, dict.__repr__(self))


def _unlock(session):
    session.unlock()


def _handler_path(req):
    """mod_python's default cookie path: the handler directive's directory below the document
    root, or ``/`` when that is not a prefix of the URI (Location, Alias, UserDir)."""
    hlist = getattr(req, "hlist", None)
    directory = getattr(hlist, "directory", None) if hlist is not None else None
    path = "/"
    if directory:
        root = req.document_root().rstrip("/")
        if directory.startswith(root + "/"):
            path = directory[len(root):]
    if not path or not req.uri.startswith(path):
        path = "/"
    return path


def log_notice(req, message):
    req.log_error(message, C.APLOG_NOTICE)
