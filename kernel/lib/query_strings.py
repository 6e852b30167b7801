"""Query strings (and urlencoded bodies, the same format) into (name, value) pairs:
mod_python.util's parse_qs/parse_qsl, shared by the forms (kernel.lib.forms) and the face."""

import re
from urllib.parse import unquote_to_bytes

_FIELD_SEPARATOR = re.compile(rb"[&;]")
_TEXT_FIELD_SEPARATOR = re.compile(r"[&;]")


def decode_text(raw, charset="utf-8"):
    """``raw`` in ``charset`` (UTF-8 by default), else Latin-1: nothing is lost."""
    try:
        return raw.decode(charset or "utf-8")
    except (UnicodeDecodeError, LookupError):
        return raw.decode("latin-1")


def byte_pairs(data, keep_blank_values, strict_parsing):
    """(name, value) byte pairs of ``data``: split at ``&`` and ``;``, ``+`` and ``%xx`` decoded."""
    pairs = []
    for field in _FIELD_SEPARATOR.split(data):
        if not field:
            continue
        name, eq, value = field.partition(b"=")
        if not eq and strict_parsing:
            raise ValueError("bad query field: %r" % field)
        if not value and not keep_blank_values:
            continue
        pairs.append((unquote_to_bytes(name.replace(b"+", b" ")),
                      unquote_to_bytes(value.replace(b"+", b" "))))
    return pairs


def _plain_pairs(qs, keep_blank_values, strict_parsing):
    """``byte_pairs`` for an ASCII query string with nothing to decode (no ``%``, no ``+``): the
    fields are the text itself, so no round trip through bytes (most query strings)."""
    pairs = []
    for field in _TEXT_FIELD_SEPARATOR.split(qs) if ";" in qs else qs.split("&"):
        if not field:
            continue
        name, eq, value = field.partition("=")
        if not eq and strict_parsing:
            raise ValueError("bad query field: %r" % field.encode())
        if not value and not keep_blank_values:
            continue
        pairs.append((name, value))
    return pairs


def parse_qsl(qs, keep_blank_values=0, strict_parsing=0, charset="utf-8"):
    """A query string as a list of (name, value) pairs: str in, str out; bytes in, bytes out.

    A field without ``=`` has the value ``''``; blank values are dropped unless
    ``keep_blank_values``; ``strict_parsing`` raises ValueError for such a field.
    """
    if isinstance(qs, str):
        if charset == "utf-8" and qs.isascii() and "%" not in qs and "+" not in qs:
            return _plain_pairs(qs, keep_blank_values, strict_parsing)
        data = qs.encode("utf-8", "surrogateescape")
        return [(decode_text(n, charset), decode_text(v, charset))
                for n, v in byte_pairs(data, keep_blank_values, strict_parsing)]
    return byte_pairs(bytes(qs), keep_blank_values, strict_parsing)


def parse_qs(qs, keep_blank_values=0, strict_parsing=0):
    """A query string as ``{name: [values...]}`` (types as :func:`parse_qsl`)."""
    result = {}
    for name, value in parse_qsl(qs, keep_blank_values, strict_parsing):
        result.setdefault(name, []).append(value)
    return result
