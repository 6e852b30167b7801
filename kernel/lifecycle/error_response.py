"""The error path: a phase result that is an HTTP status becomes the response."""

import traceback

from . import constants as C
from .errors import ClientGone

# Statuses after which Apache closes the connection (the request may not have been read whole).
DROPS_CONNECTION = frozenset((400, 408, 411, 413, 414, 500, 501, 503))


def respond(req, result, failure):
    """Turn a phase result into the response (the error path for statuses)."""
    if result == C.OK or result == C.DONE:
        return
    if type(result) is not int or not C.is_http_status(result):
        req.log_error("plugin %s returned an invalid result %r from phase %s for %s "
                      "(OK, DECLINED, DONE or an HTTP status 100-599 expected)"
                      % (req.current_plugin, result, req.current_hook, req.uri))
        result = C.HTTP_INTERNAL_SERVER_ERROR
    if failure is not None:     # the one place a phase's exception is logged
        req.log_error("%s failed:\n%s" % (failure.where, "".join(
            traceback.format_exception(*failure.exc_info)).rstrip()))
    send_error(req, result, failure)


def send_error(req, status, failure=None):
    """The error path: status line, err_headers_out, and a body from the error_page hook."""
    resp = req._resp
    if status in DROPS_CONNECTION:
        resp.drop_connection()
    if status == C.HTTP_NOT_MODIFIED:
        keep_for_not_modified(req)
    resp.reset_for_error(req, status)
    try:
        body = req.site.hook.error_page(req=req, status=status, failure=failure)
    except ClientGone:
        raise
    except BaseException:
        req.log_error("error_page hook raised:\n" + traceback.format_exc().rstrip())
        body = None
    if body is True:
        return
    if body is None:
        body = minimal_page(status)
    if C.has_no_body(status):
        return
    req.write(body, 0)


# What Apache's 304 keeps of the handler's headers_out (http_filters.c): the validators
# and caching headers a client needs to update its stored copy.
NOT_MODIFIED_KEEPS = ("ETag", "Content-Location", "Expires", "Cache-Control", "Vary",
                      "Warning", "WWW-Authenticate", "Set-Cookie")


def keep_for_not_modified(req):
    out, err = req.headers_out, req.err_headers_out
    for name in NOT_MODIFIED_KEEPS:
        if name in out and name not in err:
            for value in out.getlist(name):
                err.add(name, value)


def minimal_page(status):
    """The page an error gets when no plugin offers one (also for requests we cannot parse)."""
    reason = C.reason(status)
    return ("<!DOCTYPE html>\n<html><head><title>%d %s</title></head>"
            "<body><h1>%s</h1></body></html>\n" % (status, reason, reason))
