"""From tokens to Python source, with mod_python's indentation rules.

Text becomes ``req.write(\"\"\"...\"\"\",0)`` and an expression ``req.write(str(...),0)``;
both go at the current indentation, joined with ``; `` on one line as mod_python does, so
the generated code keeps the template's line breaks (text keeps its newlines inside the
triple-quoted string). Code is copied verbatim, line by line: its indentation is absolute.

The current indentation (where following text and expressions go) is set by each code block
that spans lines, from its last line (mod_python's rule, its documentation's examples):

* the last line has code: that line's indentation, one level deeper if it ends with ``:``;
* the last line is only the closing ``%>``: the indentation of the line before it, one
  level deeper if that line ends with ``:``. So ``<%\\n# a comment\\n%>`` or ``<%\\n%>`` at
  column 0 ends a block. (Whitespace before a closing ``%>`` on a line of its own counts
  twice, as in mod_python, which writes it once as code and once as indentation.)

A code block on one line (``<% x = 1 %>``) stays on the current line. Beyond mod_python
(where these are syntax errors), a one-line block ending with ``:`` opens a block for what
follows (``<% for i in range(3): %>item <%= i %><% %>``), ``<% else: %>`` / ``elif`` /
``except`` / ``finally`` continue it, and an empty or comment-only one-line block closes it.

Text is escaped completely (backslashes too), so it is written exactly as it stands in the
template; mod_python 3.5 left backslashes other than ``\\n``, ``\\r``, ``\\t`` to Python.
"""

import io
import tokenize

from .syntax import CODE, EXPR, TEXT

CONTINUATIONS = ("else", "elif", "except", "finally")


def escape_text(text):
    """``text`` as the inside of a triple-double-quoted Python literal, newlines kept."""
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r")
            .replace("\0", "\\x00"))


def generate(tokens):
    """Python source and its line map (one :class:`~.syntax.Where` per generated line)."""
    gen = Generator(_indent_unit(tokens))
    for token in tokens:
        if token.kind == TEXT:
            gen.statement('req.write("""%s""",0)' % escape_text(token.value), token.where)
        elif token.kind == EXPR:
            # a comment in the expression must not swallow the closing brackets
            value = token.value + "\n" if has_comment(token.value) else token.value
            gen.statement("req.write(str(%s),0)" % value, token.where)
        elif token.kind == CODE:
            gen.code(token.value, token.where)
    return gen.finish()


class Generator:
    def __init__(self, unit):
        self.unit = unit            # one level of indentation: four spaces, or a tab
        self.lines = []             # [(code, where)]
        self._cur = None            # the line being built, or None: the next one is new
        self._cur_where = None
        self.indent = ""            # where text, expressions and one-line code go
        self._opened = []           # indentation outside each block a one-line code opened
        self._body_pending = False  # a block header waits for its first statement
        self._header_indent = ""    # that header's indentation

    # -- lines ---------------------------------------------------------------------------
    def _end_line(self):
        if self._cur is not None:
            self.lines.append((self._cur, self._cur_where))
            self._cur = None

    def _new_line(self, code, where):
        self._end_line()
        self._cur, self._cur_where = code, where

    def statement(self, code, where, ends_line=False):
        """A simple statement at the current indentation; newlines inside ``code`` (in a
        string literal or brackets) continue it on the following lines."""
        first, *rest = code.split("\n")
        if self._cur is None:
            self._new_line(self.indent + first, where)
        else:
            self._cur += "; " + first
        for n, piece in enumerate(rest, 1):
            self._new_line(piece, where.shifted(n))
        self._body_pending = False
        if ends_line:
            self._end_line()

    def _header(self, code, where, indent):
        """A block header on a line of its own; what follows goes one level deeper."""
        self._new_line(indent + code, where)
        self._end_line()
        self._body_pending = True
        self._header_indent = indent

    def _fill_body(self, where):
        if self._body_pending:
            self._new_line(self.indent + "pass", where)
            self._end_line()
            self._body_pending = False

    # -- code ----------------------------------------------------------------------------
    def code(self, code, where):
        lines = code.split("\n")
        if len(lines) == 1:
            self._one_line(code.strip(), where)
        else:
            self._lines(lines, where)

    def _one_line(self, code, where):
        if not code or code.startswith("#"):
            self._fill_body(where)
            if self._opened:
                self.indent = self._opened.pop()
                self._end_line()
        elif ends_block(code):
            if code.split(None, 1)[0].rstrip(":") in CONTINUATIONS and self._opened:
                self._fill_body(where)
                self._header(code, where, self._opened[-1])
            else:
                self._opened.append(self.indent)
                self._header(code, where, self.indent)
                self.indent += self._unit_for(self.indent)
        else:
            self.statement(code, where, ends_line=has_comment(code))

    def _lines(self, lines, where):
        """A block of several lines: copied verbatim; its last line sets the indentation."""
        self._opened.clear()
        first = lines[0].strip()
        if self._body_pending and not first and not self._is_body(lines[1:]):
            self._fill_body(where)      # mod_python's empty text write was the body
        if first:
            if self._cur is not None and not ends_block(first):
                self._cur += "; " + first
            else:
                self._new_line(self.indent + first, where)
        self._end_line()
        self._body_pending = False
        for n, line in enumerate(lines[1:-1], 1):
            self._new_line(line.rstrip(), where.shifted(n))
        self._end_line()
        last = lines[-1]
        if last.strip():
            self._new_line(last.rstrip(), where.shifted(len(lines) - 1))
            self._end_line()
        # The block as Python sees it: its first line sits at the current indentation.
        code = [self.indent + first if first else ""] + lines[1:-1]
        if last.strip():
            code.append(last)
        starts, header = _shape(code)
        rows = [n for n, line in enumerate(code, 1) if line.strip()]
        # a header's ":" on the last line of code opens a block one level in; followed by
        # comment lines, their indentation counts (mod_python's "# This indent will persist")
        opens = header is not None and header == rows[-1]
        if last and not last.strip():
            # "  %>": mod_python writes that whitespace twice (once as the line's code, once
            # as the indentation of the text), so "<%\n  %>" puts the text 4 columns in
            indent = last + last
        elif len(code) == 1 and not opens:
            indent = ""                     # mod_python: the indentation resets at "<%"
        else:
            row = len(code)                 # the line just before the closing marker
            indent = _leading(code[starts.get(row, row) - 1])
        if opens:
            indent += self._unit_for(indent)
        self.indent = indent
        self._body_pending = header is not None
        self._header_indent = _leading(code[starts.get(header, header) - 1]) if header else ""

    def _is_body(self, lines):
        """Do these code lines start deeper than the header waiting for its body?"""
        code = [line for line in lines if line.strip()]
        if not code:
            return False
        depth = len(_leading(code[0]).expandtabs(8))
        return depth > len(self._header_indent.expandtabs(8))

    def _unit_for(self, indent):
        return "\t" if "\t" in indent else self.unit

    def finish(self):
        self._fill_body(self._cur_where or (self.lines[-1][1] if self.lines else None))
        self._end_line()
        source = "".join(code + "\n" for code, _ in self.lines)
        return source, [where for _, where in self.lines]


def _leading(line):
    return line[:len(line) - len(line.lstrip(" \t"))]


def _shape(code):
    """For lines of code: {row: first row of the statement it continues} for rows inside a
    statement spanning lines (brackets, strings), and the row of the block header's ``:``
    the code ends with (None if it does not). Code that does not tokenize falls back to
    looking at its last line."""
    skip = (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
            tokenize.DEDENT, tokenize.ENDMARKER)
    starts, start, last = {}, None, None
    try:
        for tok in tokenize.generate_tokens(io.StringIO("\n".join(code) + "\n").readline):
            if tok.type == tokenize.NEWLINE:
                start = None
            if tok.type in skip:
                continue
            if start is None:
                start = tok.start[0]
            for row in range(tok.start[0], tok.end[0] + 1):
                starts.setdefault(row, start)
            last = tok
    except (tokenize.TokenError, SyntaxError):
        rows = [n for n, line in enumerate(code, 1) if line.strip()]
        return {}, rows[-1] if rows and ends_block(code[rows[-1] - 1]) else None
    if last is not None and last.type == tokenize.OP and last.string == ":":
        return starts, last.start[0]
    return starts, None


def _significant(code):
    """Python tokens of one line, without comments and layout; None when it does not
    tokenize on its own (a line inside brackets that span lines)."""
    skip = (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
            tokenize.DEDENT, tokenize.ENDMARKER)
    try:
        return [t for t in tokenize.generate_tokens(io.StringIO(code.strip()).readline)
                if t.type not in skip]
    except (tokenize.TokenError, SyntaxError):
        return None


def ends_block(code):
    """Does this line of code end with the ``:`` of a block header (a comment may follow)?"""
    tokens = _significant(code)
    if tokens is None:
        return code.rstrip().endswith(":")
    return bool(tokens) and tokens[-1].type == tokenize.OP and tokens[-1].string == ":"


def has_comment(code):
    try:
        return any(t.type == tokenize.COMMENT
                   for t in tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError):
        return "#" in code


def _indent_unit(tokens):
    """A tab when the template's code indents with tabs, else four spaces."""
    for token in tokens:
        if token.kind == CODE and any(line.startswith("\t") for line in token.value.split("\n")):
            return "\t"
    return "    "
