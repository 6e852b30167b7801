"""HTTP conditional requests (RFC 9110 section 13) against a request's ETag and mtime."""

from email.utils import parsedate_to_datetime

from . import constants as C


def _etags(value):
    return [t.strip().removeprefix("W/") for t in value.split(",") if t.strip()]


def _since(value):
    if not value:       # no such header (most requests): no parse, no exception raised
        return None
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None


def meets_conditions(req):
    """``OK``, or 304 / 412 as the request's preconditions demand."""
    headers = req.headers_in
    etag = req.headers_out.getfirst("ETag")
    mtime = int(req.mtime)        # HTTP dates have whole seconds
    if_match = headers.getfirst("If-Match")
    if if_match is not None:
        if if_match.strip() != "*" and (etag is None or etag.removeprefix("W/") not in _etags(if_match)):
            return C.HTTP_PRECONDITION_FAILED
    else:
        since = _since(headers.getfirst("If-Unmodified-Since") or "")
        if since is not None and mtime and mtime > since:
            return C.HTTP_PRECONDITION_FAILED
    if_none = headers.getfirst("If-None-Match")
    safe = req.method in ("GET", "HEAD")
    if if_none is not None:
        if if_none.strip() == "*" or (etag is not None and etag.removeprefix("W/") in _etags(if_none)):
            return C.HTTP_NOT_MODIFIED if safe else C.HTTP_PRECONDITION_FAILED
    elif safe:
        since = _since(headers.getfirst("If-Modified-Since") or "")
        # A date later than the request itself is ignored, as Apache does (a wrong clock).
        if since is not None and mtime and mtime <= since <= req.request_time:
            return C.HTTP_NOT_MODIFIED
    return C.OK
