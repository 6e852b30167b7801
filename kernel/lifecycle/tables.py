"""Apache's table: string keys compared case-insensitively, several values per key allowed."""


class Table:
    """``t[k] = v`` replaces, ``t.add(k, v)`` appends, ``t[k]`` is a str or, for several
    values, a list. Iteration order is insertion order; ``items()`` yields each value."""

    __slots__ = ("_items",)

    def __init__(self, init=None):
        self._items = []          # [lowerkey, key, value]
        if init:
            pairs = init.items() if hasattr(init, "items") else init
            for k, v in pairs:
                self.add(k, v)

    @staticmethod
    def _check(key, value):
        if not isinstance(key, str) or not isinstance(value, str):
            raise TypeError("table keys and values must be str")

    @classmethod
    def from_pairs(cls, pairs):
        """A table from (key, value) str pairs, unchecked: for the HTTP parser's output."""
        table = cls()
        table._items = [[key.lower(), key, value] for key, value in pairs]
        return table

    def add(self, key, value):
        self._check(key, value)
        self._items.append([key.lower(), key, value])

    def __setitem__(self, key, value):
        self._check(key, value)
        low = key.lower()
        items = self._items
        for i, item in enumerate(items):
            if item[0] == low:
                item[1] = key
                item[2] = value
                self._items = items[: i + 1] + [x for x in items[i + 1:] if x[0] != low]
                return
        items.append([low, key, value])

    def __getitem__(self, key):
        low = key.lower()
        found = [item[2] for item in self._items if item[0] == low]
        if not found:
            raise KeyError(key)
        return found[0] if len(found) == 1 else found

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def getlist(self, key):
        low = key.lower()
        return [item[2] for item in self._items if item[0] == low]

    def getfirst(self, key, default=None):
        low = key.lower()
        for item in self._items:
            if item[0] == low:
                return item[2]
        return default

    def setdefault(self, key, value):
        found = self.getfirst(key)
        if found is None:
            self.add(key, value)
            return value
        return found

    def __delitem__(self, key):
        low = key.lower()
        before = len(self._items)
        self._items = [item for item in self._items if item[0] != low]
        if len(self._items) == before:
            raise KeyError(key)

    def pop(self, key, *default):
        try:
            value = self[key]
        except KeyError:
            if default:
                return default[0]
            raise
        del self[key]
        return value

    def __contains__(self, key):
        if not isinstance(key, str):
            return False
        low = key.lower()
        return any(item[0] == low for item in self._items)

    def __len__(self):
        return len(self._items)

    def __bool__(self):
        return bool(self._items)

    def __iter__(self):
        return iter(self.keys())

    def keys(self):
        seen, out = set(), []
        for low, key, _ in self._items:
            if low not in seen:
                seen.add(low)
                out.append(key)
        return out

    def values(self):
        return [self[k] for k in self.keys()]

    def items(self):
        """Every (key, value) pair, repeated keys included (how headers go on the wire)."""
        return [(key, value) for _, key, value in self._items]

    def clear(self):
        self._items = []

    def update(self, other):
        pairs = other.items() if hasattr(other, "items") else other
        for k, v in pairs:
            self[k] = v

    def copy(self):
        t = Table()
        t._items = [list(item) for item in self._items]
        return t

    __hash__ = None

    def __eq__(self, other):
        if isinstance(other, Table):
            return self.items() == other.items()
        if isinstance(other, dict):
            return {k.lower(): v for k, v in self.items()} == {k.lower(): v for k, v in other.items()}
        return NotImplemented

    def __repr__(self):
        return "Table(%r)" % self.items()
