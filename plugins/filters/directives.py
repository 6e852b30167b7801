"""The filter directives: mod_python's ``PythonInputFilter``/``PythonOutputFilter`` and
Apache's ``AddInputFilter``/``AddOutputFilter``/``RemoveOutputFilter`` (mod_mime) and
``SetInputFilter``/``SetOutputFilter`` (core)."""

from dataclasses import dataclass

from greenphase import ACCESS_CONF, OR_ALL, RSRC_CONF, Directive, update


@dataclass(frozen=True)
class PythonFilter:
    """One ``Python*Filter handler [name]`` line."""

    handler: str            # "module" or "module::function"
    directory: str | None   # the section's directory: the module is looked for there first
    where: str


def _python_filter(ctx, args, previous):
    handler = args[0]
    name = (args[1] if len(args) > 1 else handler).upper()
    value = dict(previous or {})
    value[name] = PythonFilter(handler, None if ctx.is_location else ctx.directory,
                               "%s:%d" % (ctx.file, ctx.line))
    return value


def _names(ctx, text):
    names = [n.strip() for n in text.split(";") if n.strip()]
    if not names:
        raise ctx.error("expected filter names separated by ';', got %r" % text)
    return names


def _by_extension(ctx, args, previous):
    names = _names(ctx, args[0])
    value = dict(previous or {})
    for ext in args[1:]:
        value[ext.lower().lstrip(".")] = names
    return value


def _remove(ctx, args, previous):
    value = dict(previous or {})
    for ext in args:
        value[ext.lower().lstrip(".")] = []     # an empty list undoes an outer AddOutputFilter
    return value


def _set(ctx, args, previous):
    return _names(ctx, args[0])


_SCOPE = RSRC_CONF | ACCESS_CONF

DIRECTIVES = [
    Directive("PythonOutputFilter", (1, 2), _SCOPE, syntax="module[::function] [NAME]",
              parse=_python_filter, merge=update, default={}),
    Directive("PythonInputFilter", (1, 2), _SCOPE, syntax="module[::function] [NAME]",
              parse=_python_filter, merge=update, default={}),
    Directive("AddOutputFilter", (2, None), OR_ALL, override="FileInfo",
              syntax="FILTER[;FILTER...] .ext [.ext ...]", parse=_by_extension, merge=update,
              default={}),
    Directive("RemoveOutputFilter", (1, None), OR_ALL, override="FileInfo",
              syntax=".ext [.ext ...]", parse=_remove, merge=update, default={},
              key="AddOutputFilter"),
    Directive("AddInputFilter", (2, None), OR_ALL, override="FileInfo",
              syntax="FILTER[;FILTER...] .ext [.ext ...]", parse=_by_extension, merge=update,
              default={}),
    Directive("SetOutputFilter", (1, 1), OR_ALL, override="FileInfo",
              syntax="FILTER[;FILTER...]", parse=_set, default=()),
    Directive("SetInputFilter", (1, 1), OR_ALL, override="FileInfo",
              syntax="FILTER[;FILTER...]", parse=_set, default=()),
]
