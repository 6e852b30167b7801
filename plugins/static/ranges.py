"""``Range: bytes=...`` (RFC 9110 section 14): which parts of a file to send."""

import re

MAX_RANGES = 200        # more parts than this: the header is ignored (as Apache's MaxRanges)
UNSATISFIABLE = "unsatisfiable"
_SPEC = re.compile(r"(\d*)-(\d*)", re.ASCII)


def parse_ranges(header, size):
    """The byte ranges ``header`` asks of a ``size``-byte file, as sorted, merged
    ``(first, last)`` pairs (inclusive); ``None`` when the header is to be ignored (not a
    bytes range, malformed, too many parts, empty file); ``UNSATISFIABLE`` when no part
    overlaps the file."""
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or size == 0:
        return None
    parts = [part.strip() for part in spec.split(",") if part.strip()]
    if not parts or len(parts) > MAX_RANGES:
        return None
    ranges = []
    for part in parts:
        match = _SPEC.fullmatch(part)
        if not match or match.group(0) == "-":
            return None
        first, last = match.groups()
        if first and last and int(last) < int(first):
            return None
        if not first:                       # suffix: the last N bytes
            if int(last) > 0:
                ranges.append((max(size - int(last), 0), size - 1))
        elif int(first) < size:
            ranges.append((int(first), min(int(last), size - 1) if last else size - 1))
    return merge(ranges) if ranges else UNSATISFIABLE


def merge(ranges):
    """Sort and join overlapping or adjacent ranges (a client gains nothing from overlaps)."""
    merged = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged
