"""Sending what a published object returned (semantics 5.6, with the Python 3 repairs:
bytes go out as bytes, iterators are streamed)."""

import re
from collections.abc import Iterator

_CLOSING_HTML = re.compile(r"</html\s*>\s*$", re.IGNORECASE)


def guess_type(text):
    """text/html when the text ends with a closing ``</html>`` tag, else text/plain."""
    tail = text[-100:]
    if isinstance(tail, bytes):
        tail = tail.decode("latin-1")
    if ">" not in tail:         # most text: no tag can end it
        return "text/plain"
    return "text/html" if _CLOSING_HTML.search(tail) else "text/plain"


def render(req, result):
    """Write ``result``; the content type is guessed only if the code never set one and
    no output went out yet (after a flushed ``req.write`` the headers are on the wire).

    A body is queued with ``flush=0`` so it goes out with a Content-Length; ``None`` leaves
    the response as it is (the file's own type, an empty body); an iterator is streamed
    piece by piece (its first piece is produced before the type is decided, so a generator
    may still set ``req.content_type``).
    """
    if type(result) is str:     # the common answer first (a str subclass may iterate)
        body = result
    elif result is None:
        return
    elif isinstance(result, Iterator):
        _stream(req, result)
        return
    elif isinstance(result, (bytes, bytearray, memoryview)):
        body = bytes(result)
    else:
        body = result if isinstance(result, str) else str(result)
    if not req.content_type_set and not req.sent_bodyct:
        req.content_type = guess_type(body)
    req.write(body, 0)


def _stream(req, iterator):
    end = object()
    try:
        piece = next(iterator, end)
        if not req.content_type_set and not req.sent_bodyct:
            req.content_type = "text/plain"
        if req.header_only:
            return
        while piece is not end:
            if not isinstance(piece, (str, bytes, bytearray, memoryview)):
                piece = str(piece)
            req.write(piece)
            piece = next(iterator, end)
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            close()
