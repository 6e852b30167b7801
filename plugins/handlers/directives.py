"""mod_python's directives and the values they parse to.

A ``Python*Handler`` value is a dict ``{'' or '.ext': (HandlerEntry, ...)}``: repeated lines
of one section append, an inner section replaces the outer list key by key (``| .ext``
lists are keys of their own). Each entry remembers where it was declared.
"""

import os
from dataclasses import dataclass, field

from greenphase import DECLINED, OK, OR_ALL, RSRC_CONF, Directive, append, flag, loader, update

# Phase directive -> results after which the next stacked handler still runs (3.3+ rule).
CONTINUE = {
    "PythonPostReadRequestHandler": (OK, DECLINED),
    "PythonTransHandler": (DECLINED,),
    "PythonHeaderParserHandler": (OK, DECLINED),
    "PythonInitHandler": (OK, DECLINED),
    "PythonAccessHandler": (OK, DECLINED),
    "PythonAuthenHandler": (DECLINED,),
    "PythonAuthzHandler": (DECLINED,),
    "PythonTypeHandler": (DECLINED,),
    "PythonFixupHandler": (OK, DECLINED),
    "PythonHandler": (OK,),
    "PythonLogHandler": (OK, DECLINED),
    "PythonCleanupHandler": (OK,),
}
HANDLER_DIRECTIVES = tuple(CONTINUE)
# They run before the URI is mapped: server scope only, and no file name for '| .ext'.
BEFORE_MAPPING = ("PythonPostReadRequestHandler", "PythonTransHandler")
# Settings that req.get_config() reports (flags as "1"/"0", PythonPath unevaluated).
CONFIG_DIRECTIVES = ("PythonDebug", "PythonAutoReload", "PythonEnablePdb", "PythonInterpreter",
                     "PythonInterpPerDirectory", "PythonInterpPerDirective", "PythonPath",
                     "PythonOptimize")
OVERRIDE = "FileInfo"   # the AllowOverride category that lets .htaccess use them


def default_function(directive):
    """``PythonAuthenHandler`` -> ``authenhandler``."""
    return directive[len("Python"):].lower()


@dataclass(frozen=True)
class HandlerEntry:
    """One ``module[::object]`` of a handler directive (or of ``req.add_handler``)."""

    handler: str                  # as written: 'myscript', 'pkg.mod::Class.method'
    module: str
    object: str | None            # None: the phase's default function name
    directory: str | None         # of the <Directory>/.htaccess it was declared in
    is_location: bool = False
    silent: bool = False          # PythonHandlerModule: a missing function is skipped
    file: str | None = None
    line: int | None = None
    # The dispatcher's memo: directive -> what this entry resolved to (dispatch.py). Not part
    # of the entry's value: equal entries compare equal whatever they have resolved.
    resolved: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def parse(cls, text, directory=None, is_location=False, silent=False, file=None, line=None):
        module, _, obj = text.partition("::")
        return cls(text, module, obj or None, None if is_location else directory, is_location,
                   silent, file, line)


def _dotted(name):
    return bool(name) and all(part.isidentifier() for part in name.split("."))


def _entry(ctx, text, silent=False):
    module, sep, obj = text.partition("::")
    if not _dotted(module) or (sep and not _dotted(obj)):
        raise ctx.error("%r is not a handler: expected module, package.module or "
                        "module::function" % text)
    if module.endswith(".py"):
        raise ctx.error("%r: name the module without '.py' (PythonHandler myscript)" % text)
    return HandlerEntry.parse(text, ctx.directory, ctx.is_location, silent, ctx.file, ctx.line)


def _handler_parser(name):
    allow_ext = name not in BEFORE_MAPPING

    def parse(ctx, args, previous):
        handlers, bar, rest = " ".join(args).partition("|")
        exts = rest.split()
        if bar and not allow_ext:
            raise ctx.error("%s cannot be limited to extensions ('| .ext'): it runs before the "
                            "request is mapped to a file" % name)
        if bar and (not exts or any(not e.startswith(".") or len(e) < 2 for e in exts)):
            raise ctx.error("%s: '|' must be followed by extensions such as .py" % name)
        if not handlers.split():
            raise ctx.error("%s needs a handler: module or module::function" % name)
        entries = tuple(_entry(ctx, text) for text in handlers.split())
        value = dict(previous or {})
        for key in exts or ("",):
            value[key] = value.get(key, ()) + entries
        return value
    return parse


def _handler_module(ctx, args, previous):
    return (previous or ()) + (_entry(ctx, args[0], silent=True),)


def _option(ctx, args, previous):
    """``PythonOption key [value]``; no value (or "") removes the key in this scope."""
    value = dict(previous or {})
    value[args[0].lower()] = (args[0], args[1] if len(args) > 1 else "")
    return value


def _python_path(ctx, args, previous):
    try:
        loader.python_path(args[0])
    except Exception as exc:
        raise ctx.error("PythonPath %s: %s: %s" % (args[0], type(exc).__name__, exc)) from None
    return args[0]


@dataclass(frozen=True)
class ImportEntry:
    module: str
    function: str | None
    file: str
    line: int


def _import(ctx, args, previous):
    """``PythonImport module[::function] [interpreter]``; the interpreter name is ignored."""
    module, _, function = args[0].partition("::")
    if not _dotted(module) or (function and not _dotted(function)):
        raise ctx.error("PythonImport %r: expected module or module::function" % args[0])
    return (previous or []) + [ImportEntry(module, function or None, ctx.file, ctx.line)]


def _handler_directive(name):
    context = RSRC_CONF if name in BEFORE_MAPPING else OR_ALL
    return Directive(name, args=(1, None), context=context, override=OVERRIDE,
                     syntax="module[::function] ... [| .ext ...]", parse=_handler_parser(name),
                     merge=update, default={})


def _timeout(ctx, args, previous):
    try:
        value = float(args[0])
    except ValueError:
        raise ctx.error("PythonHandlerTimeout takes seconds, got %r" % args[0]) from None
    if value < 0:
        raise ctx.error("PythonHandlerTimeout takes seconds >= 0, got %r" % args[0])
    return value


DIRECTIVES = [_handler_directive(name) for name in HANDLER_DIRECTIVES] + [
    Directive("PythonHandlerModule", args=(1, 1), override=OVERRIDE, syntax="module",
              parse=_handler_module, default=()),
    Directive("PythonOption", args=(1, 2), override=OVERRIDE, syntax="key [value]",
              parse=_option, merge=update, default={}),
    Directive("PythonPath", override=OVERRIDE, syntax='"sys.path+[\'/dir\']"',
              parse=_python_path),
    # PythonDebug and PythonAutoReload are the kernel's (kernel/config/python_directives.py):
    # the publisher, PSP and the WSGI handler read them too.
    flag("PythonEnablePdb", override=OVERRIDE),
    # greenphase's own (Apache's Timeout is an I/O timeout): off by default, since streaming
    # handlers legitimately run long.
    Directive("PythonHandlerTimeout", args=(1, 1), override=OVERRIDE,
              syntax="seconds a Python*Handler may run (0 = no limit)", parse=_timeout,
              default=0.0),
    flag("PythonInterpPerDirectory", override=OVERRIDE),
    flag("PythonInterpPerDirective", override=OVERRIDE),
    flag("PythonOptimize", context=RSRC_CONF),
    Directive("PythonInterpreter", override=OVERRIDE, syntax="name"),
    Directive("PythonImport", args=(1, 2), context=RSRC_CONF, syntax="module[::function] interpreter",
              parse=_import, merge=append, default=[]),
]


def canonical_directory(path):
    """``req.add_handler``'s ``dir``: absolute, with a trailing slash."""
    path = os.path.normpath(os.path.abspath(path))
    return path if path.endswith("/") else path + "/"
