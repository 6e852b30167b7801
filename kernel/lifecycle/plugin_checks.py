"""Start-up checks of every hook implementation against its spec, naming the plugin.

Before a plugin is registered, each of its hook implementations is checked: the hook must
exist, the function may only ask for arguments the hook passes (pluggy's rule), a phase hook
takes exactly ``req`` (the kernel calls it positionally) and is no wrapper (phases have no
"around" step). Every problem of every function is reported, one ConfigError line each with
the plugin, the function's file:line, the hook and the rule broken; a plugin with problems
is not registered.
"""

import inspect

from pluggy import PluginValidationError

from ..config.directives import Directive
from ..config.errors import ConfigError
from ..hookspecs import PHASE_NAMES


def where(function):
    """(file, line) of a function, or (None, None)."""
    function = inspect.unwrap(function)
    code = getattr(function, "__code__", None)
    if code is None:
        return None, None
    return code.co_filename, code.co_firstlineno


def _required_args(function):
    """The arguments a function needs (pluggy passes only those without a default)."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return ()
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return tuple(p.name for p in parameters if p.kind in kinds and p.default is p.empty)


def hook_problems(pm, plugin, name):
    """Every problem of a plugin's hook implementations, as ConfigErrors."""
    errors = []
    for attr in dir(plugin):
        try:
            opts = pm.parse_hookimpl_opts(plugin, attr)
        except Exception:           # an attribute that cannot even be looked at
            continue
        if opts is None:
            continue
        hook = opts.get("specname") or attr
        function = getattr(plugin, attr)
        file, line = where(function)
        caller = getattr(pm.hook, hook, None)
        spec = getattr(caller, "spec", None)
        if spec is None:
            errors.append(ConfigError(
                "plugin %s: %s is not a greenphase hook (misspelt?%s the hooks are listed in "
                "kernel/hookspecs.py)" % (name, hook, _suggest(pm, hook)), file, line))
            continue
        args = _required_args(function)
        wrapper = opts.get("wrapper") or opts.get("hookwrapper")
        if hook in PHASE_NAMES:
            if args != ("req",):
                errors.append(ConfigError(
                    "plugin %s: phase hook %s must take exactly one argument, req (it takes %s)"
                    % (name, hook, _args(args)), file, line))
            elif wrapper:
                errors.append(ConfigError(
                    "plugin %s: phase hook %s cannot be a wrapper (phases have no 'around' "
                    "step)" % (name, hook), file, line))
            continue
        unknown = [a for a in args if a not in spec.argnames]
        if unknown:
            errors.append(ConfigError(
                "plugin %s: hook %s has a wrong signature: it asks for %s, the hook passes %s"
                % (name, hook, ", ".join(unknown), _args(spec.argnames)), file, line))
    return errors


def _suggest(pm, hook):
    import difflib
    known = [n for n, c in vars(pm.hook).items() if getattr(c, "spec", None) is not None]
    close = difflib.get_close_matches(hook, known, n=1)
    return " did you mean %s?" % close[0] if close else ""


def register(pm, plugin, name):
    """Check, then register a plugin; a list of ConfigErrors (empty when it was registered)."""
    errors = hook_problems(pm, plugin, name)
    if errors:
        return errors
    other = pm.get_name(plugin) if pm.is_registered(plugin) else None
    if other is not None:
        return [ConfigError("plugin %s is the module already enabled as plugin %s (named twice: "
                            "LoadPlugin, Plugins or --plugin)" % (name, other))]
    try:
        pm.register(plugin, name)
    except PluginValidationError as exc:     # a rule of pluggy's the checks above missed
        return [ConfigError("plugin %s: %s" % (name, str(exc).strip().splitlines()[-1]))]
    except ValueError as exc:
        return [ConfigError("plugin %s could not be registered: %s"
                            % (name, str(exc).splitlines()[0][:200]))]
    return []


def _args(argnames):
    return "(%s)" % ", ".join(argnames) if argnames else "no arguments"


def directives_of(plugin, declared, errors):
    """A plugin's register_directives answer, keeping only real Directive declarations."""
    good = []
    try:
        items = list(declared or ())
    except TypeError:
        items = [declared]
    if isinstance(declared, (str, bytes)):
        items = [declared]
    for item in items:
        problem = _directive_problem(item)
        if problem:
            errors.append(ConfigError("plugin %s: register_directives: %s" % (plugin, problem)))
        else:
            good.append(item)
    return good


def _directive_problem(item):
    if not isinstance(item, Directive):
        return "%r is not a Directive (from greenphase import Directive)" % (item,)
    if not isinstance(item.name, str) or not item.name:
        return "a Directive needs a name"
    if not isinstance(item.context, int):
        return ("Directive %s: context must be flags such as OR_ALL or RSRC_CONF, not %r"
                % (item.name, item.context))
    if (not isinstance(item.args, tuple) or len(item.args) != 2
            or not isinstance(item.args[0], int)
            or not (item.args[1] is None or isinstance(item.args[1], int))):
        return ("Directive %s: args must be (minimum, maximum) with maximum None for no limit, "
                "not %r" % (item.name, item.args))
    return None
