"""Compiling a template, and the cache of compiled templates.

The generated source is compiled through ``ast`` with every position moved to the template:
a code object's file is the page and its line numbers are the page's, so an ordinary
traceback shows ``File "/site/page.psp", line 7`` and that line of the page. Text from an
included file is placed at the include directive's line; the exact file and line are kept
in the column positions (where nothing else reads them: the end column lies past the end of
the line, which also keeps tracebacks from underlining a template line with carets meant
for generated code) and :func:`template_location` turns them back into a place.

The cache keys a compiled page by its path and remembers the size and mtime of every file
it read (the page and its includes): a change to any of them recompiles the page.
"""

import ast
import os
import threading
from collections import OrderedDict

from .codegen import generate
from .syntax import PSPSyntaxError, Tokenizer, Where, source_line

CACHE_SIZE = 512            # pages, as mod_python's memory cache
POSITION_BASE = 1 << 20     # end columns at or above this carry a generated line number


class Template:
    """A compiled page: ``code``, the generated ``source``, its ``line_map``, ``files`` read."""

    __slots__ = ("filename", "code", "source", "line_map", "files", "names")

    def __init__(self, filename, code, source, line_map, files):
        self.filename = filename
        self.code = code
        self.source = source
        self.line_map = line_map
        self.files = files
        self.names = referenced_names(code)

    def location(self, generated_line):
        if 0 < generated_line <= len(self.line_map):
            return self.line_map[generated_line - 1]
        return None


def parse_file(path, directory=None):
    """(source, line map, files) for the page at ``path``; includes resolve in ``directory``
    (default: the page's own directory)."""
    tokenizer = Tokenizer(os.path.dirname(path) if directory is None else directory)
    tokens = tokenizer.page(path)
    source, line_map = generate(tokens)
    return source, line_map, tokenizer.files


def parse_string(text, directory=None, name="<string>"):
    tokenizer = Tokenizer(directory)
    source, line_map = generate(tokenizer.string(text, name))
    return source, line_map, tokenizer.files


def compile_template(filename, source, line_map, files, page_text=None):
    """A :class:`Template`; a Python syntax error becomes a :class:`PSPSyntaxError` at the
    template line it came from."""
    try:
        tree = ast.parse(source, filename)
    except SyntaxError as exc:      # positions in the generated source
        raise _template_error(exc, exc.lineno, source, line_map, page_text) from None
    _move_to_template(tree, line_map)
    try:
        code = compile(tree, filename, "exec", dont_inherit=True)
    except SyntaxError as exc:      # ('return' outside function...): moved positions
        generated = (exc.end_offset or 0) - 1 - POSITION_BASE
        raise _template_error(exc, generated if generated > 0 else None, source, line_map,
                              page_text) from None
    return Template(filename, code, source, line_map, files)


def _move_to_template(tree, line_map):
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) is None:
            continue
        generated = min(node.lineno, len(line_map))
        node.lineno = node.end_lineno = line_map[generated - 1].top_line
        node.col_offset = 0
        node.end_col_offset = POSITION_BASE + generated


def template_location(template, code, lasti):
    """Where in the template the instruction at ``lasti`` of ``code`` (compiled from
    ``template``) came from, or None."""
    try:
        end_col = list(code.co_positions())[lasti // 2][3]
    except (IndexError, TypeError):
        return None
    if end_col is None or end_col < POSITION_BASE:
        return None
    return template.location(end_col - POSITION_BASE)


def _template_error(exc, generated_line, source, line_map, page_text):
    if generated_line and line_map:
        where = line_map[min(generated_line, len(line_map)) - 1]
    elif line_map:
        where = line_map[-1]
    else:
        where = Where("<string>", 1, 1)
    if page_text is not None and not where.chain:
        text = source_line(page_text, where.line)
    else:
        text = _read_line(where)
    error = PSPSyntaxError(exc.msg, where, text)
    if generated_line:
        error.add_note("generated Python, line %d: %s"
                       % (generated_line, (source_line(source, generated_line) or "").strip()))
    return error


def _read_line(where):
    try:
        with open(where.file, encoding="utf-8", errors="replace") as f:
            return source_line(f.read(), where.line)
    except OSError:
        return None


def referenced_names(code):
    """Every global name the code (and functions defined in it) may look up."""
    names, stack = set(), [code]
    while stack:
        c = stack.pop()
        names.update(c.co_names)
        stack.extend(const for const in c.co_consts if hasattr(const, "co_names"))
    return frozenset(names)


class TemplateCache:
    """Compiled pages by (path, include directory), each with the size and mtime of every
    file it read; at most ``size`` pages, the least recently used dropped first."""

    def __init__(self, size=CACHE_SIZE):
        self.size = size
        self._pages = OrderedDict()
        self._strings = OrderedDict()
        self._lock = threading.Lock()

    def page(self, path, directory=None):
        """The compiled page at ``path``; OSError when it cannot be read."""
        key = (path, directory)
        with self._lock:
            entry = self._pages.get(key)
            if entry is not None:
                self._pages.move_to_end(key)
        if entry is not None and _stamps(entry[1].files) == entry[0]:
            return entry[1]
        before = _stamp(path)
        source, line_map, files = parse_file(path, directory)
        template = compile_template(path, source, line_map, files)
        stamps = _stamps(files)
        if stamps[0] == before:     # not rewritten while we read it
            self._store(self._pages, key, (stamps, template))
        return template

    def string(self, text, directory=None, name="<psp string>"):
        key = (text, directory, name)
        with self._lock:
            template = self._strings.get(key)
            if template is not None:
                self._strings.move_to_end(key)
                return template
        source, line_map, files = parse_string(text, directory, name)
        template = compile_template(name, source, line_map, files, page_text=text)
        self._store(self._strings, key, template)
        return template

    def _store(self, table, key, value):
        with self._lock:
            table[key] = value
            table.move_to_end(key)
            while len(table) > self.size:
                table.popitem(last=False)

    def clear(self):
        with self._lock:
            self._pages.clear()
            self._strings.clear()


def _stamp(path):
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (path, st.st_mtime_ns, st.st_size)


def _stamps(files):
    return tuple(_stamp(path) for path in files)


cache = TemplateCache()
