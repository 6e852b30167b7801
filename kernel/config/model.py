"""The parsed configuration: servers, their sections, and which section applies where."""

import fnmatch
import itertools
import os

_section_ids = itertools.count(1)


class Section:
    """A ``<Directory>``, ``<Location>``, ``<Files>`` (or their Match forms), or a .htaccess."""

    __slots__ = ("id", "kind", "pattern", "regex", "wild", "values", "files", "depth",
                 "directory", "file", "line")

    def __init__(self, kind, pattern, regex=None, directory=None, file=None, line=None):
        self.id = next(_section_ids)
        self.kind = kind              # 'directory', 'location', 'files', 'htaccess'
        self.pattern = pattern
        self.regex = regex            # compiled pattern for the Match forms and ~
        self.wild = regex is None and any(c in pattern for c in "*?[")
        self.values = {}
        self.files = []               # <Files> nested inside a <Directory> or .htaccess
        self.directory = directory
        self.depth = pattern.count("/") if kind == "directory" and regex is None else 0
        self.file = file
        self.line = line

    def __repr__(self):
        return "<Section %s %s>" % (self.kind, self.pattern)


class ServerBlock:
    """The main server or one ``<VirtualHost>`` as the file declares it: its own values and
    sections (``kernel.lifecycle.server.Server`` is what requests see)."""

    def __init__(self, is_virtual=False, addrs=(), file=None, line=None):
        self.is_virtual = is_virtual
        self.addrs = list(addrs)       # [(host or '*', port or None)]
        self.values = {}
        self.directories = []          # plain <Directory>, later sorted by depth
        self.directory_matches = []    # regex <Directory ~>/<DirectoryMatch>, config order
        self.files = []                # top-level <Files>
        self.locations = []            # <Location>/<LocationMatch>, config order
        self.file = file
        self.line = line


class Config:
    """The whole parsed configuration."""

    def __init__(self, path, server_root):
        self.path = path
        self.server_root = server_root
        self.main = ServerBlock()
        self.vhosts = []
        self.defines = {}
        self.errors = []
        self.warnings = []
        # (what, path, file, line): paths ``greenphase check`` verifies (ParseContext.check_at_start)
        self.start_checks = []

    def value_sets(self):
        """The directive values of every server and section (not .htaccess files), for
        plugins that look over the whole configuration in ``configure``."""
        for server in (self.main, *self.vhosts):
            yield server.values
            for section in (*server.directories, *server.directory_matches, *server.files,
                            *server.locations):
                yield section.values
                for nested in section.files:
                    yield nested.values

    def allows_htaccess(self):
        """Can any .htaccess file add directives at run time?"""
        return any(values.get("AllowOverride") for values in self.value_sets())


def canonical_dir(path):
    path = os.path.normpath(path)
    return path if path.endswith("/") else path + "/"


def match_directory(section, dirpath):
    """Does a plain <Directory> apply to ``dirpath`` (canonical, trailing '/')?"""
    if not section.wild:
        return dirpath.startswith(section.pattern)
    depth = section.depth
    prefix = "/".join(dirpath.split("/")[:depth]) + "/"
    return fnmatch.fnmatchcase(prefix, section.pattern)


def match_location(section, uri):
    if section.regex is not None:
        return section.regex.search(uri) is not None
    pattern = section.pattern
    if section.wild:
        return fnmatch.fnmatchcase(uri, pattern) or fnmatch.fnmatchcase(uri, pattern.rstrip("/") + "/*")
    if not uri.startswith(pattern):
        return False
    return pattern.endswith("/") or len(uri) == len(pattern) or uri[len(pattern)] == "/"


def match_files(section, name):
    if section.regex is not None:
        return section.regex.search(name) is not None
    return fnmatch.fnmatchcase(name, section.pattern)
