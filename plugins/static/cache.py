"""Small files kept in memory with their validators, re-checked against each request's stat.

The path walk stats the file for every request (``req.finfo``); a kept copy is served only
while that stat still shows the very file it was read from: device, inode, size, mtime and
ctime. Every write, truncate, chmod, chown or utime moves the ctime to the present, and a file
renamed over the name is another inode, so any change is seen by the next request without a
syscall of our own. A file whose ctime is within ``SETTLED`` seconds of the read is not kept:
a second write in the same clock tick would leave every field as it was.

Bounded per process (``MAX_FILE`` per file, ``MAX_BYTES`` and ``MAX_ENTRIES`` in all); the
oldest kept file goes first. Served from the request's greenlet or, under the WSGI entry, from
several threads: a lookup is one dict read, changes are made under a lock.
"""

import threading
from email.utils import formatdate

MAX_FILE = 65536            # one read block; a larger file is streamed from the disk
MAX_BYTES = 8 * 1024 * 1024
MAX_ENTRIES = 4096
SETTLED = 1.0               # seconds


def key_of(st):
    """What must not change for a kept copy to be the file's content; None for a finfo that
    is no ``os.stat_result`` (a handler may set ``req.finfo = apache.stat(...)``)."""
    try:
        return (st.st_ino, st.st_dev, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    except AttributeError:
        return None


class Entry:
    """A file's bytes and what the request methods would compute from its stat.

    ``mtime`` is ``req.update_mtime``'s rounding of st_mtime; ``last_modified`` and ``etag``
    are what ``set_last_modified`` and ``set_etag`` give while the request's mtime is this
    file's and more than a second old (strong ETag, date not capped by the request time);
    ``last_modified`` is None for an mtime of 0, which sends no Last-Modified at all."""

    __slots__ = ("key", "body", "mtime", "last_modified", "etag")

    def __init__(self, st, body):
        self.key = key_of(st)
        self.body = body
        self.mtime = round(float(st.st_mtime), 6)
        self.last_modified = formatdate(int(self.mtime), usegmt=True) if self.mtime else None
        self.etag = '"%x-%x"' % (st.st_size, int(st.st_mtime * 1000000))


class FileCache:
    def __init__(self, max_file=MAX_FILE, max_bytes=MAX_BYTES, max_entries=MAX_ENTRIES):
        self.max_file = max_file
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self.entries = {}           # file name -> Entry, oldest first
        self.bytes = 0
        self.lock = threading.Lock()

    def get(self, filename, st):
        """The kept copy of ``filename`` if ``st`` (this request's stat) is still its file."""
        entry = self.entries.get(filename)
        if entry is not None and entry.key == key_of(st):
            return entry
        return None

    def keep(self, filename, st, opened, body, now):
        """Keep ``body``, read from the descriptor whose fstat is ``opened``, when it is the
        whole file ``st`` describes, unchanged since and settled; returns the Entry or None."""
        size = len(body)
        key = key_of(st)
        if key is None or size > self.max_file or size != st.st_size or key_of(opened) != key \
                or now - st.st_ctime < SETTLED or size > self.max_bytes:
            return None
        entry = Entry(st, body)
        with self.lock:
            self._drop(filename)
            while self.entries and (self.bytes + size > self.max_bytes
                                    or len(self.entries) >= self.max_entries):
                self._drop(next(iter(self.entries)))
            self.entries[filename] = entry
            self.bytes += size
        return entry

    def forget(self, filename):
        """Drop the copy of a file that is gone."""
        if filename in self.entries:
            with self.lock:
                self._drop(filename)

    def clear(self):
        with self.lock:
            self.entries.clear()
            self.bytes = 0

    def _drop(self, filename):
        entry = self.entries.pop(filename, None)
        if entry is not None:
            self.bytes -= len(entry.body)
