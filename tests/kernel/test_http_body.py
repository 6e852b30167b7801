"""kernel.http.body.Body: read/readline across the pieces the parser delivers, limits, discard."""

import pytest

from kernel.http.body import DRAIN_LIMIT, Body
from kernel import SERVER_RETURN
from kernel import Table


class Msg:
    def __init__(self, pieces, complete=True):
        self.body = list(pieces)
        self.complete = complete


class Conn:
    """Feeds more pieces when asked to read from the socket."""

    def __init__(self, msg, later=()):
        self.msg, self.later = msg, list(later)
        self.pending = b""
        self.close_after = False
        self.sent = []

    def fill(self):
        if not self.later:
            return False            # the client went away
        self.msg.body.append(self.later.pop(0))
        self.msg.complete = not self.later
        return True

    def send_raw(self, data):
        self.sent.append(data)


class Resp:
    headers_sent = False


def body_of(pieces, later=(), headers=None):
    msg = Msg(pieces, complete=not later)
    return Body(Conn(msg, later), msg, Table(headers or {}), "1.1", Resp())


def test_read_and_readline_across_pieces():
    body = body_of([b"ab", b"c\nde"], later=[b"f\ng", b"h"])
    assert body.readline() == b"abc\n"
    assert body.read(2) == b"de"
    assert body.readline(1) == b"f"
    assert body.readline() == b"\n"
    assert body.read() == b"gh"
    assert body.read() == b"" and body.consumed == 10


def test_many_small_reads_of_a_large_body():
    pieces = [b"line %06d\n" % n for n in range(20000)]
    body = body_of(pieces[:10], later=pieces[10:])
    lines = []
    while True:
        line = body.readline()
        if not line:
            break
        lines.append(line)
    assert lines == pieces


def test_limit_is_413_and_closes():
    body = body_of([b"x" * 8], later=[b"y" * 8])
    body.limit = 10
    with pytest.raises(SERVER_RETURN) as exc:
        body.read()
    assert exc.value.args[0] == 413 and body.conn.close_after


def test_discard_gives_up_past_the_drain_limit():
    chunk = b"z" * 65536
    body = body_of([], later=[chunk] * (DRAIN_LIMIT // len(chunk) + 4))
    assert body.discard() is False
    small = body_of([], later=[b"abc"])
    assert small.discard() is True
