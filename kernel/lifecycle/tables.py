"""Apache's table (mod_python's ``mp_table``): string keys compared case-insensitively,
several values per key allowed, behaving as mod_python 3.5's table down to its exceptions.

* ``t[k] = v`` replaces every value of ``k``; ``t.add(k, v)`` appends one more.
* ``t[k]`` is the value, or a list when ``k`` has several; a missing key is a KeyError.
* ``t.get(k, default)`` and ``t.setdefault(k, default)`` answer the *first* value.
* ``keys()``, ``values()``, ``items()``, ``len()`` and iteration go entry by entry (a key
  added twice is there twice), in insertion order.
* ``del t[k]`` of a missing key does nothing (Apache's ``apr_table_unset``).
* Keys and values are ``str``; ``bytes`` are accepted and read as ISO-8859-1. Anything else
  is a TypeError for ``[]=``, ``add``, ``in`` and lookups; ``table(mapping_or_pairs)`` and
  ``update`` convert other values with ``str()``, as 3.5 did.
* Unhashable; equal to a table or dict with the same ``{key: value or list}``.

Differences from 3.5: ``table(pairs)`` keeps a key given twice twice (3.5 kept the last);
``update`` also takes pairs; any ``str`` is accepted (3.5 refused characters outside
ISO-8859-1). ``getlist``, ``getfirst`` and ``pop`` are greenphase's additions.
"""


def _text(value, what):
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("latin-1")
    raise TypeError("table %ss must be str (or bytes), not %s" % (what, type(value).__name__))


def _converted(value):
    """What 3.5 stored for a value given to ``table()`` or ``update()``: its ``str()``."""
    if isinstance(value, (str, bytes, bytearray)):
        return _text(value, "value")
    return str(value)


class Table:
    """Apache's table: see the module docstring."""

    __slots__ = ("_items",)

    def __init__(self, items=None):
        self._items = []          # [lowerkey, key, value]
        if items:
            if hasattr(items, "keys"):
                for key in items.keys():
                    self[_converted(key)] = _converted(items[key])
            else:
                for i, pair in enumerate(items):
                    key, value = _pair(pair, i)
                    self.add(_converted(key), _converted(value))

    @classmethod
    def from_pairs(cls, pairs):
        """A table from (key, value) str pairs, unchecked: for the HTTP parser's output."""
        table = cls()
        table._items = [[key.lower(), key, value] for key, value in pairs]
        return table

    # -- writing -----------------------------------------------------------------------
    def add(self, key, value):
        if type(key) is not str:
            key = _text(key, "key")
        if type(value) is not str:
            value = _text(value, "value")
        self._items.append([key.lower(), key, value])

    def __setitem__(self, key, value):
        if type(key) is not str:
            key = _text(key, "key")
        if type(value) is not str:
            value = _text(value, "value")
        low = key.lower()
        items = self._items
        for i, item in enumerate(items):
            if item[0] == low:
                item[1] = key
                item[2] = value
                rest = items[i + 1:]
                if any(x[0] == low for x in rest):     # later copies of the key go
                    self._items = items[: i + 1] + [x for x in rest if x[0] != low]
                return
        items.append([low, key, value])

    def __delitem__(self, key):
        low = _text(key, "key").lower()
        self._items = [item for item in self._items if item[0] != low]

    def setdefault(self, key, default=None):
        found = self.getfirst(key)
        if found is None:
            found = "" if default is None else _text(default, "value")
            self.add(key, found)
        return found

    def update(self, other):
        pairs = ((k, other[k]) for k in other.keys()) if hasattr(other, "keys") else other
        for i, pair in enumerate(pairs):
            key, value = _pair(pair, i)
            self[_converted(key)] = _converted(value)

    def pop(self, key, *default):
        try:
            value = self[key]
        except KeyError:
            if default:
                return default[0]
            raise
        del self[key]
        return value

    def popitem(self):
        """Remove and return the first (key, value) entry."""
        if not self._items:
            raise KeyError("popitem(): table is empty")
        _, key, value = self._items.pop(0)
        return key, value

    def clear(self):
        self._items = []

    # -- reading -----------------------------------------------------------------------
    def __getitem__(self, key):
        low = (key if type(key) is str else _text(key, "key")).lower()
        found = [item[2] for item in self._items if item[0] == low]
        if not found:
            raise KeyError(key)
        return found[0] if len(found) == 1 else found

    def get(self, key, default=None):
        """The first value of ``key`` (a str, never a list), or ``default``."""
        low = (key if type(key) is str else _text(key, "key")).lower()
        for item in self._items:
            if item[0] == low:
                return item[2]
        return default

    getfirst = get

    def getlist(self, key):
        low = _text(key, "key").lower()
        return [item[2] for item in self._items if item[0] == low]

    def has_key(self, key):
        return key in self

    def __contains__(self, key):
        low = (key if type(key) is str else _text(key, "key")).lower()
        for item in self._items:
            if item[0] == low:
                return True
        return False

    def __len__(self):
        return len(self._items)

    def __bool__(self):
        return bool(self._items)

    def keys(self):
        return [item[1] for item in self._items]

    def values(self):
        return [item[2] for item in self._items]

    def items(self):
        """Every (key, value) pair, repeated keys included (how headers go on the wire)."""
        return [(item[1], item[2]) for item in self._items]

    def __iter__(self):
        return self._iterate(1)

    def iterkeys(self):
        return self._iterate(1)

    def itervalues(self):
        return self._iterate(2)

    def iteritems(self):
        return self._iterate(None)

    def _iterate(self, index):
        items = self._items
        size = len(items)
        for i in range(size):
            if len(self._items) != size:
                raise RuntimeError("table changed size during iteration")
            item = items[i]
            yield (item[1], item[2]) if index is None else item[index]
        if len(self._items) != size:
            raise RuntimeError("table changed size during iteration")

    def copy(self):
        table = Table()
        table._items = [list(item) for item in self._items]
        return table

    __hash__ = None

    def _as_dict(self):
        return {key: self[key] for key in dict.fromkeys(item[1] for item in self._items)}

    def __eq__(self, other):
        if isinstance(other, Table):
            return self._as_dict() == other._as_dict()
        if isinstance(other, dict):
            return self._as_dict() == other
        return NotImplemented

    def __repr__(self):
        return "{%s}" % ", ".join("%r: %r" % (key, value) for _, key, value in self._items)


def _pair(pair, index):
    try:
        items = list(pair)
    except TypeError:
        raise TypeError("cannot convert table update sequence element #%d to a sequence"
                        % index) from None
    if len(items) != 2:
        raise ValueError("table update sequence element #%d has length %d; 2 is required"
                         % (index, len(items)))
    return items
