"""How a directive is declared: the contract between the config parser and the plugins.

A plugin returns :class:`Directive` objects from its ``register_directives`` hook. The parser
checks the argument count and the context, then calls ``parse`` to turn the arguments into a
value for the section; per request, the values of all applying sections are folded with
``merge`` (outer first) into ``req.dir_config``.
"""

from dataclasses import dataclass, field
from typing import Any, Callable

from .errors import ConfigError

# Where a directive may appear (bit flags).
SERVER = 1      # main server, outside any section
VHOST = 2       # inside <VirtualHost>
DIRECTORY = 4   # <Directory>, <DirectoryMatch>
LOCATION = 8    # <Location>, <LocationMatch>
FILES = 16      # <Files>, <FilesMatch>
HTACCESS = 32   # .htaccess (also needs the directive's AllowOverride category)

RSRC_CONF = SERVER | VHOST
ACCESS_CONF = DIRECTORY | LOCATION | FILES
OR_ALL = RSRC_CONF | ACCESS_CONF | HTACCESS

CONTEXT_NAMES = {SERVER: "server config", VHOST: "<VirtualHost>", DIRECTORY: "<Directory>",
                 LOCATION: "<Location>", FILES: "<Files>", HTACCESS: ".htaccess"}


@dataclass
class ParseContext:
    """Where a directive line sits; handed to ``Directive.parse``."""

    file: str
    line: int
    context: int                  # one of SERVER, VHOST, DIRECTORY, LOCATION, FILES, HTACCESS
    directory: str | None = None  # canonical directory with trailing '/', for Directory/.htaccess/nested Files
    is_location: bool = False
    server_root: str = "/"
    children: list = field(default_factory=list)  # inner nodes of a block directive
    config: Any = None            # the Config being built (kernel.config.model.Config)

    def error(self, message):
        return ConfigError(message, self.file, self.line)

    def resolve_path(self, path):
        import os
        return os.path.normpath(os.path.join(self.server_root, os.path.expanduser(path)))

    def check_at_start(self, what, path):
        """Ask ``greenphase check`` (and every start) to verify ``path`` with this line's
        file:line: ``what`` is ``"directory"`` (must be one), ``"exists"``, ``"readable"``
        (by the account the server runs as), ``"log"`` (its folder must exist) or
        ``"directory-warning"`` (a warning when missing). A plugin calls it from ``parse``."""
        if self.config is not None and self.context != HTACCESS:
            self.config.start_checks.append((what, path, self.file, self.line))


def keep_last(outer, inner):
    """Default merge: the innermost section wins."""
    return inner


def append(outer, inner):
    """Merge for list values: outer entries then inner ones."""
    return outer + inner


def update(outer, inner):
    """Merge for dict values: inner keys override outer keys one by one."""
    merged = dict(outer)
    merged.update(inner)
    return merged


@dataclass(frozen=True)
class Directive:
    """One configuration directive (or, with ``block=True``, a ``<Block>`` section).

    ``name``: canonical spelling; matched case-insensitively and used as the key of
    ``req.dir_config``. ``args``: (minimum, maximum) argument count, maximum ``None`` for
    unlimited. ``context``: flags of where it is allowed; ``override``: the AllowOverride
    category that allows it in .htaccess. ``syntax``: what is expected, shown in errors.
    ``parse(ctx, args, previous)`` returns the section's new value; ``previous`` is the value
    an earlier line of the same section gave (``None`` first), so repeated lines may
    accumulate. Raise ``ctx.error(msg)`` for bad values. Default: the argument (one-argument
    directives) or the argument list, ``On``/``Off`` to bool for ``flag=True``.
    ``merge(outer, inner)`` folds section values per request; default: inner wins.
    ``default`` is what ``req.dir_config`` answers where no section set the directive.
    ``key``: directives sharing one key build one value together (``Require`` lines and
    ``<RequireAll>`` blocks of a section); ``previous`` is then the shared value.
    """

    name: str
    args: tuple = (1, 1)
    context: int = OR_ALL
    override: str | None = None
    syntax: str = ""
    parse: Callable | None = None
    merge: Callable = keep_last
    default: Any = None
    flag: bool = False
    block: bool = False
    key: str | None = None        # store under another directive's name (one value, several spellings)

    @property
    def store_as(self):
        return self.key or self.name

    def convert(self, ctx, args, previous):
        if self.parse is not None:
            return self.parse(ctx, args, previous)
        if self.flag:
            word = args[0].lower()
            if word not in ("on", "off"):
                raise ctx.error(f"{self.name} takes On or Off, not {args[0]!r}")
            return word == "on"
        if self.args == (1, 1):
            return args[0]
        return list(args)


def flag(name, default=False, **kw):
    """An ``On``/``Off`` directive."""
    return Directive(name, args=(1, 1), flag=True, default=default, syntax="On|Off", **kw)


class DirConfig(dict):
    """The merged directive values for one request: ``dir_config[name]``.

    Every declared directive is present, with its default where no section set it, so the
    hot path is a plain dict lookup; ``explicit`` names those the configuration did set.
    """

    __slots__ = ("explicit", "memo")

    def __init__(self, values, defaults):
        super().__init__(defaults)
        self.update(values)
        self.explicit = frozenset(values)
        self.memo = {}      # answers the kernel derives from this configuration alone

    def __missing__(self, key):
        return None

    def get(self, key, default=None):
        value = dict.get(self, key)
        return default if value is None else value
