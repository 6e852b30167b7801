"""Start-up checks of every hook implementation against its spec, naming the plugin.

pluggy checks an implementation's argument names when it is registered and leaves unknown
hook names pending; the kernel adds its own rule: a phase hook takes exactly ``req``, since
the kernel calls it positionally. Each problem becomes one ConfigError line with the
plugin, the function's file:line, the hook and the rule broken.
"""

import inspect

from pluggy import PluginValidationError

from ..config.errors import ConfigError
from ..hookspecs import PHASE_NAMES


def where(function):
    """(file, line) of a function, or (None, None)."""
    function = inspect.unwrap(function)
    code = getattr(function, "__code__", None)
    if code is None:
        return None, None
    return code.co_filename, code.co_firstlineno


def register(pm, plugin, name):
    """pm.register, with pluggy's signature complaint turned into a ConfigError."""
    try:
        pm.register(plugin, name)
    except PluginValidationError as exc:
        hook, function = _offending(pm, plugin, str(exc))
        file, line = where(function) if function else (None, None)
        raise ConfigError("plugin %s: hook %s has a wrong signature: %s"
                          % (name, hook or "?", _reason(exc)), file, line) from None
    except ValueError as exc:
        raise ConfigError("plugin %s could not be registered: %s" % (name, exc)) from None


def _offending(pm, plugin, message):
    for attr in dir(plugin):
        opts = pm.parse_hookimpl_opts(plugin, attr)
        if opts is not None and ("hook %r" % (opts.get("specname") or attr)) in message:
            return opts.get("specname") or attr, getattr(plugin, attr)
    return None, None


def _reason(exc):
    text = str(exc)
    if "Argument(s)" in text:
        # pluggy: "Plugin 'x' for hook 'y'\nhookimpl definition: ...\nArgument(s) {'z'} are
        # declared in the hookimpl but can not be found in the hookspec"
        return text.splitlines()[-1].strip()
    return text.strip().splitlines()[-1]


def check_hooks(pm):
    """Every problem of the registered implementations, as ConfigErrors."""
    errors = []
    for hook_name, caller in sorted(vars(pm.hook).items()):
        if not hasattr(caller, "get_hookimpls"):
            continue
        for impl in caller.get_hookimpls():
            file, line = where(impl.function)
            if caller.spec is None:
                errors.append(ConfigError(
                    "plugin %s: %s is not a greenphase hook (misspelt? the hooks are listed in "
                    "kernel/hookspecs.py)" % (impl.plugin_name, hook_name), file, line))
            elif hook_name in PHASE_NAMES and tuple(impl.argnames) != ("req",):
                errors.append(ConfigError(
                    "plugin %s: phase hook %s must take exactly one argument, req (it takes %s)"
                    % (impl.plugin_name, hook_name, _args(impl.argnames)), file, line))
            elif impl.hookwrapper or impl.wrapper:
                if hook_name in PHASE_NAMES:
                    errors.append(ConfigError(
                        "plugin %s: phase hook %s cannot be a wrapper (phases have no 'around' "
                        "step)" % (impl.plugin_name, hook_name), file, line))
    return errors


def _args(argnames):
    return "(%s)" % ", ".join(argnames) if argnames else "no arguments"
