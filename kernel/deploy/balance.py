"""Spreading new connections evenly over the workers that share one listening socket.

Every worker waits on the same socket, so whichever is running when clients connect takes
them: the busiest worker, polling between its requests, would take each burst of new
connections (wrk's reconnects after MaxKeepAliveRequests arrive together) and soon hold them
all, on one core. Taking one connection per wake-up (gunicorn's answer) keeps the workers
level but leaves a burst waiting in the backlog for a second. Here the workers tell each other
how many connections they hold, in a small table in shared memory the arbiter makes before
forking: a worker takes a connection unless that would put it more than SLACK above the least
loaded of the others (the slack lets a burst drain in a few wake-ups); else it leaves the
connection to them. A worker that stopped accepting (MaxConnections, a graceful stop) or whose
event loop stopped stamping its slot (a handler hogging the CPU) is not waited for.
"""

import mmap
import os
import time

SLOTS = 256             # workers alive at once, old ones finishing during a reload included
FIELDS = 3              # pid, open connections (NOT_ACCEPTING when it takes none), stamp
# Slot 0 is the header: its first field is one past the highest slot ever claimed, so a
# worker reads only the slots in use (a few), not the whole table.
NOT_ACCEPTING = 1 << 62
SLACK = 8               # connections one worker may hold beyond the least loaded one
STAMP_SECONDS = 0.1     # how often a worker's event loop stamps its slot
STALE = 0.5             # seconds without a stamp: that worker's event loop is not running


def _now_ms():
    return int(time.monotonic() * 1000)     # CLOCK_MONOTONIC: one clock for every process


class Balance:
    """The shared table (made in the arbiter); ``claim`` picks a worker's slot before the fork,
    ``Share`` is one worker's use of it."""

    def __init__(self):
        self.memory = mmap.mmap(-1, (SLOTS + 1) * FIELDS * 8)   # MAP_SHARED: forks share it
        self.table = memoryview(self.memory).cast("q")
        self.table[0] = 1
        self.slots = {}             # worker pid -> slot (the arbiter's bookkeeping)

    def claim(self, live_pids):
        """A slot no live worker holds, emptied for the worker about to be forked (None when
        all are held: that worker accepts as it likes)."""
        for pid, slot in list(self.slots.items()):
            if pid not in live_pids:        # gone (even by SIGKILL): no longer waited for
                del self.slots[pid]
                if slot is not None:
                    self.table[slot * FIELDS] = 0
        taken = set(self.slots.values())
        slot = next((s for s in range(1, SLOTS + 1) if s not in taken), None)
        if slot is None:
            return None
        for field in range(FIELDS):
            self.table[slot * FIELDS + field] = 0
        self.table[0] = max(self.table[0], slot + 1)
        return slot

    def assign(self, pid, slot):
        self.slots[pid] = slot


class Share:
    """One worker's slot: it publishes its connection count and stamps while its loop runs."""

    def __init__(self, balance, slot, pid=None):
        self.table = balance.table
        self.base = slot * FIELDS
        self.pid = pid or os.getpid()
        self.table[self.base] = self.pid
        self.withdraw()         # until its listener accepts (the boot may take a while)
        self.stamp()

    def publish(self, connections):
        self.table[self.base + 1] = connections

    def withdraw(self):
        """Take no more connections: the others stop waiting for this one."""
        self.table[self.base + 1] = NOT_ACCEPTING

    def stamp(self):
        self.table[self.base + 2] = _now_ms()

    def leave(self):
        self.table[self.base] = 0

    def may_take_more(self, mine):
        """True unless another accepting, running worker holds SLACK fewer than ``mine``."""
        table = self.table
        fresh = _now_ms() - STALE * 1000
        mine -= SLACK
        for base in range(FIELDS, table[0] * FIELDS, FIELDS):
            pid = table[base]
            if pid and pid != self.pid and table[base + 1] < mine and table[base + 2] > fresh:
                return False
        return True
