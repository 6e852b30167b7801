"""The handlers plugin: mod_python's ``Python*Handler`` directives.

Each kernel phase runs the handler list configured for it (``PythonHandler`` in the content
phase only when ``req.handler`` is ``mod_python`` or ``python-program``). Modules load through
``kernel.loader``: by file path, cached per path, reloaded when the file changes (its file
looked at once per ``PythonAutoReloadInterval``); what an entry names is remembered per module
generation (``resolution.py``).

Interpreters: there is one process and one interpreter. ``PythonInterpreter``,
``PythonInterpPerDirectory`` and ``PythonInterpPerDirective`` are accepted and only decide
the name ``req.interpreter`` reports; modules are kept apart by file path instead.
``PythonEnablePdb`` and ``PythonOptimize`` are accepted and do nothing.
"""

import sys

from greenphase import hookimpl
from greenphase import constants as C

from . import connection, request_api, selection
from .directives import DIRECTIVES
from .selection import IN_USE, configured, entries_for, init_then, run_phase
from .source import refuse_source
from .startup import PHASE_OF, check_named_handlers, directives_in_use, phases_used as needed_phases, run_imports



@hookimpl
def register_directives():
    return DIRECTIVES + [connection.DIRECTIVE]


@hookimpl
def process_connection(conn):
    """PythonConnectionHandler of the connection's server (``connection.py``)."""
    return connection.process_connection(conn)


@hookimpl
def apache_modules():
    return ["python"]


@hookimpl
def configure(site):
    site.state[IN_USE] = directives_in_use(site)
    return check_named_handlers(site)


@hookimpl
def phases_used(site):
    return needed_phases(site.state[IN_USE])


@hookimpl
def phases_for_config(site, config):
    return selection.phases_for_config(config, PHASE_OF)


@hookimpl
def server_start(site):
    # Handler code sees what mod_python's interpreters had: sys.argv == ['mod_python'], not
    # the greenphase command line (set before PythonImport runs any of it).
    sys.argv[:] = ["mod_python"]
    run_imports(site)


@hookimpl
def request_methods():
    return request_api.REQUEST_METHODS


@hookimpl
def server_methods():
    return request_api.SERVER_METHODS


# -- phases, in Apache's order -----------------------------------------------------------

@hookimpl
def post_read_request(req):
    """Server-level PythonInitHandler, then PythonPostReadRequestHandler."""
    init = configured(req, "PythonInitHandler")
    req.plugin_state["handlers.init_ran"] = init
    return init_then(req, init, "PythonPostReadRequestHandler")


@hookimpl
def translate_name(req):
    """PythonTransHandler."""
    return run_phase(req, "PythonTransHandler")


@hookimpl
def header_parser(req):
    """A PythonInitHandler first visible here (a directory's) runs now, then the phase's own.

    (mod_python 3.5 never ran directory-level init handlers; this is the intended rule:
    once per request, at the earliest phase its configuration is visible.)"""
    ran = req.plugin_state.get("handlers.init_ran", ())
    init = tuple(e for e in configured(req, "PythonInitHandler") if e not in ran)
    return init_then(req, init, "PythonHeaderParserHandler")


@hookimpl
def access_checker(req):
    """PythonAccessHandler."""
    return run_phase(req, "PythonAccessHandler")


@hookimpl
def check_user_id(req):
    """PythonAuthenHandler (OK without setting req.user is a 500)."""
    result = run_phase(req, "PythonAuthenHandler")
    if result == C.OK and not req.user:
        req.log_error("%s returned OK but did not set req.user: an authentication handler must "
                      "set req.user (req.get_basic_auth_pw() does) or refuse with "
                      "apache.HTTP_UNAUTHORIZED" % _handler_names(req, "PythonAuthenHandler"))
        return C.HTTP_INTERNAL_SERVER_ERROR
    return result


@hookimpl
def auth_checker(req):
    """PythonAuthzHandler."""
    return run_phase(req, "PythonAuthzHandler")


@hookimpl
def type_checker(req):
    """PythonTypeHandler."""
    return run_phase(req, "PythonTypeHandler")


@hookimpl
def fixups(req):
    """PythonFixupHandler."""
    return run_phase(req, "PythonFixupHandler")


@hookimpl
def handler(req):
    """PythonHandler for SetHandler/AddHandler mod_python (python-program); refuses to
    serve a handler's source as a file."""
    if req.handler not in C.PYTHON_HANDLERS:
        return refuse_source(req)
    return run_phase(req, "PythonHandler")


@hookimpl
def log_transaction(req):
    """PythonLogHandler."""
    return run_phase(req, "PythonLogHandler")


@hookimpl
def request_cleanup(req):
    """PythonCleanupHandler."""
    return run_phase(req, "PythonCleanupHandler")


def _handler_names(req, directive):
    return "%s %s" % (directive, " ".join(e.handler for e in entries_for(req, directive)))

