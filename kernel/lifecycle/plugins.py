"""Which plugins a site runs, and in what order (Apache's ``LoadModule`` habit).

Installing a plugin does not enable it. The built-ins (the plugins of the ``greenphase``
distribution) are on by default, in :data:`BUILTIN_ORDER`; a third-party plugin needs
``LoadPlugin NAME`` (or ``LoadPlugin ./file.py`` for a plugin file next to the config). A
``Plugins a b c`` line, or ``--plugins a,b,c`` on the command line (which wins), gives the
exact list; ``NoPlugin name`` or ``--plugins -name`` leaves one out. The core plugin is always
on.

Order: within a phase, ``tryfirst``/``trylast`` bands first, then the ``before``/``after``
constraints a plugin declares (a module attribute ``greenphase_order = {"before": [...],
"after": [...]}``), then the site's list. The plugins are registered with pluggy in the
reverse of that order, so pluggy's own calls (``error_page``, ``named_handler`` ...) and the
kernel's phase calls follow the same order.

This runs before the rest of the configuration is read, since the plugins declare the
directives: :func:`read_plugin_lines` reads only these three directives, with file and line.
"""

import glob
import importlib
import importlib.util
import os
from dataclasses import dataclass, field
from importlib.metadata import entry_points

from ..config.directives import SERVER, Directive
from ..config.errors import ConfigError
from ..config.syntax import parse_file
from ..hookspecs import PROJECT

CORE_PLUGIN = "core"
# The built-ins in call order. The ones that set request facts others read come first
# (TLS, remoteip's client address, headers' early RequestHeader), the fallbacks last: the default
# handler (static) and the error pages.
BUILTIN_ORDER = ("ssl", "remoteip", "headers", "basic_auth", "handlers", "publisher", "psp", "sessions",
                 "wsgi_handler", "cgi_handler", "filters", "includes", "deflate", "test_page",
                 "status", "info", "static", "errorpages")
DISTRIBUTION = "greenphase"
SELECTION_DIRECTIVES = ("LoadPlugin", "Plugins", "NoPlugin")


def _declared_only(ctx, args, previous):
    """Read before the configuration proper (see read_plugin_lines); nothing to store."""
    return args


PLUGIN_DIRECTIVES = [
    Directive("LoadPlugin", (1, 1), SERVER, syntax="plugin-name or ./plugin-file.py",
              parse=_declared_only),
    Directive("Plugins", (0, None), SERVER, syntax="plugin-name [plugin-name ...]",
              parse=_declared_only),
    Directive("NoPlugin", (1, None), SERVER, syntax="plugin-name [plugin-name ...]",
              parse=_declared_only),
]


@dataclass
class Installed:
    """One plugin the environment offers (an entry point of the ``greenphase`` group)."""

    name: str
    value: str                      # "pkg.module" the entry point names
    distribution: str | None
    version: str | None
    requires: tuple = ()            # the distribution's Requires-Dist lines naming greenphase
    entry_point: object = None

    @property
    def builtin(self):
        return self.distribution == DISTRIBUTION


@dataclass
class Choice:
    """A plugin this site enables, or leaves out, and why."""

    name: str
    why: str                        # "default", "LoadPlugin", "Plugins", "--plugins", "--plugin", "left out: ..."
    enabled: bool
    origin: str                     # "entry point pkg.mod", "file /x/y.py", "module pkg.mod"
    installed: Installed | None = None
    file: str | None = None
    line: int | None = None
    plugin: object = None           # the loaded module/object
    constraints: dict = field(default_factory=dict)


def installed_plugins():
    """Every entry point of the group, by name (the first one wins a duplicated name)."""
    found = {}
    for ep in entry_points(group=PROJECT):
        if ep.name in found:
            continue
        dist = getattr(ep, "dist", None)
        requires = ()
        if dist is not None:
            requires = tuple(r for r in (dist.requires or ())
                             if r.split(";")[0].strip().lower().startswith(DISTRIBUTION)
                             and dist.metadata["Name"].lower() != DISTRIBUTION)
        found[ep.name] = Installed(ep.name, ep.value, dist.metadata["Name"] if dist else None,
                                   dist.version if dist else None, requires, ep)
    return found


# -- the selection lines --------------------------------------------------------------------

@dataclass
class PluginLine:
    directive: str      # canonical spelling
    args: list
    file: str
    line: int


def read_plugin_lines(config_file, defines=None):
    """The ``LoadPlugin``/``Plugins``/``NoPlugin`` lines of a configuration, in file order,
    following ``Include`` and ``<IfDefine>``. Returns (lines, errors). They are allowed in the
    server config only: inside any other section they are an error."""
    lines, errors = [], []
    defines = defines or {}
    root = os.path.dirname(os.path.abspath(config_file))
    canonical = {d.lower(): d for d in SELECTION_DIRECTIVES}

    def walk(nodes, section, seen):
        nonlocal root
        for node in nodes:
            low = node.name.lower()
            if node.is_section:
                if low == "ifdefine" and node.args:
                    name = node.args[0]
                    wanted = not name.startswith("!")
                    if (name.lstrip("!") in defines) == wanted:
                        walk(node.children, section, seen)
                    continue
                walk(node.children, section or node.name, seen)
                continue
            if low == "serverroot" and node.args and section is None:
                root = node.args[0]
            elif low in ("include", "includeoptional") and node.args:
                pattern = node.args[0]
                if not os.path.isabs(pattern):
                    pattern = os.path.join(root, pattern)
                for path in sorted(glob.glob(pattern)):
                    real = os.path.realpath(path)
                    if real in seen or os.path.isdir(path):
                        continue    # the Builder reports include cycles
                    try:
                        walk(parse_file(path), section, seen | {real})
                    except ConfigError:
                        pass        # the Builder reports it with its line
            elif low in canonical:
                if section is not None:
                    errors.append(ConfigError(
                        "%s is allowed in the server config only, not inside <%s> (a plugin is "
                        "enabled for the whole process; switch it off per directory with its own "
                        "directives)" % (canonical[low], section), node.file, node.line))
                    continue
                lines.append(PluginLine(canonical[low], list(node.args), node.file, node.line))

    try:
        walk(parse_file(config_file), None, {os.path.realpath(config_file)})
    except ConfigError:
        pass                        # the Builder reports syntax errors with their lines
    return lines, errors


# -- choosing ---------------------------------------------------------------------------------

def choose(config_file, cli_plugins=None, extra_modules=(), defines=None, installed=None):
    """The site's plugin list in call order (core excluded), plus every installed plugin it
    leaves out, plus the errors. ``cli_plugins``: the ``--plugins`` words (``None`` when not
    given; ``-name`` leaves one out of the default list)."""
    installed = installed_plugins() if installed is None else installed
    lines, errors = read_plugin_lines(config_file, defines)
    names_known = ", ".join(sorted(n for n in installed if n != CORE_PLUGIN))
    chosen = {}         # name -> Choice, in insertion order = site order

    def entry(name, why, file=None, line=None):
        if _is_file(name):
            _load_file_plugin(chosen, name, config_file, file, line, errors, why)
            return
        inst = installed.get(name)
        if inst is None:
            errors.append(ConfigError("no such plugin %r (installed: %s)" % (name, names_known),
                                      file, line))
            return
        if name == CORE_PLUGIN:
            return
        chosen.pop(name, None)
        chosen[name] = Choice(name, why, True, "entry point %s" % inst.value, inst, file, line)

    builtins = [n for n in BUILTIN_ORDER if n in installed and installed[n].builtin]
    # Built-ins of the greenphase distribution not in the fixed list still come before any
    # LoadPlugin, in name order, so a new built-in is never silently off.
    builtins += sorted(n for n, i in installed.items()
                       if i.builtin and n not in BUILTIN_ORDER and n != CORE_PLUGIN)
    exact = [ln for ln in lines if ln.directive == "Plugins"]
    removals = [w[1:] for w in (cli_plugins or ()) if w.startswith("-")]
    cli_exact = [w for w in (cli_plugins or ()) if not w.startswith("-")]
    # "--plugins a,b" (or an empty list) is the exact list; "--plugins -a" edits the default.
    exact_cli = cli_plugins is not None and (cli_exact or not removals)
    if exact_cli:
        for name in cli_exact:
            entry(name, "--plugins")
    elif exact:
        last = exact[-1]
        for name in last.args:
            entry(name, "Plugins", last.file, last.line)
    else:
        for name in builtins:
            entry(name, "default")
        for ln in lines:
            if ln.directive == "LoadPlugin":
                entry(ln.args[0], "LoadPlugin", ln.file, ln.line)
    left_out = {}
    for ln in lines:
        if ln.directive == "NoPlugin" and not exact_cli:
            for name in ln.args:
                if name not in installed:
                    errors.append(ConfigError("NoPlugin: no such plugin %r (installed: %s)"
                                              % (name, names_known), ln.file, ln.line))
                elif name == CORE_PLUGIN:
                    errors.append(ConfigError("the core plugin cannot be left out",
                                              ln.file, ln.line))
                elif chosen.pop(name, None) is not None:
                    left_out[name] = "left out: NoPlugin (%s:%d)" % (ln.file, ln.line)
    for name in removals:
        if name not in installed:
            errors.append(ConfigError("--plugins -%s: no such plugin (installed: %s)"
                                      % (name, names_known)))
        elif chosen.pop(name, None) is not None:
            left_out[name] = "left out: --plugins -%s" % name
    for dotted in extra_modules:
        chosen.pop(dotted, None)
        chosen[dotted] = Choice(dotted, "--plugin", True, "module %s" % dotted)
    others = []
    for name, inst in sorted(installed.items()):
        if name in chosen or name == CORE_PLUGIN:
            continue
        why = left_out.get(name) or ("left out: not in the Plugins list" if (exact or exact_cli)
                                     else "installed, not enabled (add LoadPlugin %s)" % name
                                     if not inst.builtin else "left out")
        others.append(Choice(name, why, False, "entry point %s" % inst.value, inst))
    return list(chosen.values()), others, errors


def _is_file(target):
    return target.endswith(".py") or os.sep in target or target.startswith(".")


def _load_file_plugin(chosen, target, config_file, file, line, errors, why):
    """A plugin file named relative to the configuration file's folder (like tox's toxfile)."""
    path = os.path.normpath(target if os.path.isabs(target) else os.path.join(
        os.path.dirname(os.path.abspath(config_file)), target))
    name = os.path.splitext(os.path.basename(path))[0]
    if not os.path.isfile(path):
        errors.append(ConfigError("%s: no such plugin file %s" % (why, path), file, line))
        return
    chosen.pop(name, None)
    chosen[name] = Choice(name, why, True, "file %s" % path, None, file, line)


def load(choice):
    """Import one chosen plugin; a ConfigError (one line, naming it) when that fails."""
    where = (choice.file, choice.line) if choice.file else ()
    try:
        if choice.installed is not None:
            return choice.installed.entry_point.load()
        if choice.origin.startswith("file "):
            path = choice.origin[len("file "):]
            spec = importlib.util.spec_from_file_location("greenphase_site_plugin_" + choice.name,
                                                          path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
        return importlib.import_module(choice.name)
    except Exception as exc:
        raise ConfigError("plugin %s (%s) failed to import: %s: %s"
                          % (choice.name, choice.origin, type(exc).__name__, exc), *where) from None


def version_errors(choice):
    """A plugin's distribution asks for a greenphase version this is not: say so."""
    if choice.installed is None or not choice.installed.requires:
        return []
    try:
        from importlib.metadata import version
        from packaging.requirements import Requirement
    except ImportError:             # packaging missing: nothing to compare with
        return []
    mine = version(DISTRIBUTION)
    errors = []
    for text in choice.installed.requires:
        req = Requirement(text)
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        if req.specifier and not req.specifier.contains(mine, prereleases=True):
            errors.append(ConfigError("plugin %s (distribution %s %s) needs %s, this is "
                                      "greenphase %s" % (choice.name, choice.installed.distribution,
                                                         choice.installed.version, text, mine),
                                      choice.file, choice.line))
    return errors
