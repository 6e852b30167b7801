"""kernel.deploy.balance: the shared table that keeps the workers' connection counts level."""

import os

from kernel.deploy import balance
from kernel.deploy.balance import SLACK, Balance, Share


def two_workers():
    table = Balance()
    first = Share(table, table.claim(set()), pid=1001)
    table.assign(1001, first.base // balance.FIELDS)
    second = Share(table, table.claim({1001}), pid=1002)
    table.assign(1002, second.base // balance.FIELDS)
    return table, first, second


def test_each_live_worker_has_its_own_slot_and_a_dead_ones_slot_is_reused():
    table, first, second = two_workers()
    assert first.base != second.base
    slot_of_second = second.base // balance.FIELDS
    # 1002 died (even by SIGKILL: it never cleared its slot); the next worker gets that slot
    assert table.claim({1001}) == slot_of_second
    assert table.table[second.base] == 0            # emptied for the newcomer


def test_a_worker_takes_connections_up_to_slack_above_the_least_loaded():
    _, first, second = two_workers()
    second.publish(3)
    assert first.may_take_more(3 + SLACK)
    assert not first.may_take_more(3 + SLACK + 1)
    second.publish(3 + SLACK + 1)       # the other side of the same rule
    assert first.may_take_more(3 + SLACK + 1)


def test_a_worker_that_accepts_nothing_is_not_waited_for():
    _, first, second = two_workers()
    second.publish(0)
    assert not first.may_take_more(SLACK + 5)
    second.withdraw()                   # MaxConnections reached, or stopping
    assert first.may_take_more(SLACK + 5)
    second.publish(0)
    second.leave()                      # exited
    assert first.may_take_more(SLACK + 5)


def test_a_worker_whose_event_loop_stopped_stamping_is_not_waited_for():
    _, first, second = two_workers()
    second.publish(0)
    assert not first.may_take_more(SLACK + 5)
    second.table[second.base + 2] -= int(balance.STALE * 1000) + 1    # its last stamp, long ago
    assert first.may_take_more(SLACK + 5)
    second.stamp()
    assert not first.may_take_more(SLACK + 5)


def test_alone_a_worker_takes_everything():
    table = Balance()
    only = Share(table, table.claim(set()), pid=1001)
    assert only.may_take_more(10 ** 6)


def test_forked_workers_see_one_table():
    table = Balance()
    slot = table.claim(set())
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:                        # the child: a worker publishing its count
        try:
            Share(table, slot).publish(42)
            os.write(writer, b"x")
        finally:
            os._exit(0)
    os.close(writer)
    assert os.read(reader, 1) == b"x"
    os.waitpid(pid, 0)
    assert table.table[slot * balance.FIELDS] == pid
    assert table.table[slot * balance.FIELDS + 1] == 42


def test_a_worker_still_booting_is_not_waited_for():
    _, first, second = two_workers()        # neither has published a count yet
    assert first.may_take_more(SLACK + 5)
    second.publish(0)                       # its listener accepts now
    assert not first.may_take_more(SLACK + 5)
