"""``display_code``: the generated Python beside the template lines it came from.

mod_python put generated line N next to template line N; the generated code here keeps
most line breaks but not all (a one-line block header gets a line of its own), so each
generated line is shown with the template file and line it came from instead, followed by
the template itself with line numbers. Only parsing is needed, not compiling: a page with
a Python syntax error can still be looked at.
"""

import os
from html import escape

STYLE = ("<style>table.psp{border-collapse:collapse;font-family:monospace}"
         "table.psp td{padding:0 .6em;vertical-align:top;white-space:pre}"
         "td.n{color:#888;text-align:right}td.py{color:#00c}td.src{color:#070}</style>\n")


def _cell(text, cls):
    return '<td class="%s">%s</td>' % (cls, escape(text.replace("\t", "    "), quote=False))


def _read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read().replace("\r\n", "\n")
    except OSError:
        return ""


def code_listing(source, line_map, filename, text=None):
    """HTML (str) for the generated ``source`` of the page ``filename`` (its ``text`` when it
    is not a file)."""
    page_text = _read(filename) if text is None else text.replace("\r\n", "\n")
    sources = {filename: page_text.split("\n")}

    def template_line(where):
        if where.file not in sources:
            sources[where.file] = _read(where.file).split("\n")
        lines = sources[where.file]
        return lines[where.line - 1] if 0 < where.line <= len(lines) else ""

    out = [STYLE, "<h3>%s</h3>\n" % escape(filename), '<table class="psp">\n',
           "<tr><td></td><td>PSP-produced Python code</td><td></td><td>from</td></tr>\n"]
    for n, (code, where) in enumerate(zip(source.split("\n"), line_map), 1):
        origin = str(where.line) if not where.chain else \
            "%s:%d" % (os.path.basename(where.file), where.line)
        out.append("<tr>%s%s%s%s</tr>\n" % (_cell("%d." % n, "n"), _cell(code.rstrip(), "py"),
                                             _cell(origin, "n"),
                                             _cell(template_line(where).rstrip(), "src")))
    out.append('</table>\n<h3>%s (PSP source)</h3>\n<table class="psp">\n' % escape(filename))
    for n, line in enumerate(page_text.split("\n"), 1):
        out.append("<tr>%s%s</tr>\n" % (_cell("%d." % n, "n"), _cell(line.rstrip(), "src")))
    out.append("</table>\n")
    return "".join(out)
