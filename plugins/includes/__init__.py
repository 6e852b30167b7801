"""The includes plugin: Apache's server-side includes (mod_include) as the ``INCLUDES``
output filter, with mod_python's ``<!--#python exec="..." -->`` and ``eval`` elements.

Enabled where ``Options +Includes`` (or ``+IncludesNOEXEC``, which forbids ``#python exec``)
is on, for the files the filters plugin sends through INCLUDES (``AddOutputFilter INCLUDES
.shtml`` with ``AddType text/html .shtml``), or, with ``XBitHack On|Full``, for text/html
files whose owner-execute bit is set. The elements are in ``plugins/includes/elements.py``,
the ``if``/``elif`` expressions (Apache 2.4's syntax, a subset, and ``SSILegacyExprParser
On``) in ``plugins/includes/expr.py``. ``req.ssi_globals`` is the dict ``#python`` code runs
in (with ``filter`` and ``__file__``), one per request.
"""

import os
import stat

from greenphase import add_output_filter, hookimpl

from .directives import DIRECTIVES
from .stage import IncludesStage


@hookimpl
def register_directives():
    return DIRECTIVES


@hookimpl
def phases_used(site):
    """fixups only where XBitHack is on (or .htaccess may turn it on)."""
    if site.config.allows_htaccess():
        return None
    if any(values.get("XBitHack") not in (None, "off") for values in site.config.value_sets()):
        return ("fixups",)
    return ()


@hookimpl
def apache_modules():
    return ("include",)


@hookimpl
def filter_for(req, name, is_input):
    if not is_input and name.upper() == "INCLUDES":
        return IncludesStage
    return None


@hookimpl(trylast=True)
def fixups(req):
    """XBitHack: text/html files with the owner-execute bit are parsed."""
    if req.dir_config["XBitHack"] == "off" or not req.filename:
        return None
    if (req.content_type or "").split(";")[0].strip() != "text/html":
        return None
    try:
        mode = os.stat(req.filename).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode) and mode & stat.S_IXUSR:
        add_output_filter(req, "INCLUDES")
    return None


def _get_globals(req):
    state = req.plugin_state
    value = state.get("includes.globals")
    if value is None:
        value = state["includes.globals"] = {}
    return value


def _set_globals(req, value):
    req.plugin_state["includes.globals"] = value


@hookimpl
def request_methods():
    return {"ssi_globals": property(_get_globals, _set_globals)}
