"""What the plugin adds to the request and server objects (mod_python's API)."""

import os

from greenphase import Table

from .directives import CONFIG_DIRECTIVES, HANDLER_DIRECTIVES, HandlerEntry, canonical_directory

# Phases req.add_handler accepts (the cleanup phase is not one of them in mod_python).
ADDABLE = frozenset(HANDLER_DIRECTIVES) - {"PythonCleanupHandler"}
MAIN_INTERPRETER = "main_interpreter"


def options_table(config):
    """PythonOption values as a table; an empty value removed the key."""
    table = Table()
    for key, value in config["PythonOption"].values():
        if value:
            table[key] = value
    return table


def config_table(config):
    """The mod_python settings made in the configuration; flags as "1"/"0"."""
    table = Table()
    for name in CONFIG_DIRECTIVES:
        if name in config.explicit:
            value = config[name]
            table[name] = ("1" if value else "0") if isinstance(value, bool) else str(value)
    return table


def get_options(req):
    return options_table(req.dir_config)


def get_config(req):
    return config_table(req.dir_config)


def server_get_options(server):
    return options_table(server.config)


def server_get_config(server):
    return config_table(server.config)


def add_handler(req, phase, handler, dir=None):
    """Run ``handler`` ('module[::function]') in ``phase`` of this request: later in the
    running phase's list, or after the configured list of a phase still to come. Names
    are checked when the phase runs."""
    if phase not in ADDABLE:
        raise IndexError("Invalid phase: %s" % phase)
    hlist = req.plugin_state.get("handlers.hlist")
    # Without ``dir``: the directory of the handler adding it (mod_python had put that one
    # on sys.path by then).
    directory = canonical_directory(dir) if dir else (hlist.directory if hlist else None)
    entry = HandlerEntry.parse(handler, directory)
    if phase == req.phase and hlist is not None:
        hlist.append(entry)
    else:
        added(req).setdefault(phase, []).append(entry)
        req.use_all_phases()    # the configuration's phase plan does not know of it


def added(req):
    """{phase: [entries]} added by ``req.add_handler`` for phases still to come."""
    pending = req.plugin_state.get("handlers.added")
    if pending is None:
        pending = req.plugin_state["handlers.added"] = {}
    return pending


def interpreter(req):
    """The interpreter name mod_python would pick (there is one interpreter: only a name)."""
    config = req.dir_config
    if config["PythonInterpreter"]:
        return config["PythonInterpreter"]
    if config["PythonInterpPerDirectory"]:
        return os.path.dirname(req.filename) + "/" if req.filename else MAIN_INTERPRETER
    if config["PythonInterpPerDirective"]:
        hlist = req.plugin_state.get("handlers.hlist")
        return (hlist.directory if hlist is not None else None) or MAIN_INTERPRETER
    return req.server.server_hostname


REQUEST_METHODS = {
    "get_options": get_options,
    "get_config": get_config,
    "add_handler": add_handler,
    "hlist": property(lambda req: req.plugin_state.get("handlers.hlist")),
    "interpreter": property(interpreter),
}
SERVER_METHODS = {"get_options": server_get_options, "get_config": server_get_config}
