"""The HTML bodies of error responses: the plain page for a status and the debug traceback."""

import traceback
from html import escape

from greenphase import constants as C

# Statuses whose responses never carry a body.

# One short sentence per status; ``{method}`` and ``{location}`` are filled in (escaped).
EXPLANATIONS = {
    300: "Several representations match this request; the server lists them elsewhere.",
    301: 'This resource has moved for good to <a href="{location}">{location}</a>.',
    302: 'This resource is found at <a href="{location}">{location}</a> for now.',
    303: 'The answer to this request is at <a href="{location}">{location}</a>.',
    305: 'This resource must be reached through the proxy at <a href="{location}">{location}</a>.',
    307: 'This resource is at <a href="{location}">{location}</a> for now; repeat the request there.',
    308: 'This resource has moved for good to <a href="{location}">{location}</a>; repeat the request there.',
    400: "The server could not make sense of this request.",
    401: "This resource needs valid credentials. None were sent, the ones sent were not "
         "accepted, or the browser cannot send the kind the server asks for.",
    402: "Payment is required before this resource can be used.",
    403: "Access to this resource is not allowed.",
    404: "Nothing was found at the requested URL on this server.",
    405: "The method {method} is not allowed for this URL.",
    406: "No representation of this resource matches what the request accepts.",
    407: "Authenticate with the proxy first.",
    408: "The request did not arrive in time; the server stopped waiting for it.",
    409: "The request conflicts with the current state of the resource.",
    410: "This resource is gone for good and left no forwarding address.",
    411: "A {method} request to this URL must state its Content-Length.",
    412: "A precondition given in the request headers does not hold.",
    413: "The request body is larger than this resource accepts.",
    414: "The requested URL is longer than this server accepts.",
    415: "The media type of the request body is not supported here.",
    416: "None of the requested byte ranges lie within the resource.",
    417: "The expectation in the Expect header cannot be met.",
    429: "Too many requests arrived in too short a time; slow down.",
    431: "The request header fields are too large.",
    500: "Something went wrong inside the server and the request could not be completed. "
         "The server's error log may say more.",
    501: "The method {method} is not implemented for this URL.",
    502: "A gateway got an invalid answer from the server behind it.",
    503: "The server cannot handle the request right now; try again later.",
    504: "A gateway did not get an answer in time from the server behind it.",
    505: "The HTTP version of the request is not supported.",
}

CLASS_EXPLANATIONS = {
    1: "The request is being processed.",
    2: "The request succeeded.",
    3: "The resource is elsewhere.",
    4: "The request cannot be answered as it was sent.",
    5: "The server could not complete the request.",
}

TEMPLATE = """<!DOCTYPE html>
<html><head>
<title>{code} {reason}</title>
</head><body>
<h1>{reason}</h1>
<p>{text}</p>{extra}
</body></html>
"""


def explanation(status, method="GET", location=""):
    text = EXPLANATIONS.get(status) or CLASS_EXPLANATIONS.get(status // 100, "")
    return text.format(method=escape(method), location=escape(location or ""))


def plain_page(status, method="GET", location="", also=None):
    """The built-in page for ``status`` (str). ``also``: a later status that occurred while
    an ErrorDocument was being served for this one."""
    if C.has_no_body(status):
        return ""
    extra = ""
    if also is not None:
        extra = ("\n<p>Besides, the error document for this status failed with %d %s.</p>"
                 % (also, escape(C.reason(also))))
    return TEMPLATE.format(code=status, reason=escape(C.reason(status)),
                           text=explanation(status, method, location), extra=extra)


def traceback_page(failure):
    """PythonDebug's page: what failed and the escaped traceback (bytes, ASCII-safe)."""
    lines = "".join(traceback.format_exception(*failure.exc_info))
    text = '\n<pre>\nMod_python error: "%s"\n\n%s\n</pre>\n' % (escape(failure.where or ""), escape(lines))
    return text.encode("ascii", "xmlcharrefreplace")
