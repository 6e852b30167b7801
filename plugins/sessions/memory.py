"""``MemorySession``: sessions in a dict of this process (only right when one process serves
the site: ``Session()`` picks it then)."""

import time

from .base import BaseSession, log_notice


def _expired(record, now):
    return now - record["_accessed"] > record["_timeout"]


def memory_cleanup(sessions):
    now = time.time()
    for sid, record in list(sessions.items()):
        if _expired(record, now):
            sessions.pop(sid, None)


class MemorySession(BaseSession):

    sdict = {}

    def __init__(self, req, sid=0, secret=None, timeout=0, lock=1):
        super().__init__(req, sid=sid, secret=secret, timeout=timeout, lock=lock)

    def do_cleanup(self):
        self._req.register_cleanup(memory_cleanup, MemorySession.sdict)
        log_notice(self._req, "MemorySession: registered session cleanup.")

    def do_load(self):
        return MemorySession.sdict.get(self._sid)

    def do_save(self, record):
        MemorySession.sdict[self._sid] = record

    def do_delete(self):
        MemorySession.sdict.pop(self._sid, None)
