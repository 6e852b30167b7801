"""Publisher: how a returned value becomes the response (5.6, with the Python 3 repairs)."""

import pytest

from kernel.testing import FakeRequest
from plugins.publisher.render import guess_type, render


@pytest.mark.parametrize("text, kind", [
    ("<html><body>x</body></html>", "text/html"),
    ("<HTML>x</HTML >\n  ", "text/html"),
    ("x" * 500 + "</html>", "text/html"),
    ("<html><body>no closing tag", "text/plain"),
    ("</html> then more text", "text/plain"),
    ("plain", "text/plain"),
    (b"<p>bytes</p></html>", "text/html"),
])
def test_guess_type(text, kind):
    assert guess_type(text) == kind


def test_str_is_queued_unflushed_with_a_guessed_type():
    req = FakeRequest()
    render(req, "<html>hi</html>")
    assert req.written == [(b"<html>hi</html>", 0)] and req.content_type == "text/html"
    req = FakeRequest()
    render(req, "hi")
    assert req.content_type == "text/plain"


def test_a_type_the_code_set_is_kept():
    req = FakeRequest()
    req.content_type = "text/csv"
    render(req, "<html></html>")
    assert req.content_type == "text/csv"


def test_str_is_sent_as_utf8():
    req = FakeRequest()
    render(req, "grüße")
    assert req.body == "grüße".encode()


def test_bytes_are_sent_as_bytes():
    req = FakeRequest()
    render(req, b"\x00\xffraw")
    assert req.body == b"\x00\xffraw" and req.content_type == "text/plain"
    req = FakeRequest()
    render(req, bytearray(b"ba"))
    assert req.body == b"ba"


def test_none_writes_nothing_and_keeps_the_file_type():
    req = FakeRequest()
    render(req, None)
    assert req.written == [] and req.content_type == "text/x-python" and not req._content_type_set


@pytest.mark.parametrize("value, text", [(42, b"42"), ([1, "a"], b"[1, 'a']"), ({"k": 1}, b"{'k': 1}")])
def test_other_objects_are_str_ed(value, text):
    req = FakeRequest()
    render(req, value)
    assert req.body == text and req.content_type == "text/plain"


def test_generators_are_streamed_piece_by_piece():
    req = FakeRequest()

    def pieces():
        req.content_type = "text/csv"     # runs only when iterated: still honoured
        yield "a,"
        yield b"b,"
        yield 3
    render(req, pieces())
    assert req.written == [(b"a,", 1), (b"b,", 1), (b"3", 1)] and req.content_type == "text/csv"


def test_iterators_are_streamed_and_closed():
    req = FakeRequest()
    closed = []

    def pieces():
        try:
            yield "x"
            yield "y"
        finally:
            closed.append(True)
    render(req, iter(["a", "b"]))
    assert req.body == b"ab" and req.content_type == "text/plain"
    req = FakeRequest("HEAD")
    render(req, pieces())
    assert req.written == [] and closed == [True]


def test_lists_and_tuples_are_not_streamed():
    req = FakeRequest()
    render(req, ("a", "b"))
    assert req.body == b"('a', 'b')"


def test_type_not_guessed_once_output_went_out():
    req = FakeRequest()
    req.write("flushed;")
    render(req, "<html></html>")
    assert req.content_type == "text/x-python" and req.body == b"flushed;<html></html>"
