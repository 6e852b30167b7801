"""The status plugin: Apache's mod_status. ``SetHandler server-status`` in a section shows
the server's uptime, requests served, bytes sent and the requests in flight (URI, client,
age), per worker process: the counters live in a shared-memory scoreboard
(:mod:`.scoreboard`), so the page from any worker lists every worker.

Forms: the HTML page (a live chart of requests per second, drawn by a small script polling
``?json``), ``?auto`` (Apache's machine-readable lines) and ``?json``.

``ExtendedStatus On|Off`` (server config; On by default, as Apache 2.4 turns it on when
mod_status is loaded): Off keeps only the busy/idle counts (no request lines are recorded;
the totals, rates and the in-flight table are not shown), as Apache.

Access: the page is served to a client outside ``Require local``'s addresses only when the
section it is served from configures access control (``Require``, ``Allow``/``Deny``...),
which the access phase has then enforced; otherwise the answer is 403 and a log line.
"""

from greenphase import SERVER, flag, hookimpl

from . import page
from .scoreboard import Board

HANDLER = "server-status"
DIRECTIVES = [flag("ExtendedStatus", default=True, context=SERVER)]
_board = None           # this process's Board, made when it first serves


def board():
    global _board
    if _board is None:
        _board = Board()
    return _board


@hookimpl
def register_directives():
    return DIRECTIVES


@hookimpl
def apache_modules():
    return ("status",)


@hookimpl
def configure(site):
    main = site.servers[0]
    site.state["status.extended"] = bool(main.config["ExtendedStatus"])
    return None


@hookimpl
def phases_used(site):
    return ("post_read_request", "log_transaction", "handler")


@hookimpl
def server_start(site):
    board()


@hookimpl
def server_stop(site):
    if _board is not None:
        _board.release()


@hookimpl(tryfirst=True)
def post_read_request(req):
    """mod_status: the request is counted in flight on this worker's scoreboard slot (with
    ExtendedStatus On, its client and request line too).

    Its age counts from the request's own arrival time (``req.request_time``)."""
    if req.prev is not None or req.main is not None:
        return None             # an internal redirect or sub-request: the same request
    b = _board or board()
    if req.site.state.get("status.extended"):
        line = ("%s\0%s" % (req.useragent_ip, req.the_request)).encode("latin-1", "replace")
        req.plugin_state["status.entry"] = b.begin(line, req.request_time)
    else:
        req.plugin_state["status.entry"] = b.begin(None)
    return None


_NOT_BEGUN = object()


@hookimpl(trylast=True)
def log_transaction(req):
    """mod_status: the request is counted served, with its bytes, and leaves the in-flight
    table."""
    entry = req.plugin_state.pop("status.entry", _NOT_BEGUN)
    if entry is not _NOT_BEGUN:
        _board.end(entry, req.bytes_sent)
    return None


@hookimpl
def handler(req):
    """mod_status: SetHandler server-status shows the scoreboard (HTML, ?auto, ?json)."""
    if req.handler != HANDLER:
        return None
    return page.serve(req, board(), req.site.state.get("status.extended", True))

