"""The ``PythonOption`` keys sessions read, with mod_python's older spellings, and the checks
on the directories a store writes to."""

import os
import stat
import tempfile

# Each setting: its mod_python 3.3+ key first, then the older names still honoured.
SESSION_TYPE = ("mod_python.session.session_type", "session")
COOKIE_NAME = ("mod_python.session.cookie_name", "session_cookie_name")
APPLICATION_PATH = ("mod_python.session.application_path", "ApplicationPath")
APPLICATION_DOMAIN = ("mod_python.session.application_domain",)
DATABASE_DIRECTORY = ("mod_python.session.database_directory", "session_directory")
FILE_DIRECTORY = ("mod_python.file_session.database_directory",)
FAST_CLEANUP = ("mod_python.file_session.enable_fast_cleanup", "session_fast_cleanup")
VERIFY_CLEANUP = ("mod_python.file_session.verify_session_timeout", "session_verify_cleanup")
GRACE_PERIOD = ("mod_python.file_session.cleanup_grace_period", "session_grace_period")
CLEANUP_TIME_LIMIT = ("mod_python.file_session.cleanup_time_limit", "session_cleanup_time_limit")
DBM_FILENAME = ("mod_python.dbm_session.database_filename", "session_dbm")
DBM_DIRECTORY = ("mod_python.dbm_session.database_directory",)
# greenphase's own (mod_python had no way to set these).
COOKIE_SECURE = ("mod_python.session.cookie_secure", "session_cookie_secure")
COOKIE_HTTPONLY = ("mod_python.session.cookie_httponly", "session_cookie_httponly")
COOKIE_SAMESITE = ("mod_python.session.cookie_samesite", "session_cookie_samesite")
CLEANUP_CHANCE = ("mod_python.session.cleanup_chance", "session_cleanup_chance")
REDIS_URL = ("mod_python.session.redis_url", "session_redis_url")
REDIS_PREFIX = ("mod_python.session.redis_prefix", "session_redis_prefix")
REDIS_LOCK_TIMEOUT = ("mod_python.session.redis_lock_timeout", "session_redis_lock_timeout")

COOKIE_NAME_DEFAULT = "pysid"
SAMESITE_VALUES = {"strict": "Strict", "lax": "Lax", "none": "None"}


class SessionStoreError(RuntimeError):
    """A session store that cannot be used as configured (the message names the option)."""


def options(req):
    """The request's merged ``PythonOption`` table (empty without the handlers plugin)."""
    get = getattr(req, "get_options", None)
    return get() if get is not None else {}


def option(opts, keys, default=None):
    for key in keys:
        if key in opts:
            return opts[key]
    return default


def flag(opts, keys, default):
    """An On/Off option: yes/true/on/1 or no/false/off/0 (mod_python's spellings and Apache's)."""
    value = option(opts, keys)
    if value is None:
        return default
    word = str(value).strip().lower()
    if word in ("yes", "true", "on", "1"):
        return True
    if word in ("no", "false", "off", "0"):
        return False
    raise SessionStoreError("PythonOption %s %s: expected On or Off" % (keys[0], value))


def number(opts, keys, default, kind=int):
    value = option(opts, keys)
    if value is None:
        return default
    try:
        return kind(value)
    except ValueError:
        raise SessionStoreError("PythonOption %s %s: expected a number" % (keys[0], value)) from None


def samesite(opts):
    """``Lax`` unless set; ``Off`` leaves the attribute out."""
    value = option(opts, COOKIE_SAMESITE, "Lax").strip()
    if value.lower() in ("off", ""):
        return None
    try:
        return SAMESITE_VALUES[value.lower()]
    except KeyError:
        raise SessionStoreError("PythonOption %s %s: expected Strict, Lax, None or Off"
                                % (COOKIE_SAMESITE[0], value)) from None


def base_directory(opts, specific=()):
    """Where file-backed stores live: the store's own option, the shared one, else the
    system's temporary directory (mod_python's default)."""
    return option(opts, tuple(specific) + DATABASE_DIRECTORY) or tempfile.gettempdir()


def private_directory(path):
    """Create ``path`` (mode 0700) and insist that it is a directory of this user that no
    one else can write to: another local user must not be able to plant session records,
    which are pickles, or lock files."""
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        st = os.lstat(path)
    except OSError as exc:
        raise SessionStoreError("session directory %s: %s" % (path, exc.strerror)) from None
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & 0o022:
        raise SessionStoreError(
            "session directory %s must be a directory owned by this user (uid %d) and "
            "writable by no one else; choose another with PythonOption %s"
            % (path, os.geteuid(), DATABASE_DIRECTORY[0]))
    return path
