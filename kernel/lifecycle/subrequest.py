"""Sub-requests: a request for another URI run through the phases inside this one, its body
kept for the caller (mod_include's ``include virtual``; Apache's ap_sub_req_lookup_uri and
ap_run_sub_req). Headers and status stay the caller's; the sub-request's output filters
(an included ``.shtml`` gets INCLUDES) apply to what it writes.
"""

from . import constants as C
from .errors import SERVER_RETURN
from .pipeline import run_phases

MAX_DEPTH = 10


class CapturedResponse:
    """What a sub-request writes, kept in memory instead of framed for the client."""

    def __init__(self, header_only=False):
        self.header_only = header_only
        self.headers_sent = False
        self.chunked = False
        self.out = []
        self.out_len = 0
        self.bytes_sent = 0
        self.finished = False
        self.content_length = None
        self.status_sent = None
        self.filter = None

    def write(self, req, data, flush):
        if self.filter is not None:
            self.filter.write(req, data, flush)
        else:
            self.raw_write(req, data, flush)

    def raw_write(self, req, data, flush):
        if data:
            self.out.append(bytes(data))
            self.out_len += len(data)
            self.bytes_sent += len(data)
        if flush and not self.headers_sent:
            self.headers_sent = True
            self.status_sent = req.status

    def set_filter(self, chain):
        self.filter = chain

    def flush(self, req):
        self.write(req, b"", True)

    def finish(self, req):
        if self.filter is not None:
            chain, self.filter = self.filter, None
            chain.close(req)
        self.finished = True

    def drop_connection(self):
        pass

    def forget_length(self):
        pass

    def reset_for_error(self, req, status):
        self.out.clear()
        self.out_len = 0
        self.filter = None

    def body(self):
        return b"".join(self.out)


def run_subrequest(req, uri):
    """Run a GET sub-request for ``uri`` (relative to ``req.uri`` when it has no leading
    slash). Returns ``(status, body)``: status 200 when the handler answered OK."""
    depth, r = 0, req
    while r.main is not None:
        depth, r = depth + 1, r.main
    if depth >= MAX_DEPTH:
        req.log_error("sub-request for %s exceeds %d nested includes" % (uri, MAX_DEPTH))
        return C.HTTP_INTERNAL_SERVER_ERROR, b""
    if not uri.startswith("/"):
        uri = req.uri.rsplit("/", 1)[0] + "/" + uri
    resp = CapturedResponse()
    head = req._head.redirected(uri, "GET")
    sub = req.site.request_class(req.site, req.server, req.connection, resp, head, req._body)
    sub.main = req
    sub.headers_in = req.headers_in
    for key, value in req.subprocess_env.items():
        sub.subprocess_env[key] = value
    try:
        result, failure = run_phases(sub)
    except SERVER_RETURN as exc:
        result, failure = exc.args[0] if exc.args else C.HTTP_INTERNAL_SERVER_ERROR, None
    if failure is not None:
        req.log_error("sub-request for %s failed: %s" % (uri, failure.exc_info[1]))
    resp.finish(sub)
    if result == C.OK or result == C.DONE:
        status = sub.status if sub.status != 200 else 200
        return status, resp.body()
    return result if isinstance(result, int) and result > 0 else C.HTTP_INTERNAL_SERVER_ERROR, b""
