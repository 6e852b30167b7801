"""Running the handler list of one phase: import, resolve, call, and mod_python's rules for
what a result means to the rest of the list."""

import traceback

import gevent

from greenphase import SERVER_RETURN, ClientGone, PhaseError, apply_server_return, loader
from greenphase import constants as C

from .directives import CONTINUE, HANDLER_DIRECTIVES, default_function

SKIPPED = object()      # a silent entry whose module lacks the phase's function
_DEFAULT_FUNCTION = {directive: default_function(directive) for directive in HANDLER_DIRECTIVES}

# site.state key of {(module, function): callable or None}: what the named_handler hook
# answered, asked once per name (a plain dict that dies with the site: no weak look-up).
NAMED = "handlers.named"
_search_dirs = {}       # (directory, PythonPath) -> search directories


class InvalidResult(TypeError):
    """A handler returned something that is not an int."""


class HandlerList:
    """``req.hlist``: the cursor over the running phase's handlers."""

    def __init__(self, entries):
        self._entries = list(entries)
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
        while (entry := hlist.entry) is not None:
            outcome = call(req, directive, entry)
            if outcome is not SKIPPED:
                result = outcome
                if result not in go_on:
                    break
            hlist.next()
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
                result = _call_within(req, function, limit, "%s %s" % (directive, entry.handler))
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


def _call_within(req, function, limit, where):
    """Call the handler; past ``limit`` seconds its greenlet is interrupted at its next wait
    (a handler that never waits is the monitor thread's: BlockingLogThreshold)."""
    timer = gevent.Timeout(limit, HandlerTimedOut)
    timer.start()
    try:
        return function(req)
    except HandlerTimedOut:
        req.log_error("%s ran longer than PythonHandlerTimeout (%gs); ended" % (where, limit))
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


_INTERNAL_FILES = {__file__, loader.__file__}


def invalid_result_message(where, result):
    return ("%s returned invalid return code: the type of the value returned was %s, whereas "
            "expected <class 'int'>. A handler must return an int such as apache.OK, "
            "apache.DECLINED, apache.DONE or an HTTP status like apache.HTTP_FORBIDDEN "
            "(a function without a return statement returns None)." % (where, type(result)))


def resolve(req, directive, entry):
    """The callable for ``entry`` in this phase (None: a silent entry's function is missing)."""
    name = entry.object or _DEFAULT_FUNCTION.get(directive) or default_function(directive)
    named = named_handler(req.site, entry.module, name)
    if named is not None:
        return named
    if entry.module.startswith("mod_python."):
        if entry.silent:
            return None
        raise ImportError(unresolved_message(entry.module, name))
    config = req.dir_config
    log = None
    if config["PythonDebug"]:
        log = lambda message: req.log_error(message, C.APLOG_NOTICE)  # noqa: E731
    module = loader.import_handler_module(entry.module, search_dirs(entry, config["PythonPath"]),
                                          autoreload=config["PythonAutoReload"], log=log,
                                          check_interval=config["PythonAutoReloadInterval"] or 0)
    return walk(req, module, name, entry.silent)


def named_key(module, function):
    """What the named_handler hook is asked: 'mod_python.publisher', or 'mod::function' for
    other functions than ``handler``."""
    return module if function == "handler" else "%s::%s" % (module, function)


def named_handler(site, module, function):
    answers = site.state.get(NAMED)
    if answers is None:
        answers = site.state[NAMED] = {}
    key = (module, function)
    try:
        return answers[key]
    except KeyError:
        answer = answers[key] = site.hook.named_handler(name=named_key(module, function))
        return answer


def unresolved_message(module, function):
    return ("no enabled plugin provides %r: mod_python's own handler modules are plugins in "
            "greenphase (is the plugin installed and enabled?)" % named_key(module, function))


def search_dirs(entry, python_path):
    """The directive's directory (not for <Location>), then the PythonPath directories."""
    key = (entry.directory, python_path)
    dirs = _search_dirs.get(key)
    if dirs is None:
        dirs = [entry.directory] if entry.directory else []
        if python_path:
            dirs += [d for d in loader.python_path(python_path) if d not in dirs]
        dirs = _search_dirs[key] = tuple(dirs)
    return dirs


def follow(module, dotted, arg, silent):
    """``dotted`` ('a.b.c') inside ``module``; a class passed through on the way is
    instantiated with ``arg`` (mod_python's rule). Missing: AttributeError, or None when
    ``silent``. Also behind ``mod_python.apache.resolve_object``."""
    obj = module
    for part in dotted.split("."):
        if isinstance(obj, type):
            obj = obj(arg)
        try:
            obj = getattr(obj, part)
        except AttributeError:
            if silent:
                return None
            raise AttributeError("module '%s' contains no '%s'"
                                 % (getattr(module, "__file__", module), dotted)) from None
    return obj


def walk(req, module, dotted, silent):
    """Follow ``Class.method``: a class passed through is instantiated with the request."""
    if "." not in dotted:
        found = getattr(module, dotted, None)     # the common case: a plain function name
        if found is not None:
            return found
    obj = follow(module, dotted, req, silent)
    if obj is None and not silent:      # mod_python: a name bound to None is no handler (500)
        raise TypeError("'%s' in module '%s' is None, not a callable"
                        % (dotted, getattr(module, "__file__", module.__name__)))
    return obj


def traceback_text(exc):
    return "".join(traceback.format_exception(exc)).rstrip()
