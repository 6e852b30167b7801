"""What a handler entry names: a plugin's named handler (``mod_python.publisher``) or a
function (``module::Class.method``) in a module the loader finds, and what is remembered of
the answer between requests."""

from greenphase import loader
from greenphase import constants as C

from .directives import HANDLER_DIRECTIVES, default_function

_DEFAULT_FUNCTION = {directive: default_function(directive) for directive in HANDLER_DIRECTIVES}

# site.state key of {(module, function): callable or None}: what the named_handler hook
# answered, asked once per name (a plain dict that dies with the site: no weak look-up).
NAMED = "handlers.named"
_search_dirs = {}       # (directory, PythonPath) -> search directories


class Resolved:
    """What ``entry.resolved[directive]`` remembers: the module generation (the loader's
    record; None for a plugin's named handler) and the function name in it, for the
    merged configuration ``config`` (its PythonPath chose the module, its PythonAutoReload
    and PythonAutoReloadInterval say when to look at the file again)."""

    __slots__ = ("config", "site", "python_path", "autoreload", "interval", "loaded", "module",
                 "name", "plain", "named")

    def __init__(self, req, config, loaded, name, named):
        self.site = req.site
        self.python_path = config["PythonPath"]
        self.loaded = loaded
        self.module = loaded.module if loaded is not None else None
        self.name = name
        self.plain = "." not in name        # Class.method: walked (instantiated) every time
        self.named = named
        self.use(config)

    def use(self, config):
        self.config = config
        self.autoreload = config["PythonAutoReload"]
        self.interval = config["PythonAutoReloadInterval"] or 0


def resolve(req, directive, entry):
    """The callable for ``entry`` in this phase (None: a silent entry's function is missing).

    Remembered per (entry, phase directive): the module's generation and the function's
    name. The name is looked up in the module on every request (handler code may rebind
    it, as mod_python looked it up every time); the file is stat'ed as PythonAutoReload and
    PythonAutoReloadInterval say."""
    config = req.dir_config
    known = entry.resolved.get(directive)
    if known is not None and known.site is req.site:
        if known.config is not config:
            if known.python_path != config["PythonPath"]:
                return _resolve(req, directive, entry, config)
            known.use(config)           # another merged configuration, the same module
        if known.named is not None:
            return known.named
        if known.loaded.current(known.autoreload, known.interval) is not None:
            if not known.plain:
                return walk(req, known.module, known.name, entry.silent)
            found = getattr(known.module, known.name, None)
            if found is not None:
                return found
    return _resolve(req, directive, entry, config)


def _resolve(req, directive, entry, config):
    name = entry.object or _DEFAULT_FUNCTION.get(directive) or default_function(directive)
    named = named_handler(req.site, entry.module, name)
    if named is not None:
        entry.resolved[directive] = Resolved(req, config, None, name, named)
        return named
    if entry.module.startswith("mod_python."):
        if entry.silent:
            return None
        raise ImportError(unresolved_message(entry.module, name))
    log = None
    if config["PythonDebug"]:
        log = lambda message: req.log_error(message, C.APLOG_NOTICE)  # noqa: E731
    loaded = loader.loaded_handler_module(
        entry.module, search_dirs(entry, config["PythonPath"]),
        autoreload=config["PythonAutoReload"], log=log,
        check_interval=config["PythonAutoReloadInterval"] or 0)
    function = walk(req, loaded.module, name, entry.silent)
    entry.resolved[directive] = Resolved(req, config, loaded, name, None)
    return function


def named_key(module, function):
    """What the named_handler hook is asked: 'mod_python.publisher', or 'mod::function' for
    other functions than ``handler``."""
    return module if function == "handler" else "%s::%s" % (module, function)


def named_handler(site, module, function):
    answers = site.state.get(NAMED)
    if answers is None:
        answers = site.state[NAMED] = {}
    key = (module, function)
    try:
        return answers[key]
    except KeyError:
        answer = answers[key] = site.hook.named_handler(name=named_key(module, function))
        return answer


def unresolved_message(module, function):
    return ("no enabled plugin provides %r: mod_python's own handler modules are plugins in "
            "greenphase (is the plugin installed and enabled?)" % named_key(module, function))


def search_dirs(entry, python_path):
    """The directive's directory (not for <Location>), then the PythonPath directories."""
    key = (entry.directory, python_path)
    dirs = _search_dirs.get(key)
    if dirs is None:
        dirs = [entry.directory] if entry.directory else []
        if python_path:
            dirs += [d for d in loader.python_path(python_path) if d not in dirs]
        dirs = _search_dirs[key] = tuple(dirs)
    return dirs


def follow(module, dotted, arg, silent):
    """``dotted`` ('a.b.c') inside ``module``; a class passed through on the way is
    instantiated with ``arg`` (mod_python's rule). Missing: AttributeError, or None when
    ``silent``. Also behind ``mod_python.apache.resolve_object``."""
    obj = module
    for part in dotted.split("."):
        if isinstance(obj, type):
            obj = obj(arg)
        try:
            obj = getattr(obj, part)
        except AttributeError:
            if silent:
                return None
            raise AttributeError("module '%s' contains no '%s'"
                                 % (getattr(module, "__file__", module), dotted)) from None
    return obj


def walk(req, module, dotted, silent):
    """Follow ``Class.method``: a class passed through is instantiated with the request."""
    if "." not in dotted:
        found = getattr(module, dotted, None)     # the common case: a plain function name
        if found is not None:
            return found
    obj = follow(module, dotted, req, silent)
    if obj is None and not silent:      # mod_python: a name bound to None is no handler (500)
        raise TypeError("'%s' in module '%s' is None, not a callable"
                        % (dotted, getattr(module, "__file__", module.__name__)))
    return obj
