"""Which handlers a phase runs for a request: configuration, ``| .ext`` and added ones."""

from greenphase import DECLINED, OK

from . import dispatch
from .directives import HANDLER_DIRECTIVES

IN_USE = "handlers.in_use"      # site.state key: directives the configuration sets


def extension(filename):
    """Everything from the first dot of the file name: 'a.tar.gz' -> '.tar.gz' (mod_python)."""
    if not filename:
        return None
    base = filename.rpartition("/")[2]
    dot = base.find(".")
    return base[dot:] if dot >= 0 else None


def entries_for(req, directive):
    """The configured handlers of ``directive``; sets ``req.extension`` when a ``| .ext``
    list matched (that list is then used alone)."""
    config = req.dir_config
    by_ext = config[directive]
    entries = by_ext.get("", ())
    req.extension = None
    if len(by_ext) > ("" in by_ext):
        ext = extension(req.filename)
        if ext in by_ext:
            entries = by_ext[ext]
            req.extension = ext
    return config["PythonHandlerModule"] + entries


def pending(req, directive):
    """Handlers ``req.add_handler`` queued for ``directive``, taken once."""
    added = req.plugin_state.get("handlers.added")
    return tuple(added.pop(directive, ())) if added else ()


def configured(req, directive):
    """``entries_for``, skipping the lookup for a directive no section of the site sets."""
    used = req.site.state.get(IN_USE)
    if used is not None and directive not in used:
        return ()
    return entries_for(req, directive)


def configured_here(config, directive):
    """Whether the merged configuration ``config`` has any handler for ``directive`` (any
    ``| .ext`` list included); answered once per configuration, in its memo."""
    key = ("handlers", directive)
    found = config.memo.get(key)
    if found is None:
        found = config.memo[key] = bool(config["PythonHandlerModule"]) or any(
            config[directive].values())
    return found


def phases_for_config(config, phase_of):
    """The phases with handlers in the merged configuration ``config`` (``phase_of``: the
    phases of each directive). The content phase is always among them: there the plugin also
    refuses to serve a handler's source as a file."""
    if config["PythonHandlerModule"]:
        return None
    phases = {"handler"}
    for directive, phases_of in phase_of.items():
        if configured_here(config, directive):
            phases.update(phases_of)
    return phases


# config.memo keys (strings: their hash is kept) of uniform_entries' answers.
_UNIFORM = {directive: "handlers.uniform." + directive for directive in HANDLER_DIRECTIVES}
_UNKNOWN = object()


def uniform_entries(config, directive):
    """``entries_for``'s answer when no ``| .ext`` list makes it depend on the file name
    (else None): a function of the merged configuration alone, remembered in its memo."""
    key = _UNIFORM[directive]
    found = config.memo.get(key, _UNKNOWN)
    if found is _UNKNOWN:
        by_ext = config[directive]
        found = config.memo[key] = None if len(by_ext) > ("" in by_ext) else (
            config["PythonHandlerModule"] + by_ext.get("", ()))
    return found


def run_phase(req, directive):
    entries = uniform_entries(req.dir_config, directive)
    if entries is None:
        entries = entries_for(req, directive)
    else:
        req.extension = None    # as entries_for leaves it: no '| .ext' list matched
    added = req.plugin_state.get("handlers.added")
    if added:
        queued = added.pop(directive, None)
        if queued:
            entries = entries + tuple(queued)
    return dispatch.run(req, directive, entries)    # None when there is nothing to run


def init_then(req, init, directive):
    """PythonInitHandler ``init`` (with added ones), then ``directive`` unless init stopped."""
    added = pending(req, "PythonInitHandler")
    if not init and not added:
        return run_phase(req, directive)
    result = dispatch.run(req, "PythonInitHandler", tuple(init) + added)
    if result not in (None, OK, DECLINED):
        return result
    later = run_phase(req, directive)
    return result if later is None else later
