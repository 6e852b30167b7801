"""``display_code``: the generated Python beside the template lines it came from.

mod_python put generated line N next to template line N; the generated code here keeps
most line breaks but not all (a one-line block header gets a line of its own), so each
generated line is shown with the template file and line it came from instead, followed by
the template itself with line numbers.
"""

import os
from html import escape

STYLE = ("<style>table.psp{border-collapse:collapse;font-family:monospace}"
         "table.psp td{padding:0 .6em;vertical-align:top;white-space:pre}"
         "td.n{color:#888;text-align:right}td.py{color:#00c}td.src{color:#070}</style>\n")


def _cell(text, cls):
    return '<td class="%s">%s</td>' % (cls, escape(text.replace("\t", "    "), quote=False))


def code_listing(template, filename):
    """HTML (str) for ``template`` compiled from ``filename``."""
    sources = {}

    def template_line(where):
        if where.file not in sources:
            try:
                with open(where.file, encoding="utf-8", errors="replace") as f:
                    sources[where.file] = f.read().replace("\r\n", "\n").split("\n")
            except OSError:
                sources[where.file] = []
        lines = sources[where.file]
        return lines[where.line - 1] if 0 < where.line <= len(lines) else ""

    out = [STYLE, "<h3>%s</h3>\n" % escape(filename), '<table class="psp">\n',
           "<tr><td></td><td>PSP-produced Python code</td><td></td><td>from</td></tr>\n"]
    page = os.path.abspath(filename)
    for n, (code, where) in enumerate(zip(template.source.split("\n"), template.line_map), 1):
        origin = str(where.line) if os.path.abspath(where.file) == page else \
            "%s:%d" % (os.path.basename(where.file), where.line)
        out.append("<tr>%s%s%s%s</tr>\n" % (_cell("%d." % n, "n"), _cell(code.rstrip(), "py"),
                                             _cell(origin, "n"),
                                             _cell(template_line(where).rstrip(), "src")))
    out.append("</table>\n<h3>%s (PSP source)</h3>\n<table class=\"psp\">\n" % escape(filename))
    try:
        with open(filename, encoding="utf-8", errors="replace") as f:
            source = f.read().replace("\r\n", "\n")
    except OSError:
        source = ""
    for n, line in enumerate(source.split("\n"), 1):
        out.append("<tr>%s%s</tr>\n" % (_cell("%d." % n, "n"), _cell(line.rstrip(), "src")))
    out.append("</table>\n")
    return "".join(out)
