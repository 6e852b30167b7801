"""PSP's template syntax: splitting a page into text, code and expressions.

    text                      written as it is
    <% statements %>          Python code
    <%= expression %>         str(expression) is written
    <%@ include file="x" %>   the file's text, spliced in here (at parse time)
    <%-- comment --%>         dropped

Includes are textual, as in mod_python: an included file is tokenized in place and may
open or close blocks of the page around it. A relative name is looked up in the directory
of the page being parsed (``dir``), also for includes nested in included files; without a
directory the name must be absolute. Every token carries where it came from, so errors
name the template file and line even for included text.
"""

import os
import re
from typing import NamedTuple

TEXT, CODE, EXPR = "text", "code", "expr"
MAX_INCLUDE_DEPTH = 16

_INCLUDE = re.compile(r"""\s*include\s+file\s*=\s*(?:"([^"]*)"|'([^']*)')\s*\Z""")


class Where(NamedTuple):
    """A line of a template. ``top_line`` is the line of the page itself (the include
    directive's line for included text); ``chain`` lists the include sites, outermost first."""

    file: str
    line: int
    top_line: int
    chain: tuple = ()

    def shifted(self, lines):
        """The same place ``lines`` lines further down (text and code spanning lines)."""
        if not lines:
            return self
        top = self.top_line if self.chain else self.top_line + lines
        return Where(self.file, self.line + lines, top, self.chain)

    def __str__(self):
        text = "%s:%d" % (self.file, self.line)
        for file, line in reversed(self.chain):
            text += " (included from %s:%d)" % (file, line)
        return text


class Token(NamedTuple):
    kind: str       # TEXT, CODE or EXPR
    value: str
    where: Where


class PSPSyntaxError(SyntaxError):
    """A template that cannot be parsed or compiled; names the template file and line.

    A SyntaxError, so a traceback shows the template line like any Python syntax error."""

    def __init__(self, message, where, text=None, offset=None):
        self.where = where
        super().__init__(message, (where.file, where.line, offset, text))
        if where.chain:
            self.add_note("in %s" % (where,))

    def __str__(self):
        return "%s: %s" % (self.where, self.msg)


def source_line(text, line):
    """Line ``line`` (1-based) of ``text``, for error messages."""
    lines = text.split("\n")
    return lines[line - 1] if 0 < line <= len(lines) else None


def read_template(path):
    """A template's text: UTF-8 (mod_python decodes its output the same way), CRLF -> LF."""
    with open(path, "rb") as f:
        data = f.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise PSPSyntaxError("not valid UTF-8 (byte 0x%02x)" % data[exc.start],
                             Where(path, line, line)) from None
    return text.replace("\r\n", "\n")


class Tokenizer:
    """Tokens of one page and its includes; ``files`` lists every file read."""

    def __init__(self, directory=None):
        self.directory = directory
        self.files = []

    def page(self, path):
        text = read_template(path)
        self.files.append(path)
        return self.tokens(text, path, (), frozenset())

    def string(self, text, name="<string>"):
        return self.tokens(text.replace("\r\n", "\n"), name, (), frozenset())

    def tokens(self, text, name, chain, active):
        """The tokens of ``text`` (the file ``name``), included through ``chain``."""
        out = []
        pos, line = 0, 1

        def where(at_line):
            top = chain[0][1] if chain else at_line
            return Where(name, at_line, top, chain)

        while True:
            start = text.find("<%", pos)
            end_text = len(text) if start < 0 else start
            if end_text > pos:
                out.append(Token(TEXT, text[pos:end_text], where(line)))
                line += text.count("\n", pos, end_text)
            if start < 0:
                return out
            opened = where(line)
            if text.startswith("<%--", start):
                close = _closing(text, "--%>", start + 4, opened, "<%--")
                body, pos = text[start + 4:close], close + 4
            else:
                close = _closing(text, "%>", start + 2, opened, "<%")
                body, pos = text[start + 2:close], close + 2
                if body.startswith("="):
                    out.append(Token(EXPR, body[1:], opened))
                elif body.startswith("@"):
                    out += self.directive(body[1:], opened, text, chain, active)
                else:
                    out.append(Token(CODE, body.replace("\r", "\n"), opened))
            line += text.count("\n", start, pos)

    def directive(self, body, where, text, chain, active):
        match = _INCLUDE.match(body)
        if not match:
            raise PSPSyntaxError("unknown PSP directive <%%@%s%%> (the only directive is "
                                 '<%%@ include file="..." %%>)' % body, where,
                                 source_line(text, where.line))
        name = match.group(1) if match.group(1) is not None else match.group(2)
        path = self.resolve(name, where, text)
        if path in active or where.file == path:
            raise PSPSyntaxError("%s includes itself" % path, where, source_line(text, where.line))
        if len(chain) >= MAX_INCLUDE_DEPTH:
            raise PSPSyntaxError("includes nested deeper than %d" % MAX_INCLUDE_DEPTH, where)
        try:
            included = read_template(path)
        except OSError as exc:
            raise PSPSyntaxError("cannot include %s: %s" % (path, exc.strerror or exc), where,
                                 source_line(text, where.line)) from None
        self.files.append(path)
        return self.tokens(included, path, chain + ((where.file, where.line),),
                           active | {where.file})

    def resolve(self, name, where, text):
        if os.path.isabs(name):
            return name
        if not self.directory:
            raise PSPSyntaxError("include of the relative name %r needs a directory: parse() "
                                 "with a dir, or an absolute name" % name, where,
                                 source_line(text, where.line))
        return os.path.join(self.directory, name)


def _closing(text, marker, begin, where, opener):
    close = text.find(marker, begin)
    if close < 0:
        raise PSPSyntaxError("%s opened here is never closed with %s" % (opener, marker), where,
                             source_line(text, where.line))
    return close
