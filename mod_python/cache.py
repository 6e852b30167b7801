"""mod_python.cache: thread-safe caches whose entries rebuild themselves when stale.

A :class:`Cache` maps a name to a value; subclasses say how a value is built and when it is
stale (hooks ``key``, ``check``, ``build``, ``commit``). ``Cache(max_size)`` keeps at most
``max_size`` entries, dropping the least recently used (0: unbounded).

Differences from mod_python 3.5: greenphase's own module loading (handlers, the publisher)
does not go through this module but through the kernel's loader, which also reloads on
change; :class:`ModuleCache` is here for code that uses it directly. Its modules are not in
``sys.modules``, as in 3.5. :class:`HttpModuleCache` runs code fetched from a URL: use it only
with URLs you control.
"""

import re
import threading
import time
import types
import urllib.error
import urllib.request
import weakref
from collections import OrderedDict
from email.utils import parsedate_to_datetime

NOT_INITIALIZED = object()


class Entry:
    """One cache slot: the value (or NOT_INITIALIZED), its lock, and room for metadata
    (subclasses store timestamps or validators as attributes)."""

    def __init__(self, key):
        self._key = key
        self._value = NOT_INITIALIZED
        self._lock = threading.Lock()


class Cache:
    """A cache of values built on demand; ``cache[name]`` builds or rebuilds as needed."""

    def __init__(self, max_size=0):
        self._maxsize = max_size
        self._dict = OrderedDict()      # key -> Entry, least recently used first
        self._lock = threading.Lock()

    # -- hooks for subclasses --------------------------------------------------------------
    def key(self, name):
        """The dictionary key for ``name`` (default: the name itself)."""
        return name

    def check(self, key, name, entry):
        """None when the entry is fresh, else an opened resource for :meth:`build`."""
        return None

    def build(self, key, name, opened, entry):
        """Make the value of ``name`` from ``opened`` (what :meth:`check` returned)."""
        raise NotImplementedError("%s.build must make the value" % type(self).__name__)

    def commit(self):
        """Called after each change of the contents (for persistent caches)."""

    # -- the mapping -------------------------------------------------------------------------
    def __getitem__(self, name):
        return self._checkitem(name)[2]

    def __setitem__(self, name, value):
        entry = self._get_entry(self.key(name))
        with entry._lock:
            self._pack(entry, value)
            self.commit()

    def __delitem__(self, name):
        with self._lock:
            del self._dict[self.key(name)]

    def clear(self):
        with self._lock:
            self._dict.clear()

    def mru(self):
        """The most recently used key (None for an unbounded cache, as in 3.5)."""
        with self._lock:
            return next(reversed(self._dict), None) if self._maxsize else None

    def lru(self):
        """The least recently used key (None for an unbounded cache)."""
        with self._lock:
            return next(iter(self._dict), None) if self._maxsize else None

    def _get_entry(self, key):
        with self._lock:
            entry = self._dict.get(key)
            if entry is None:
                entry = self._dict[key] = Entry(key)
                if self._maxsize and len(self._dict) > self._maxsize:
                    self._dict.popitem(last=False)
            elif self._maxsize:
                self._dict.move_to_end(key)
            return entry

    def _checkitem(self, name):
        """(is_new, key, value, entry); the value is rebuilt when missing or stale."""
        key = self.key(name)
        entry = self._get_entry(key)
        with entry._lock:
            value = self._unpack(entry)
            opened = self.check(key, name, entry)
            if value is NOT_INITIALIZED or opened is not None:
                value = self.build(key, name, opened, entry)
                self._pack(entry, value)
                self.commit()
                return True, key, value, entry
            return False, key, value, entry

    def _pack(self, entry, value):
        entry._value = value

    def _unpack(self, entry):
        return entry._value


class WeakCache(Cache):
    """Holds its values weakly: an entry goes when nobody else uses its value."""

    def _pack(self, entry, value):
        key = entry._key
        entry._value = weakref.ref(value, lambda ref: self._forget(key))

    def _forget(self, key):
        with self._lock:
            self._dict.pop(key, None)

    def _unpack(self, entry):
        if entry._value is NOT_INITIALIZED:
            return NOT_INITIALIZED
        value = entry._value()
        return NOT_INITIALIZED if value is None else value


class FileCache(Cache):
    """File name -> contents, read again when the file's modification time changes."""

    def __init__(self, max_size=0, mode="rb"):
        super().__init__(max_size)
        self.mode = mode

    def check(self, key, name, entry):
        import os
        stamp = os.stat(key).st_mtime
        if entry._value is NOT_INITIALIZED or getattr(entry, "_timestamp", None) != stamp:
            entry._timestamp = stamp
            return open(key, self.mode)
        return None

    def build(self, key, name, opened, entry):
        with opened:
            return opened.read()


re_not_word = re.compile(r"\W+")


def _module_from(source, key, filename):
    module = types.ModuleType(re_not_word.sub("_", key))
    module.__file__ = key
    exec(compile(source, filename, "exec"), module.__dict__)  # noqa: S102
    return module


class ModuleCache(FileCache):
    """File name -> the module its code makes (executed again when the file changes)."""

    def __init__(self, max_size=0):
        super().__init__(max_size, "rb")

    def build(self, key, name, opened, entry):
        with opened:
            return _module_from(opened.read(), key, key)


def parseRFC822Time(text):
    """Seconds since the epoch of an HTTP date."""
    return parsedate_to_datetime(text).timestamp()


re_max_age = re.compile(r"max-age\s*=\s*(\d+)", re.I)


class HTTPEntity:
    """What :class:`HTTPCache` keeps: the body and the response headers."""

    def __init__(self, entity, metadata):
        self.entity = entity
        self.metadata = metadata

    def __repr__(self):
        return "HTTPEntity(%r, %r)" % (self.entity, self.metadata)

    def __str__(self):
        return self.entity.decode("utf-8", "replace") if isinstance(self.entity, bytes) \
            else str(self.entity)


class HTTPCache(Cache):
    """URL -> :class:`HTTPEntity`, revalidated with ETag / Last-Modified once
    ``Cache-Control: max-age`` or ``Expires`` says it is stale."""

    def check(self, key, name, entry):
        if time.time() < getattr(entry, "_expires", 0):
            return None
        request = urllib.request.Request(key)
        validator = getattr(entry, "_validator", None)
        if validator and entry._value is not NOT_INITIALIZED:
            request.add_header(*validator)
        try:
            opened = urllib.request.urlopen(request)  # noqa: S310 (the caller's URL)
        except urllib.error.HTTPError as error:
            if error.code == 304:
                return None
            raise
        headers = opened.info()
        match = re_max_age.search(headers.get("cache-control", ""))
        if match:
            entry._expires = time.time() + int(match.group(1))
        elif headers.get("date") and headers.get("expires"):
            try:
                entry._expires = time.time() + parseRFC822Time(headers["expires"]) \
                    - parseRFC822Time(headers["date"])
            except (TypeError, ValueError):
                pass
        if headers.get("etag"):
            entry._validator = ("If-None-Match", headers["etag"])
        elif headers.get("last-modified"):
            entry._validator = ("If-Modified-Since", headers["last-modified"])
        return opened

    def build(self, key, name, opened, entry):
        with opened:
            return HTTPEntity(opened.read(), dict(opened.info()))


class HttpModuleCache(HTTPCache):
    """URL -> the module made by the Python code found there (runs that code!)."""

    def build(self, key, name, opened, entry):
        with opened:
            source = opened.read().replace(b"\r\n", b"\n")
        return _module_from(source, key, name)


class FunctionCache(Cache):
    """Remembers ``function(*args, **kw)`` per arguments (they must be hashable)."""

    def __init__(self, function, max_size=0):
        super().__init__(max_size)
        self.function = function

    def __call__(self, *args, **kw):
        return self[(args, tuple(sorted(kw.items())))]

    def build(self, key, name, opened, entry):
        args, kw = name
        return self.function(*args, **dict(kw))
