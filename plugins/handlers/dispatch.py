"""Running the handler list of one phase: resolve each entry (``resolution.py``), call it, and
mod_python's rules for what a result means to the rest of the list."""

import traceback

import gevent

from greenphase import SERVER_RETURN, ClientGone, PhaseError, apply_server_return, loader
from greenphase import constants as C

from . import resolution
from .directives import CONTINUE
from .resolution import follow, resolve  # noqa: F401  (follow: mod_python.apache's resolve_object)

SKIPPED = object()      # a silent entry whose module lacks the phase's function


class InvalidResult(TypeError):
    """A handler returned something that is not an int."""


class HandlerList:
    """``req.hlist``: the cursor over the running phase's handlers."""

    __slots__ = ("_entries", "_index")

    def __init__(self, entries):
        self._entries = entries     # a tuple until req.add_handler appends (then a list)
        self._index = 0

    @property
    def entry(self):
        return self._entries[self._index] if self._index < len(self._entries) else None

    @property
    def handler(self):
        entry = self.entry
        return entry.handler if entry else None

    @property
    def directory(self):
        entry = self.entry
        return entry.directory if entry else None

    @property
    def is_location(self):
        entry = self.entry
        return int(entry.is_location) if entry else 0

    @property
    def silent(self):
        entry = self.entry
        return int(entry.silent) if entry else 0

    def next(self):
        self._index += 1

    def append(self, entry):
        if type(self._entries) is not list:
            self._entries = list(self._entries)
        self._entries.append(entry)


def run(req, directive, entries):
    """Run ``entries`` for ``directive``; the result of the last handler that ran, or None.

    Exceptions become ``PhaseError`` (the kernel answers 500, or the debug page), except in
    the cleanup phase, where they are only logged.
    """
    if not entries:
        return None
    hlist = HandlerList(entries)
    req.phase = directive
    req.plugin_state["handlers.hlist"] = hlist
    go_on = CONTINUE[directive]
    result = None
    try:
        # hlist's own fields, not its properties: a handler may append to the list.
        while hlist._index < len(hlist._entries):
            outcome = call(req, directive, hlist._entries[hlist._index])
            if outcome is not SKIPPED:
                result = outcome
                if result not in go_on:
                    break
            hlist._index += 1
    finally:
        req.phase = None
        req.plugin_state["handlers.hlist"] = None
    return result


def call(req, directive, entry):
    try:
        try:
            function = resolve(req, directive, entry)
            if function is None:
                return SKIPPED
            limit = req.dir_config["PythonHandlerTimeout"]
            if limit:
                result = _call_within(req, function, limit, directive, entry)
            else:
                result = function(req)
        except SERVER_RETURN as exc:
            result = apply_server_return(req, exc)
        if type(result) is not int:
            raise InvalidResult(invalid_result_message("%s %s" % (directive, entry.handler),
                                                       result))
        return result
    except ClientGone:
        raise
    except Exception as exc:
        where = "%s %s" % (directive, entry.handler)
        if directive in ("PythonCleanupHandler", "PythonLogHandler"):
            # The response is gone: nobody but the log can hear about it.
            req.log_error("%s raised:\n%s" % (where, traceback_text(exc)))
            return C.HTTP_INTERNAL_SERVER_ERROR
        raise PhaseError(where, debug=bool(req.dir_config["PythonDebug"])) from _users_part(exc)


class HandlerTimedOut(Exception):
    """A handler ran past PythonHandlerTimeout."""


def _call_within(req, function, limit, directive, entry):
    """Call the handler; past ``limit`` seconds its greenlet is interrupted at its next wait
    (a handler that never waits is the monitor thread's: BlockingLogThreshold)."""
    timer = gevent.Timeout(limit, HandlerTimedOut)
    timer.start()
    try:
        return function(req)
    except HandlerTimedOut:
        req.log_error("%s %s ran longer than PythonHandlerTimeout (%gs); ended"
                      % (directive, entry.handler, limit))
        if req.sent_bodyct:
            req.connection.close_after = True     # part of a response went out: close
            raise ClientGone("handler ended by PythonHandlerTimeout") from None
        raise SERVER_RETURN(C.HTTP_INTERNAL_SERVER_ERROR) from None
    finally:
        timer.close()


def _users_part(exc):
    """``exc`` with the dispatcher's and the loader's frames cut from the front of its
    traceback, so the debug page starts in the user's code."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None and _internal(tb.tb_frame.f_code.co_filename):
        tb = tb.tb_next
    return exc.with_traceback(tb)


def _internal(filename):
    return filename in _INTERNAL_FILES or filename.startswith("<frozen importlib")


_INTERNAL_FILES = {__file__, resolution.__file__, loader.__file__}


def invalid_result_message(where, result):
    return ("%s returned invalid return code: the type of the value returned was %s, whereas "
            "expected <class 'int'>. A handler must return an int such as apache.OK, "
            "apache.DECLINED, apache.DONE or an HTTP status like apache.HTTP_FORBIDDEN "
            "(a function without a return statement returns None)." % (where, type(result)))


def traceback_text(exc):
    return "".join(traceback.format_exception(exc)).rstrip()
