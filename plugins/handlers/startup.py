"""Configuration-time work: checking handler names plugins must provide, ``PythonImport``."""

from functools import reduce

from greenphase import PHASE_NAMES, ConfigError, loader

from . import dispatch, resolution
from .directives import HANDLER_DIRECTIVES, default_function


def directives_in_use(site):
    """The handler directives some section sets, or None when any phase may have handlers
    (PythonHandlerModule, or .htaccess files that could add some at run time)."""
    if site.config.allows_htaccess():
        return None
    used = set()
    for values in site.config.value_sets():
        if "PythonHandlerModule" in values:
            return None
        used.update(name for name in HANDLER_DIRECTIVES if name in values)
    return frozenset(used)


# The kernel phases each directive runs in, in Apache's order.
PHASE_OF = {
    "PythonPostReadRequestHandler": ("post_read_request",),
    "PythonInitHandler": ("post_read_request", "header_parser"),
    "PythonTransHandler": ("translate_name",),
    "PythonHeaderParserHandler": ("header_parser",),
    "PythonAccessHandler": ("access_checker",),
    "PythonAuthenHandler": ("check_user_id",),
    "PythonAuthzHandler": ("auth_checker",),
    "PythonTypeHandler": ("type_checker",),
    "PythonFixupHandler": ("fixups",),
    "PythonHandler": ("handler",),
    "PythonLogHandler": ("log_transaction",),
    "PythonCleanupHandler": ("request_cleanup",),
}
# The phases a handler added at run time can still reach, in the kernel's phase order
# (PythonCleanupHandler cannot be added).
ORDER = tuple(phase for phase in PHASE_NAMES
              if phase != "request_cleanup" and any(phase in p for p in PHASE_OF.values()))


def phases_used(in_use):
    """The phases a site's handler directives need: each configured one, and every later one
    a running handler could ``req.add_handler`` to (PythonCleanupHandler cannot be added)."""
    if in_use is None:
        return None
    phases = {phase for name in in_use for phase in PHASE_OF[name]}
    earliest = min((ORDER.index(p) for p in phases if p in ORDER), default=len(ORDER))
    return phases | set(ORDER[earliest:])


def check_named_handlers(site):
    """A ``mod_python.*`` handler no enabled plugin provides is a configuration error."""
    errors = []
    for values in site.config.value_sets():
        checks = [(name, entry, entry.object or default_function(name))
                  for name in HANDLER_DIRECTIVES
                  for entries in values.get(name, {}).values() for entry in entries]
        checks += [("PythonHandlerModule", entry, "handler")
                   for entry in values.get("PythonHandlerModule", ())]
        for directive, entry, function in checks:
            if entry.module.startswith("mod_python.") and \
                    resolution.named_handler(site, entry.module, function) is None:
                errors.append(ConfigError("%s %s: %s" % (
                    directive, entry.handler, resolution.unresolved_message(entry.module, function)),
                    entry.file, entry.line))
    return sorted(errors, key=lambda e: (e.file, e.line))


def run_imports(site):
    """``PythonImport module[::function]``: import (and call) at start-up, in config order.
    Failures are logged; the server starts anyway."""
    main_path = site.config.main.values.get("PythonPath")
    for server in (site.config.main, *site.config.vhosts):
        python_path = server.values.get("PythonPath", main_path)
        for entry in server.values.get("PythonImport", ()):
            try:
                dirs = loader.python_path(python_path) if python_path else ()
                module = loader.import_handler_module(entry.module, dirs)
                if entry.function:
                    reduce(getattr, entry.function.split("."), module)()
            except Exception as exc:
                site.log.error("PythonImport %s%s (%s:%d) failed:\n%s" % (
                    entry.module, "::" + entry.function if entry.function else "",
                    entry.file, entry.line, dispatch.traceback_text(exc)))
