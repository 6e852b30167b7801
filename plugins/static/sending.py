"""Sending a file (an open descriptor, or its bytes kept by the cache): validators, conditions,
the whole file or byte ranges."""

import os
import secrets

from greenphase import constants as C
from greenphase import filters

from .ranges import UNSATISFIABLE, parse_ranges

BLOCK = 65536


def send_file(req, source, st, entry=None):
    """Send the file ``st`` describes from ``source``: a descriptor, or its whole content as
    bytes; ``entry`` (the cache's) has its validators made already."""
    size = st.st_size
    if entry is None:
        req.update_mtime(st.st_mtime)
    elif entry.mtime > req.mtime:       # update_mtime's rounding, done once per file
        req.mtime = entry.mtime
    if entry is not None and entry.last_modified is not None and req.mtime == entry.mtime \
            and req.request_time - entry.mtime > 1:
        # what set_last_modified and set_etag would compute: the mtime (not capped by the
        # request time), a strong ETag (the file changed more than a second ago)
        req.headers_out["Last-Modified"] = entry.last_modified
        req.headers_out["ETag"] = entry.etag
    else:
        req.set_last_modified()
        req.set_etag()
    ranges = None
    # An ErrorDocument keeps its error status: no 304 and no ranges for it.
    if req.status == C.HTTP_OK:
        req.headers_out["Accept-Ranges"] = "bytes"
        result = req.meets_conditions()
        if result != C.OK:
            if result == C.HTTP_NOT_MODIFIED:
                req.err_headers_out["ETag"] = req.headers_out["ETag"]
            return result
        ranges = requested_ranges(req, size)
    if ranges == UNSATISFIABLE:
        req.err_headers_out["Content-Range"] = "bytes */%d" % size
        return C.HTTP_RANGE_NOT_SATISFIABLE
    if ranges is None:
        req.set_content_length(size)
        copy(req, source, 0, size)
    elif len(ranges) == 1:
        first, last = ranges[0]
        req.status = C.HTTP_PARTIAL_CONTENT
        req.headers_out["Content-Range"] = "bytes %d-%d/%d" % (first, last, size)
        req.set_content_length(last - first + 1)
        copy(req, source, first, last - first + 1)
    else:
        send_multipart(req, source, size, ranges)
    return C.OK


def requested_ranges(req, size):
    """The ranges to send, ``UNSATISFIABLE``, or None for the whole file."""
    header = req.headers_in.getfirst("Range")
    if header is None or not if_range_holds(req):
        return None
    return parse_ranges(header, size)


def if_range_holds(req):
    """``If-Range``: ranges only while the client's copy is current (strong ETag or the exact
    Last-Modified date)."""
    condition = req.headers_in.getfirst("If-Range")
    if condition is None:
        return True
    condition = condition.strip()
    if condition.startswith(("W/", '"')):
        return not condition.startswith("W/") and condition == req.headers_out.getfirst("ETag")
    return condition == req.headers_out.getfirst("Last-Modified")


def send_multipart(req, source, size, ranges):
    """``multipart/byteranges``: each range with its own Content-Range header."""
    boundary = secrets.token_hex(12)
    part_type = "Content-Type: %s\r\n" % req.content_type if req.content_type else ""
    heads = [("\r\n--%s\r\n%sContent-Range: bytes %d-%d/%d\r\n\r\n"
              % (boundary, part_type, first, last, size)).encode("latin-1")
             for first, last in ranges]
    tail = ("\r\n--%s--\r\n" % boundary).encode("latin-1")
    req.status = C.HTTP_PARTIAL_CONTENT
    req.content_type = "multipart/byteranges; boundary=" + boundary
    req.set_content_length(sum(map(len, heads)) + sum(last - first + 1 for first, last in ranges)
                           + len(tail))
    if req.header_only:
        return
    for head, (first, last) in zip(heads, ranges):
        req.write(head, 0)
        copy(req, source, first, last - first + 1)
    req.write(tail)


def copy(req, source, offset, length):
    """Stream ``length`` bytes from ``offset``, one block at a time (none for HEAD). Every
    block is flushed but the last, which the end of the response sends with what is queued
    (the same bytes on the wire, one queueing less). Under an output filter the last is
    flushed too: the filter then sees a flushed stream (its length dropped, chunked) as it
    always did."""
    if req.header_only:
        return
    last = flush_of_last_block(req)
    kept = type(source) is bytes
    while length > 0:
        if kept:        # a whole-file slice is the bytes object itself: no copy
            block = source[offset:offset + min(BLOCK, length)]
        else:
            block = os.pread(source, min(BLOCK, length), offset)
        if not block:
            req.log_error("%s shrank while being sent" % req.filename)
            return
        length -= len(block)
        offset += len(block)
        req.write(block, 1 if length > 0 else last)


def flush_of_last_block(req):
    try:
        return 1 if filters.output_filters(req) else 0
    except AttributeError:      # a stand-in request (kernel.testing.FakeRequest): no Response
        return 1
