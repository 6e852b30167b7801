"""Calling with form data: the publisher's argument matching, shared with the face's
``util.apply_fs_data``. Which fields a callable accepts, and the keyword arguments to call
it with."""

import inspect
import weakref

from .forms import FieldStorage


class Parameters:
    """What a callable accepts by keyword: ``names``, ``required`` (no default), ``var_keyword``."""

    __slots__ = ("names", "required", "var_keyword")

    def __init__(self, names, required, var_keyword):
        self.names = names
        self.required = required
        self.var_keyword = var_keyword


_function_parameters = weakref.WeakKeyDictionary()   # function -> Parameters
_method_parameters = weakref.WeakKeyDictionary()     # function under a bound method -> ...


def accepted_parameters(obj):
    """The parameters of a function, a bound method (minus self), a callable instance
    (its ``__call__``), a partial... Keyword-only parameters count too (mod_python 3.5
    ignored them, so a required one always failed); positional-only ones can never be
    given by name, so a required one is reported missing. Remembered per function."""
    if inspect.isfunction(obj):
        cache, key = _function_parameters, obj
    elif inspect.ismethod(obj) and inspect.isfunction(obj.__func__):
        cache, key = _method_parameters, obj.__func__
    else:
        return _parameters(obj)
    found = cache.get(key)
    if found is None:
        found = cache[key] = _parameters(obj)
    return found


def _parameters(obj):
    try:
        params = inspect.signature(obj).parameters.values()
    except (TypeError, ValueError):     # builtins without a signature: pass nothing
        return Parameters(frozenset(), (), False)
    by_name = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    required_kinds = by_name + (inspect.Parameter.POSITIONAL_ONLY,)
    return Parameters(
        frozenset(p.name for p in params if p.kind in by_name),
        tuple(p.name for p in params if p.kind in required_kinds and p.default is p.empty),
        any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params))


class MissingArgument(TypeError):
    """A required parameter of a published callable got no form field."""

    def __init__(self, func, names):
        self.names = names
        label = getattr(func, "__name__", type(func).__name__)
        super().__init__("%s() missing required argument%s: %s" % (
            label, "s" if len(names) > 1 else "", ", ".join(repr(n) for n in names)))


def form_arguments(fs):
    """{name: value} of a FieldStorage: uploads as Field objects, others as plain str (their
    ``.value``, as mod_python passed them); a name given several times maps to the list of
    its values."""
    pairs = fs._unbuilt_pairs() if isinstance(fs, FieldStorage) else None
    if pairs is not None:       # a query string only: plain str values, no fields made
        found = {}
        for name, value in pairs:
            if name not in found:
                found[name] = value
            elif type(found[name]) is list:     # values are str: a list is a repeated name
                found[name].append(value)
            else:
                found[name] = [found[name], value]
        return found
    grouped = {}
    for field in fs.list:
        grouped.setdefault(field.name, []).append(field if field.filename else field.value)
    return {name: values[0] if len(values) == 1 else values for name, values in grouped.items()}


def bind_form(obj, fs, **extra):
    """The keyword arguments to call ``obj`` with: the form fields it accepts (all of them
    if it takes ``**kwargs``), plus ``extra`` (the publisher passes ``req=req``) for the
    parameters named so. ``extra`` wins over a form field of the same name: a field called
    ``req`` never replaces the request. Raises :class:`MissingArgument` when a required
    parameter stays unfilled.
    """
    params = accepted_parameters(obj)
    names = params.names
    pairs = (fs._unbuilt_pairs() if not params.var_keyword and isinstance(fs, FieldStorage)
             else None)
    if pairs is not None:
        # A query string only (plain str values): its pairs are read as form_arguments
        # would group them, keeping only the accepted names.
        kwargs = {}
        for name, value in pairs:
            if name in names and name not in extra:
                if name not in kwargs:
                    kwargs[name] = value
                elif type(kwargs[name]) is list:
                    kwargs[name].append(value)
                else:
                    kwargs[name] = [kwargs[name], value]
        for name, value in extra.items():
            if name in names:
                kwargs[name] = value
    elif params.var_keyword:
        # As in mod_python, **kwargs receives ``req`` too when no parameter names it.
        kwargs = {name: value for name, value in form_arguments(fs).items() if name not in extra}
        kwargs.update(extra)
    else:
        kwargs = {}
        for name, value in form_arguments(fs).items():
            if name in names and name not in extra:
                kwargs[name] = value
        for name, value in extra.items():
            if name in names:
                kwargs[name] = value
    for name in params.required:
        if name not in kwargs:
            raise MissingArgument(obj, [name for name in params.required if name not in kwargs])
    return kwargs


def apply_fs_data(obj, fs, **extra):
    """Call ``obj`` with the form data it accepts (:func:`bind_form`)."""
    return obj(**bind_form(obj, fs, **extra))
