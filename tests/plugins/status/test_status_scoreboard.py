"""The scoreboard across processes: each worker claims its own slot, a dead worker's slot is
neither shown nor kept, the counters and in-flight entries one process writes are what
another reads."""

import multiprocessing
import os

from plugins.status.scoreboard import ENTRIES, Board

fork = multiprocessing.get_context("fork")


def _worker(folder, ready, go, served):
    board = Board(folder)
    for n in range(served):
        board.end(board.begin(b"127.0.0.1\0GET /n=%d HTTP/1.1" % n), 100)
    board.begin(b"10.0.0.1\0GET /held HTTP/1.1")        # stays in flight
    ready.put((os.getpid(), board.slot))
    go.wait(30)


def test_two_processes_see_each_others_counters_and_requests(tmp_path):
    ready, go = fork.Queue(), fork.Event()
    child = fork.Process(target=_worker, args=(str(tmp_path), ready, go, 3))
    child.start()
    try:
        pid, slot = ready.get(timeout=30)
        mine = Board(str(tmp_path))
        assert mine.shared and mine.slot != slot
        mine.end(mine.begin(b"127.0.0.1\0GET /mine HTTP/1.1"), 7)
        workers = {w["pid"]: w for w in mine.workers()}
        assert set(workers) == {pid, os.getpid()}
        theirs = workers[pid]
        assert (theirs["accesses"], theirs["bytes"], theirs["busy"]) == (3, 300, 1)
        assert [(r["client"], r["request"]) for r in theirs["requests"]] == \
            [("10.0.0.1", "GET /held HTTP/1.1")]
        assert (workers[os.getpid()]["accesses"], workers[os.getpid()]["bytes"]) == (1, 7)
        assert workers[os.getpid()]["requests"] == []
    finally:
        go.set()
        child.join(30)
    # the child is gone: its slot is no longer listed, and the next board may take it
    assert [w["pid"] for w in mine.workers()] == [os.getpid()]
    again = Board(str(tmp_path))
    assert again.slot == slot
    (row,) = [w for w in again.workers() if w["slot"] == slot]
    assert (row["accesses"], row["busy"], row["requests"]) == (0, 0, [])   # a clean slot


def test_release_hides_the_slot(tmp_path):
    board = Board(str(tmp_path))
    assert [w["pid"] for w in board.workers()] == [os.getpid()]
    board.release()
    assert board.workers() == []


def test_a_full_request_table_still_counts(tmp_path):
    board = Board()                     # no run dir: this process's own board
    assert not board.shared
    entries = [board.begin(b"c\0GET /%d HTTP/1.1" % n) for n in range(ENTRIES + 3)]
    assert entries[-3:] == [None, None, None]
    (me,) = board.workers()
    assert me["busy"] == ENTRIES + 3 and len(me["requests"]) == ENTRIES
    for entry in entries:
        board.end(entry, 1)
    (me,) = board.workers()
    assert (me["busy"], me["accesses"], me["requests"]) == (0, ENTRIES + 3, [])


def test_a_reused_entry_shows_only_its_own_line_and_time(tmp_path):
    """Lines are stored with a NUL after them, not padded: a shorter line written over a
    longer one in the same entry reads back alone; too long a line is cut at LINE bytes."""
    from plugins.status.scoreboard import LINE
    board = Board()
    board.end(board.begin(b"192.0.2.10\0GET /a/rather/long/path?with=query HTTP/1.1"), 1)
    entry = board.begin(b"10.0.0.1\0GET / HTTP/1.1", 1000.0)
    (me,) = board.workers()
    assert [(r["client"], r["request"]) for r in me["requests"]] == [("10.0.0.1", "GET / HTTP/1.1")]
    assert me["requests"][0]["age"] > 1e9          # counted from the time given
    board.end(entry, 1)
    board.begin(b"c\0GET /" + b"x" * 1000)
    (me,) = board.workers()
    assert me["requests"][0]["request"] == "GET /" + "x" * (LINE - len("c\0GET /"))
