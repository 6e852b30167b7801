"""Apache's configuration syntax turned into a tree of nodes (no meaning attached yet).

Lines, ``\\`` continuation, ``#`` comments, quoted arguments and ``<Section args>`` blocks.
"""

from .errors import ConfigError


class Node:
    """One directive line, or a ``<Section>`` with ``children``."""

    __slots__ = ("name", "args", "raw", "file", "line", "children")

    def __init__(self, name, args, raw, file, line, children=None):
        self.name = name
        self.args = args
        self.raw = raw            # the argument text as written (quotes kept)
        self.file = file
        self.line = line
        self.children = children  # None for a plain directive

    @property
    def is_section(self):
        return self.children is not None

    def __repr__(self):
        return "<Node %s %r %s:%d>" % (self.name, self.args, self.file, self.line)


def split_args(text, file=None, line=None):
    """Split an argument string like Apache does: whitespace, "double" or 'single' quotes,
    backslash escaping the quote character inside quotes."""
    args, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        if c in "\"'":
            quote, i, word = c, i + 1, []
            while i < n and text[i] != quote:
                if text[i] == "\\" and i + 1 < n and text[i + 1] in (quote, "\\"):
                    i += 1
                word.append(text[i])
                i += 1
            # Unterminated: the rest of the line is the word, as Apache reads
            # 'ErrorDocument 403 "Sorry, no' (a message, not a path).
            args.append("".join(word))
            i += 1
        else:
            j = i
            while j < n and not text[j].isspace():
                j += 1
            args.append(text[i:j])
            i = j
    return args


def _logical_lines(text):
    """Yield (line number, text) with continuation lines joined."""
    pending, start = [], 0
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not pending:
            start = number
        if stripped.endswith("\\") and not stripped.startswith("#"):
            pending.append(stripped[:-1])
            continue
        pending.append(stripped)
        yield start, " ".join(p for p in pending if p).strip()
        pending = []
    if pending:
        yield start, " ".join(p for p in pending if p).strip()


def parse_text(text, file):
    """Parse a whole file into a list of top-level nodes; raise ConfigError on bad nesting."""
    root = []
    stack = [(None, root, 0)]        # (section node, its children, line)
    for number, line in _logical_lines(text):
        if not line or line.startswith("#"):
            continue
        if line.startswith("</"):
            if not line.endswith(">"):
                raise ConfigError("closing tag %r lacks '>'" % line, file, number)
            name = line[2:-1].strip()
            section = stack[-1][0]
            if section is None:
                raise ConfigError("</%s> without matching <%s> section" % (name, name), file, number)
            if section.name.lower() != name.lower():
                raise ConfigError("</%s> closes <%s> opened at line %d" % (name, section.name, section.line),
                                  file, number)
            stack.pop()
            continue
        if line.startswith("<"):
            if not line.endswith(">"):
                raise ConfigError("section line %r lacks '>'" % line, file, number)
            inner = line[1:-1].strip()
            name, _, raw = inner.partition(" ")
            if not name:
                raise ConfigError("empty section name", file, number)
            raw = raw.strip()
            node = Node(name, split_args(raw, file, number), raw, file, number, [])
            stack[-1][1].append(node)
            stack.append((node, node.children, number))
            continue
        name, _, raw = line.partition(" ")
        if "\t" in name:
            name, _, rest = name.partition("\t")
            raw = rest + " " + raw
        raw = raw.strip()
        stack[-1][1].append(Node(name, split_args(raw, file, number), raw, file, number))
    if len(stack) > 1:
        section = stack[-1][0]
        raise ConfigError("<%s> section opened here is never closed (expected </%s>)"
                          % (section.name, section.name), file, section.line)
    return root


def parse_file(path):
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as exc:
        raise ConfigError("cannot read configuration file: %s" % exc.strerror, path, 0) from None
    return parse_text(text, path)
