"""The errorpages plugin: the body of every error response.

PythonDebug's traceback page when a handler raised and the site wants it shown, else the
``ErrorDocument`` configured for the status, else a built-in page. Registered ``trylast`` so
that any other plugin implementing ``error_page`` (JSON errors, branded pages) is asked first.
"""

from greenphase import hookimpl
from greenphase import constants as C

from .errordocument import ERROR_DOCUMENT, LOCAL, REMOTE, TEXT
from .pages import plain_page, traceback_page

# Noted on a request whose error went to a local ErrorDocument. When the document's own
# request fails too, its ``prev`` carries the note and the plain page ends the recursion.
REDIRECTED_NOTE = "errorpages.redirected"


@hookimpl
def register_directives():
    return [ERROR_DOCUMENT]


@hookimpl(trylast=True)
def error_page(req, status, failure):
    if failure is not None and failure.debug:
        req.content_type = "text/html"
        return traceback_page(failure)
    original = failed_document_status(req)
    if original is not None:
        return respond(req, original, plain_page(original, req.prev.method, also=status))
    action = req.dir_config["ErrorDocument"].get(status)
    kind = action.kind if action is not None else None
    if kind == TEXT:
        return action.value.encode("latin-1", "xmlcharrefreplace")
    if kind == LOCAL:
        req.notes[REDIRECTED_NOTE] = str(status)
        req.internal_redirect(action.value, method="GET")
        return True
    if kind == REMOTE and status == C.HTTP_UNAUTHORIZED:
        req.log_error("ErrorDocument 401 to a full URL ignored: the client would never be asked "
                      "for credentials", C.APLOG_WARNING)
    elif kind == REMOTE and not req.sent_bodyct:
        req.err_headers_out["Location"] = action.value
        return respond(req, C.HTTP_MOVED_TEMPORARILY,
                       plain_page(C.HTTP_MOVED_TEMPORARILY, req.method, action.value))
    return encode(plain_page(status, req.method, req.err_headers_out.getfirst("Location")))


def failed_document_status(req):
    """The original status when ``req`` is a local ErrorDocument's request, else None."""
    prev = req.prev
    if prev is not None and REDIRECTED_NOTE in prev.notes:
        return int(prev.notes[REDIRECTED_NOTE])
    return None


def respond(req, status, page):
    """Answer with another status than the one the kernel chose (unless output already went)."""
    req.status = status
    req.write(encode(page), 0)
    return True


def encode(page):
    return page.encode("latin-1", "xmlcharrefreplace")
