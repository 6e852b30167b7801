"""From parsed nodes to servers and sections: the meaning of the configuration.

The builder knows only the container syntax (``<VirtualHost>``, ``<Directory>``...), the
conditionals (``<IfModule>``, ``<IfDefine>``, ``Define``, ``${VAR}``) and ``Include``; every
other directive is looked up among those the kernel's core and the plugins declared.
"""

import glob
import os
import re

from . import directives as D
from .errors import ConfigError
from .model import Config, Section, ServerBlock, canonical_dir
from .syntax import Node, parse_file

# Apache directives that mean nothing here: accepted with one warning each.
APACHE_ONLY = {name.lower() for name in (
    "LoadModule", "LoadFile", "Mutex", "StartServers",
    "MinSpareServers", "MaxSpareServers", "MinSpareThreads", "MaxSpareThreads",
    "MaxRequestWorkers", "MaxClients", "ServerLimit", "ThreadsPerChild", "ThreadLimit",
    "ScoreBoardFile", "EnableSendfile",
    "EnableMMAP", "DefaultRuntimeDir", "ListenBacklog",
    "HostnameLookups", "DefaultType",
    "UseCanonicalName", "NameVirtualHost", "AddEncoding",
    "AddLanguage", "AddCharset", "LanguagePriority", "ForceLanguagePriority", "IndexOptions",
    "IndexIgnore", "AddIcon", "AddIconByType", "AddIconByEncoding", "DefaultIcon", "ReadmeName",
    "HeaderName", "BrowserMatch", "SetEnvIf", "FileETag", "ServerSignature", "CoreDumpDirectory",
    "AsyncRequestWorkerFactor", "MaxMemFree", "EnableExceptionHook", "PythonOptimize_",
)}

_SECTION_KINDS = {
    "directory": D.DIRECTORY, "directorymatch": D.DIRECTORY,
    "location": D.LOCATION, "locationmatch": D.LOCATION,
    "files": D.FILES, "filesmatch": D.FILES,
}
class Builder:
    """Walks the nodes once, in order, as Apache reads its configuration."""

    def __init__(self, directives, modules, defines=None, server_root=None, left_out=None):
        self.directives = {name.lower(): d for name, d in directives.items()}
        # lower-case directive name -> the installed plugin, not enabled here, declaring it
        self.left_out = left_out or {}
        self.modules = modules
        self.defines = dict(defines or {})
        self.server_root = server_root
        self.warned = set()
        self.including = []             # files being read, to refuse an Include cycle

    # -- entry points --------------------------------------------------------------------
    def build(self, path):
        path = os.path.abspath(path)
        root = self.server_root or os.path.dirname(path)
        config = Config(path, root)
        self.config = config
        config.defines = self.defines
        self.including = [os.path.realpath(path)]
        try:
            nodes = parse_file(path)
        except ConfigError as exc:
            config.errors.append(exc)
            return config
        self._walk(nodes, config.main, None, D.SERVER)
        config.server_root = self.config.server_root
        return config

    def build_htaccess(self, path, directory, allowed, config):
        """Parse a .htaccess into a Section, checking each directive against AllowOverride."""
        self.config = config
        section = Section("htaccess", directory, directory=directory, file=path, line=0)
        errors_before = len(config.errors)
        try:
            nodes = parse_file(path)
        except ConfigError as exc:
            config.errors.append(exc)
            return section
        self._walk(nodes, None, section, D.HTACCESS, allowed=allowed)
        return section if len(config.errors) == errors_before else None

    # -- the walk ------------------------------------------------------------------------
    def _error(self, node, message):
        self.config.errors.append(ConfigError(message, node.file, node.line))

    def _subst(self, node):
        """Replace ${VAR} by Define'd values (or the environment), as Apache does at read time."""
        def repl(match):
            name = match.group(1)
            if name in self.defines:
                return self.defines[name]
            if name in os.environ:
                return os.environ[name]
            self._error(node, "variable ${%s} is not defined (use Define)" % name)
            return match.group(0)
        if "${" not in node.raw:
            return node.args
        return [re.sub(r"\$\{(\w+)\}", repl, a) for a in node.args]

    def _subst_tree(self, nodes):
        """A block's inner nodes with ${VAR} replaced, for plugins that read them."""
        return [Node(n.name, self._subst(n), n.raw, n.file, n.line,
                     None if n.children is None else self._subst_tree(n.children)) for n in nodes]

    def _walk(self, nodes, server, section, context, allowed=None):
        for node in nodes:
            args = self._subst(node)
            low = node.name.lower()
            if context == D.HTACCESS and low in ("include", "includeoptional", "define",
                                                 "undefine", "serverroot"):
                self._error(node, "%s is not allowed in .htaccess" % node.name)
            elif node.is_section:
                self._section(node, low, args, server, section, context, allowed)
            elif low in ("include", "includeoptional"):
                self._include(node, low, args, server, section, context, allowed)
            elif low == "define":
                if not 1 <= len(args) <= 2:
                    self._error(node, "Define takes a name and an optional value")
                else:
                    self.defines[args[0]] = args[1] if len(args) > 1 else ""
            elif low == "undefine":
                self.defines.pop(args[0] if args else "", None)
            elif low == "serverroot":
                if context != D.SERVER or len(args) != 1:
                    self._error(node, "ServerRoot takes one directory, at server level only")
                else:
                    root = os.path.normpath(os.path.join(os.path.dirname(node.file), args[0]))
                    if not os.path.isdir(root):
                        self._error(node, "ServerRoot must be an existing directory: %s" % root)
                    self.config.server_root = root
            else:
                self._directive(node, low, args, server, section, context, allowed)

    def _include(self, node, low, args, server, section, context, allowed):
        if len(args) != 1:
            self._error(node, "%s takes one file name or wildcard" % node.name)
            return
        pattern = os.path.join(self.config.server_root, args[0])
        matches = sorted(glob.glob(pattern)) if glob.has_magic(pattern) else (
            [pattern] if os.path.exists(pattern) else [])
        if not matches and low == "include" and not glob.has_magic(pattern):
            self._error(node, "Include: no such file %r" % pattern)
            return
        for path in matches:
            if os.path.isdir(path):
                continue
            real = os.path.realpath(path)
            if real in self.including:
                self._error(node, "Include of %s includes itself (directly or through other "
                                  "files)" % path)
                continue
            try:
                nodes = parse_file(path)
            except ConfigError as exc:
                self.config.errors.append(exc)
                continue
            self.including.append(real)
            try:
                self._walk(nodes, server, section, context, allowed)
            finally:
                self.including.pop()

    def _condition(self, node, args, known):
        if len(args) != 1:
            self._error(node, "<%s> takes one argument" % node.name)
            return False
        word = args[0]
        negate = word.startswith("!")
        return known(word.lstrip("!")) != negate

    def _has_module(self, name):
        base = name[:-2] if name.endswith(".c") else name
        base = base[:-7] if base.endswith("_module") else base
        base = base[4:] if base.startswith("mod_") else base
        return base in self.modules

    def _section(self, node, low, args, server, section, context, allowed):
        if low == "ifmodule":
            if self._condition(node, args, self._has_module):
                self._walk(node.children, server, section, context, allowed)
            return
        if low == "ifdefine":
            if self._condition(node, args, lambda n: n in self.defines):
                self._walk(node.children, server, section, context, allowed)
            return
        if low == "virtualhost":
            if context != D.SERVER:
                self._error(node, "<VirtualHost> is only allowed at server level")
                return
            vhost = ServerBlock(True, [_parse_addr(a) for a in args] or [("*", None)], node.file, node.line)
            self.config.vhosts.append(vhost)
            self._walk(node.children, vhost, None, D.VHOST)
            return
        kind = _SECTION_KINDS.get(low)
        directive = self.directives.get(low)
        if kind is None:
            if directive is not None and directive.block:
                self._directive(node, low, args, server, section, context, allowed)
                return
            self._error(node, "unknown section <%s> (no plugin declares it)" % node.name)
            return
        if context == D.HTACCESS and kind != D.FILES:
            self._error(node, "<%s> is not allowed in .htaccess" % node.name)
            return
        if context in (D.LOCATION, D.FILES) or (context == D.DIRECTORY and kind != D.FILES):
            self._error(node, "<%s> cannot be nested inside <%s>" % (node.name, _kind_name(context)))
            return
        regex = low.endswith("match")
        if regex:
            if len(args) != 1:
                self._error(node, "<%s> takes one regular expression" % node.name)
                return
            pattern = args[0]
        elif len(args) == 2 and args[0] == "~":
            regex, pattern = True, args[1]
        elif len(args) == 1:
            pattern = args[0]
        else:
            self._error(node, "<%s> takes one path or pattern" % node.name)
            return
        compiled = None
        if regex:
            try:
                compiled = re.compile(pattern)
            except re.error as exc:
                self._error(node, "<%s> has a bad regular expression: %s" % (node.name, exc))
                return
        elif kind == D.DIRECTORY:
            pattern = canonical_dir(os.path.join(self.config.server_root, pattern))
            if context != D.HTACCESS and not any(c in pattern for c in "*?["):
                self.config.start_checks.append(("directory-warning", pattern, node.file, node.line))
        base = "directory" if kind == D.DIRECTORY else "location" if kind == D.LOCATION else "files"
        directory = pattern if base == "directory" and not regex else (section.directory if section else None)
        new = Section(base, pattern, compiled, directory, node.file, node.line)
        if base == "files" and section is not None:
            section.files.append(new)
        elif base == "files":
            server.files.append(new)
        elif base == "location":
            server.locations.append(new)
        elif regex:
            server.directory_matches.append(new)
        else:
            server.directories.append(new)
        inner = kind if context != D.HTACCESS else D.HTACCESS
        self._walk(node.children, server, new, inner, allowed)

    def _directive(self, node, low, args, server, section, context, allowed):
        directive = self.directives.get(low)
        if directive is None:
            if low in self.left_out:
                self._error(node, "%s is a directive of plugin %s, which is not enabled for "
                                  "this site (enable it: remove NoPlugin %s or --plugins -%s, or "
                                  "list it in Plugins)" % ((node.name,) + (self.left_out[low],) * 3))
                return
            if low in APACHE_ONLY:
                if low not in self.warned:
                    self.warned.add(low)
                    self.config.warnings.append(
                        "%s:%d: %s is an Apache directive that means nothing to greenphase; ignored"
                        % (node.file, node.line, node.name))
                return
            self._error(node, "Invalid command '%s', perhaps misspelled or defined by a plugin "
                              "that is not enabled" % node.name)
            return
        if not directive.context & context:
            self._error(node, "%s is not allowed in %s" % (directive.name, _kind_name(context)))
            return
        if context == D.HTACCESS and allowed is not None:
            if directive.override is None or (directive.override not in allowed and "All" not in allowed):
                self._error(node, "%s not allowed here (AllowOverride does not permit %s)"
                            % (directive.name, directive.override or "it"))
                return
        low_n, high_n = directive.args
        if len(args) < low_n or (high_n is not None and len(args) > high_n):
            expected = ("%d" % low_n if low_n == high_n else
                        "at least %d" % low_n if high_n is None else "%d to %d" % (low_n, high_n))
            self._error(node, "%s takes %s argument%s%s, got %d" % (
                directive.name, expected, "" if expected in ("1", "at least 1") else "s",
                (": " + directive.syntax) if directive.syntax else "", len(args)))
            return
        target = section.values if section is not None else server.values
        ctx = D.ParseContext(node.file, node.line, context,
                             directory=section.directory if section is not None else None,
                             is_location=section is not None and section.kind == "location",
                             server_root=self.config.server_root,
                             children=self._subst_tree(node.children or []), config=self.config)
        key = directive.store_as
        try:
            value = directive.convert(ctx, args, target.get(key))
        except ConfigError as exc:
            if exc.file is None:
                exc.file, exc.line = node.file, node.line
            self.config.errors.append(exc)
            return
        target[key] = value


def _kind_name(context):
    return D.CONTEXT_NAMES.get(context, "this context")


def _parse_addr(text):
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit():
        return (text, None)
    return (host.strip("[]"), int(port))
