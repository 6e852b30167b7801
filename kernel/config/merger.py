"""Per-request configuration: which sections apply, merged in Apache's order, cached.

Order (Apache's directory walk): server values, then plain ``<Directory>`` sections shortest
first with each directory's ``.htaccess`` right after that level, then ``<DirectoryMatch>``,
then ``<Files>`` (top level, then nested ones in walk order), then ``<Location>``.
"""

import os
from collections import OrderedDict

from .model import match_directory, match_files, match_location
from .directives import DirConfig
from .errors import ConfigError

CACHE_SIZE = 2048


class Merger:
    """Folds section values with each directive's merge rule; remembers recent results."""

    def __init__(self, site):
        self.site = site
        self.merges = {d.store_as: d.merge for d in site.directives.values()}
        self.defaults = {d.store_as: d.default for d in site.directives.values() if d.key is None}
        self.cache = OrderedDict()     # applying sections -> merged DirConfig
        self.walks = {}                # (server, filename, uri, is_dir) -> DirConfig
        self.htaccess = {}         # path -> (mtime_ns, size, Section or None)

    def fold(self, base, sections, key):
        cached = self.cache.get(key)
        if cached is not None:
            try:
                self.cache.move_to_end(key)
            except KeyError:    # another request's thread (WSGI entry) evicted it meanwhile
                pass
            return cached
        merged = dict(base)
        merges = self.merges
        for section in sections:
            for name, value in section.values.items():
                merged[name] = merges[name](merged[name], value) if name in merged else value
        result = DirConfig(merged, self.defaults)
        self.cache[key] = result
        if len(self.cache) > CACHE_SIZE:
            self.cache.popitem(last=False)
        return result

    # -- the walks -----------------------------------------------------------------------
    def location_config(self, server, uri):
        """Server values plus the matching <Location> sections (before the URI is mapped)."""
        locations = [s for s in server.locations if match_location(s, uri)]
        if not locations:
            return server.config
        return self.fold(server.base_values, locations, (server.id, "L") + tuple(s.id for s in locations))

    def directory_config(self, server, filename, uri, is_dir=False):
        """The full merge for a mapped request; ``filename`` may be None (Location-only).

        A directory's own sections apply to it, with or without the trailing slash. Without
        .htaccess the answer depends on the arguments alone and is remembered."""
        key = (server.id, filename, uri, is_dir)
        known = self.walks.get(key)
        if known is not None:
            return known
        result, volatile = self._walk(server, filename, uri, is_dir)
        if not volatile:
            if len(self.walks) >= CACHE_SIZE:
                self.walks.clear()
            self.walks[key] = result
        return result

    def _walk(self, server, filename, uri, is_dir):
        applied = []
        volatile = False
        files_sections = list(server.files)
        if filename:
            if is_dir or filename.endswith("/"):
                dirpath, name = filename.rstrip("/") + "/", ""
            else:
                dirpath, name = os.path.dirname(filename) + "/", os.path.basename(filename)
            plain = [s for s in server.directories if match_directory(s, dirpath)]
            if self._htaccess_possible(server, plain):
                volatile = True
                applied, files_sections = self._with_htaccess(server, dirpath, plain)
            else:
                for section in plain:
                    applied.append(section)
                    files_sections.extend(section.files)
            for section in server.directory_matches:
                if section.regex.search(dirpath):
                    applied.append(section)
                    files_sections.extend(section.files)
            applied.extend(s for s in files_sections if match_files(s, name))
        applied.extend(s for s in server.locations if match_location(s, uri))
        if not applied:
            return server.config, volatile
        # A re-read .htaccess is a new Section with a new id, so the key stays exact.
        key = (server.id,) + tuple(s.id for s in applied)
        return self.fold(server.base_values, applied, key), volatile

    @staticmethod
    def _htaccess_possible(server, plain):
        """False when no level of this path allows .htaccess: no stat() calls then."""
        return bool(server.base_values.get("AllowOverride")) or any(
            s.values.get("AllowOverride") for s in plain)

    def _with_htaccess(self, server, dirpath, plain):
        """Interleave each level's .htaccess after that level's <Directory> sections."""
        applied, files_out = [], list(server.files)
        access_name = server.config["AccessFileName"]
        allowed = server.base_values.get("AllowOverride") or frozenset()
        parts = dirpath.strip("/").split("/") if dirpath != "/" else []
        levels = ["/"] + ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]
        for level in levels:
            depth = level.count("/")
            for section in plain:
                if section.depth == depth:
                    applied.append(section)
                    files_out.extend(section.files)
                    allowed = section.values.get("AllowOverride", allowed)
            if allowed:
                section = self._load_htaccess(os.path.join(level, access_name), level, allowed)
                if section is not None:
                    applied.append(section)
                    files_out.extend(section.files)
        for section in plain:       # wildcard sections deeper than the path itself
            if section not in applied:
                applied.append(section)
                files_out.extend(section.files)
        return applied, files_out

    def _load_htaccess(self, path, directory, allowed):
        try:
            st = os.stat(path)
        except OSError:
            return None
        known = self.htaccess.get(path)
        stamp = (st.st_mtime_ns, st.st_size, allowed)
        if known is None or known[0] != stamp:
            known = (stamp, self.site.parse_htaccess(path, directory, allowed))
            self.htaccess[path] = known
        if isinstance(known[1], Exception):
            # A broken .htaccess answers 500, like Apache; a fresh exception each time, so
            # no traceback (and the requests in it) piles up on the cached one.
            raise ConfigError(known[1].message, known[1].file, known[1].line)
        return known[1]
