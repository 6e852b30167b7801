"""``PythonHandler mod_python.publisher``: URL -> module -> object -> call -> response."""

import html

from greenphase import OK, SERVER_RETURN
from greenphase import constants as C
from greenphase import FieldStorage, MissingArgument, bind_form, load_file

from .access import Guard
from .remembered import remember, remembered
from .render import render
from .traversal import locate_module, resolve

ALLOWED_METHODS = ("GET", "POST", "HEAD")
MAX_CALLS = 100


_SETTINGS = ("publisher", "settings")     # key of our answers in the merged config's memo


def _settings(config):
    """(extensions naming a module, autoreload, check interval, debug): a function of the
    merged configuration alone, remembered there. The extensions: .py and those mapped to
    mod_python."""
    found = config.memo.get(_SETTINGS)
    if found is None:
        extensions = (".py",) + tuple(
            ext for ext, name in config["AddHandler"].items() if name in C.PYTHON_HANDLERS)
        found = config.memo[_SETTINGS] = (
            extensions, config["PythonAutoReload"] is not False,
            config["PythonAutoReloadInterval"] or 0, bool(config["PythonDebug"]))
    return found


def handler_extensions(req):
    """Extensions naming a module: .py, those mapped to mod_python, the matched one."""
    exts = _settings(req.dir_config)[0]
    if req.extension:
        ext = req.extension.lower()
        exts += (ext if ext.startswith(".") else "." + ext,)
    return exts


def handler(req):
    req.allow_methods(ALLOWED_METHODS)
    if req.method not in ALLOWED_METHODS:
        return C.HTTP_METHOD_NOT_ALLOWED

    extensions, autoreload, interval, debug = _settings(req.dir_config)
    if req.extension:
        extensions = handler_extensions(req)
    located = req.filename and locate_module(req.filename, req.path_info or "", extensions,
                                             req.finfo)
    if not located:
        return C.HTTP_NOT_FOUND
    req.filename, object_path = located
    module = load_file(req.filename, autoreload=autoreload, check_interval=interval,
                       log=_debug_log(req) if debug else None)
    obj = remembered(module, object_path)
    if obj is None:
        guard = Guard(req)
        obj = resolve(module, object_path, check=guard, log=guard.notice)
        remember(module, object_path, obj)

    # A callable is called with the form; what it returns is published the same way, a
    # bounded number of times: an object whose call returns itself would else spin forever
    # and, gevent being cooperative, stall every other request too.
    calls = 0
    while callable(obj) and not isinstance(obj, type):
        if calls == MAX_CALLS:
            raise RecursionError("publisher: %s still returned a callable after %d calls"
                                 % (object_path, MAX_CALLS))
        calls += 1
        if not hasattr(req, "form"):
            req.form = FieldStorage(req, keep_blank_values=1)
        try:
            kwargs = bind_form(obj, req.form, req=req)
        except MissingArgument as exc:
            _missing_argument(req, exc)
        obj = obj(**kwargs)
    render(req, obj)
    return OK


MISSING_PAGE = """<!DOCTYPE html>
<html><head>
<title>400 Bad Request</title>
</head><body>
<h1>Bad Request</h1>
<p>%s</p>
</body></html>
"""


def _debug_log(req):
    """With PythonDebug On, (re)loading a published module is logged."""
    return lambda message: req.log_error("publisher: " + message, C.APLOG_NOTICE)


def _missing_argument(req, exc):
    """400 naming the argument (3.5 answered a 500 TypeError traceback). The page is ours,
    written before DONE, because the plain error page cannot say which argument."""
    req.log_error("publisher: %s: %s" % (req.uri, exc), C.APLOG_NOTICE)
    req.status = C.HTTP_BAD_REQUEST
    req.content_type = "text/html; charset=utf-8"
    req.write(MISSING_PAGE % html.escape(str(exc), quote=False), 0)
    raise SERVER_RETURN(C.DONE)
