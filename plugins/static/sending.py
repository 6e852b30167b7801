"""Sending an open file (a descriptor): validators, conditions, the whole file or byte ranges."""

import os
import secrets

from greenphase import constants as C

from .ranges import UNSATISFIABLE, parse_ranges

BLOCK = 65536


def send_file(req, fd, st):
    size = st.st_size
    req.update_mtime(st.st_mtime)
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
        copy(req, fd, 0, size)
    elif len(ranges) == 1:
        first, last = ranges[0]
        req.status = C.HTTP_PARTIAL_CONTENT
        req.headers_out["Content-Range"] = "bytes %d-%d/%d" % (first, last, size)
        req.set_content_length(last - first + 1)
        copy(req, fd, first, last - first + 1)
    else:
        send_multipart(req, fd, size, ranges)
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


def send_multipart(req, fd, size, ranges):
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
        copy(req, fd, first, last - first + 1)
    req.write(tail)


def copy(req, fd, offset, length):
    """Stream ``length`` bytes from ``offset``, one flushed block at a time (none for HEAD).
    Every block is flushed, the last one too: an output filter then sees a flushed stream
    (its length dropped, chunked) as it always did."""
    if req.header_only:
        return
    while length > 0:
        block = os.pread(fd, min(BLOCK, length), offset)
        if not block:
            req.log_error("%s shrank while being sent" % req.filename)
            return
        length -= len(block)
        offset += len(block)
        req.write(block)
