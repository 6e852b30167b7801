"""The scoreboard: one small shared-memory file every worker of a server writes its counters
into, so the status page of any worker shows them all (Apache's scoreboard).

Layout (little-endian, fixed): a header (magic, slot count, the time the file was made:
the server's start), then ``SLOTS`` worker slots. A slot is the worker's counters (pid, start,
requests served, bytes sent, requests in flight) and, with ``ExtendedStatus On``,
``ENTRIES`` request entries (start time, client address, request line), each written by
its own worker only. Writing is a few ``struct.pack_into`` stores into the mapping: no lock,
no system call. A reader may see a half-written request line; it shows it as it is.

A worker claims the first slot nobody holds with a non-blocking ``lockf`` on the slot's
bytes, once, at start-up, and keeps the lock for its life: the kernel releases it when the
process dies, so a crashed worker's slot is reused and never shown again (the page lists
slots whose pid is alive). Under the arbiter the file lives in ``GREENPHASE_RUN_DIR`` (made
by ``greenphase serve`` for the workers it forks); without it (``--single``, the in-process
test client) the board is an anonymous mapping of this process alone.
"""

import fcntl
import mmap
import os
import struct
import tempfile
import time

FILE_NAME = "scoreboard"
MAGIC = b"GPSB0001"
SLOTS = 64                  # worker processes at once (reloads briefly double them)
ENTRIES = 32                # in-flight requests listed per worker; more are still counted
LINE = 248                  # bytes of "client\0request line" kept per entry

HEADER = struct.Struct("<8sqd")                 # magic, slots, created
COUNTERS = struct.Struct("<qdQQq")              # pid, started, accesses, bytes, busy
TOTALS = struct.Struct("<QQq")                  # accesses, bytes, busy (one store per request)
TOTALS_AT = 16                                  # offset of TOTALS inside COUNTERS
BUSY_AT = 32
START = struct.Struct("<d")
COUNTER_SIZE = 64
_pack_q = struct.Struct("<q").pack_into
_pack_d = START.pack_into
_pack_totals = TOTALS.pack_into
_now = time.time
ENTRY_SIZE = START.size + LINE
SLOT_SIZE = COUNTER_SIZE + ENTRIES * ENTRY_SIZE
HEADER_SIZE = 64
SIZE = HEADER_SIZE + SLOTS * SLOT_SIZE


def _open_shared(folder):
    """The mapping of the run directory's board, made complete before anyone sees it."""
    path = os.path.join(folder, FILE_NAME)
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        fd_tmp, tmp = tempfile.mkstemp(dir=folder, prefix=".scoreboard-")
        os.ftruncate(fd_tmp, SIZE)
        os.pwrite(fd_tmp, HEADER.pack(MAGIC, SLOTS, time.time()), 0)
        try:
            os.link(tmp, path)          # atomic: the first worker's file wins, complete
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
            os.close(fd_tmp)
        fd = os.open(path, os.O_RDWR)
    return fd, mmap.mmap(fd, SIZE)


class Board:
    """This process's view of the scoreboard, and its own slot in it."""

    def __init__(self, folder=None):
        folder = folder or os.environ.get("GREENPHASE_RUN_DIR")
        if folder and os.path.isdir(folder):
            self.fd, self.map = _open_shared(folder)
            self.shared = True
        else:
            self.fd, self.map = -1, mmap.mmap(-1, SIZE)
            self.map[:HEADER.size] = HEADER.pack(MAGIC, SLOTS, time.time())
            self.shared = False
        magic, self.slots, self.created = HEADER.unpack_from(self.map, 0)
        if magic != MAGIC:
            raise RuntimeError("scoreboard %s: not a greenphase scoreboard" % folder)
        self.slot = self._claim()
        self.base = HEADER_SIZE + self.slot * SLOT_SIZE
        self.started = time.time()
        self.map[self.base:self.base + SLOT_SIZE] = bytes(SLOT_SIZE)
        COUNTERS.pack_into(self.map, self.base, os.getpid(), self.started, 0, 0, 0)
        self.accesses = self.sent = self.busy = 0
        self.free = list(range(ENTRIES - 1, -1, -1))     # entry indexes; pop() takes the lowest
        self.busy_at = self.base + BUSY_AT
        self.totals_at = self.base + TOTALS_AT
        self.entries_at = self.base + COUNTER_SIZE

    def _claim(self):
        if not self.shared:
            return 0
        for slot in range(self.slots):
            try:
                fcntl.lockf(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB, SLOT_SIZE,
                            HEADER_SIZE + slot * SLOT_SIZE, os.SEEK_SET)
                return slot
            except OSError:
                continue
        raise RuntimeError("scoreboard full: more than %d workers" % self.slots)

    # -- the hot path: this worker's stores -------------------------------------------------
    def begin(self, line, began=None):
        """A request starts: returns its entry index (None when the table is full or not
        kept). ``line`` is bytes (``client\\0request line``), or None for ExtendedStatus Off;
        ``began``: when it arrived (the request's own time; default now). The line is
        stored up to ``LINE`` bytes with a NUL after it, not padded: the reader stops there."""
        busy = self.busy = self.busy + 1
        mapping = self.map
        _pack_q(mapping, self.busy_at, busy)
        if line is None or not self.free:
            return None
        entry = self.free.pop()
        at = self.entries_at + entry * ENTRY_SIZE + 8
        size = len(line)
        if size < LINE:
            mapping[at + size] = 0
        else:
            line, size = line[:LINE], LINE
        mapping[at:at + size] = line
        _pack_d(mapping, at - 8, _now() if began is None else began)   # last: now valid
        return entry

    def end(self, entry, sent):
        self.accesses += 1
        self.sent += sent
        self.busy -= 1
        _pack_totals(self.map, self.totals_at, self.accesses, self.sent, self.busy)
        if entry is not None:
            _pack_d(self.map, self.entries_at + entry * ENTRY_SIZE, 0.0)
            self.free.append(entry)

    def release(self):
        """This worker stops: its slot shows no more (the lock goes with the process)."""
        COUNTERS.pack_into(self.map, self.base, 0, 0.0, 0, 0, 0)

    # -- reading: every live worker ---------------------------------------------------------
    def workers(self):
        """[{pid, started, accesses, bytes, busy, requests: [{age, client, request}]}] of
        every live worker, this one included, by slot."""
        now = time.time()
        me = os.getpid()
        result = []
        for slot in range(self.slots):
            base = HEADER_SIZE + slot * SLOT_SIZE
            pid, started, accesses, sent, busy = COUNTERS.unpack_from(self.map, base)
            if pid <= 0 or (pid != me and not _alive(pid)):
                continue
            requests = []
            for entry in range(ENTRIES):
                at = base + COUNTER_SIZE + entry * ENTRY_SIZE
                (began,) = START.unpack_from(self.map, at)
                if began:
                    raw = bytes(self.map[at + START.size:at + ENTRY_SIZE])
                    client, _, rest = raw.partition(b"\0")
                    request = rest.partition(b"\0")[0]     # a shorter line ends with a NUL
                    requests.append({"age": max(0.0, now - began),
                                     "client": client.decode("latin-1"),
                                     "request": request.decode("latin-1")})
            result.append({"slot": slot, "pid": pid, "started": started, "accesses": accesses,
                           "bytes": sent, "busy": max(0, busy), "requests": requests})
        return result


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
