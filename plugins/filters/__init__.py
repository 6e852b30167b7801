"""The filters plugin: mod_python's Python filters and Apache's filter directives.

* ``PythonOutputFilter module[::function] NAME`` / ``PythonInputFilter``: a filter called
  NAME, provided through the ``filter_for`` hook (the function defaults to
  ``outputfilter``/``inputfilter``);
* ``SetOutputFilter A;B`` / ``SetInputFilter``, ``AddOutputFilter A;B .ext`` /
  ``AddInputFilter``, ``RemoveOutputFilter .ext``: which filters a request goes through,
  added in ``fixups`` (last, as Apache's insert_filter runs after it), by any plugin's
  name (``DEFLATE``, ``INCLUDES``, or a Python filter);
* ``req.add_output_filter(name)``, ``req.add_input_filter(name)``,
  ``req.register_output_filter(name, handler[, dir])``, ``req.register_input_filter``.

A filter name no enabled plugin provides is logged, and the request goes on unfiltered
(as Apache does for a filter name it does not know at run time).
"""

import os

from greenphase import UnknownFilter, add_input_filter, add_output_filter, hookimpl

from .directives import DIRECTIVES, PythonFilter
from .pyfilter import InputFilterStage, OutputFilterStage, load_function

_REGISTERED = "filters.registered"


@hookimpl
def register_directives():
    return DIRECTIVES


_SELECTING = ("SetOutputFilter", "SetInputFilter", "AddOutputFilter", "AddInputFilter")


@hookimpl
def phases_used(site):
    """fixups only where a line selects filters (everything when .htaccess may add one):
    a site without filter lines pays nothing per request."""
    if site.config.allows_htaccess():
        return None
    for values in site.config.value_sets():
        if any(values.get(name) for name in _SELECTING):
            return ("fixups",)
    return ()


def _extensions(filename):
    base = os.path.basename(filename or "")
    return [e.lower() for e in base.split(".")[1:]]


def _add(req, names, is_input):
    add = add_input_filter if is_input else add_output_filter
    for name in names:
        try:
            add(req, name)
        except UnknownFilter as exc:
            req.log_error("%s (%s)" % (exc, req.uri))


@hookimpl(trylast=True)
def fixups(req):
    """SetOutputFilter/SetInputFilter, then AddOutputFilter/AddInputFilter by extension: the filters this request goes through."""
    config = req.dir_config
    for is_input, set_key, add_key in ((False, "SetOutputFilter", "AddOutputFilter"),
                                       (True, "SetInputFilter", "AddInputFilter")):
        names = list(config[set_key])
        by_ext = config[add_key]
        if by_ext:
            for ext in _extensions(req.filename):
                names += by_ext.get(ext, ())
        if names:
            _add(req, names, is_input)


class _Factory:
    """``factory(req, next)`` for one Python filter; the function is loaded at the first
    byte, so a filter module that fails to import fails that response only."""

    def __init__(self, name, spec, is_input):
        self.name, self.spec, self.is_input = name, spec, is_input

    def __call__(self, req, next):
        function = load_function(req, self.spec, self.is_input)
        stage = InputFilterStage if self.is_input else OutputFilterStage
        return stage(req, next, self.name, self.spec, function)


@hookimpl
def filter_for(req, name, is_input):
    key = name.upper()
    registered = req.plugin_state.get(_REGISTERED)
    spec = registered.get((key, is_input)) if registered else None
    if spec is None:
        spec = req.dir_config["PythonInputFilter" if is_input else "PythonOutputFilter"].get(key)
    if spec is None:
        return None
    return _Factory(name, spec, is_input)


def _register(req, name, handler, dir, is_input):
    registered = req.plugin_state.setdefault(_REGISTERED, {})
    registered[(name.upper(), is_input)] = PythonFilter(handler, dir, "req.register_filter")


def register_output_filter(req, name, handler, dir=None):
    _register(req, name, handler, dir, False)


def register_input_filter(req, name, handler, dir=None):
    _register(req, name, handler, dir, True)


def _add_one(req, name, is_input):
    try:
        (add_input_filter if is_input else add_output_filter)(req, name)
    except UnknownFilter as exc:
        raise ValueError(str(exc)) from None


def req_add_output_filter(req, name):
    _add_one(req, name, False)


def req_add_input_filter(req, name):
    _add_one(req, name, True)


@hookimpl
def request_methods():
    return {"add_output_filter": req_add_output_filter, "add_input_filter": req_add_input_filter,
            "register_output_filter": register_output_filter,
            "register_input_filter": register_input_filter}
