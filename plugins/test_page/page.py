"""Rendering the test page."""

import collections
import html
import os
import platform
import sys

from greenphase import OK, FieldStorage, parse_config_file

LOG_LINES = 100


def handler(req):
    form = FieldStorage(req)
    if form.getfirst("view_log") and req.dir_config["PythonDebug"]:
        return _log_tail(req)
    req.add_common_vars()
    req.content_type = "text/html"
    site = req.site
    workers = site.workers
    error_log = req.server.error_fname
    log_note = ' (<a href="?view_log=1">last %d lines</a>)' % LOG_LINES \
        if req.dir_config["PythonDebug"] else ""
    general = [
        ("Server software", req.subprocess_env.get("SERVER_SOFTWARE")),
        ("Threaded", "Yes: greenlets, one per connection"),
        ("Forked", "Yes, %d processes" % workers if workers > 1 else "No (one process)"),
        ("Server root", site.server_root),
        ("Document root", req.document_root()),
        ("Error log", error_log and os.path.join(site.server_root, error_log)),
        ("Python sys.version", sys.version),
        ("Python implementation", platform.python_implementation()),
        ("Python sys.path", "\n".join(sys.path)),
        ("Interpreter name", getattr(req, "interpreter", None)),
        ("Plugins", ", ".join(site.plugin_names())),
    ]
    parts = ["<html><head><title>mod_python test page</title></head><body>\n",
             "<h3>General information</h3>\n", _table(general, raw_suffix={"Error log": log_note})]
    sections = [("Request input headers", req.headers_in.items()),
                ("Request environment", req.subprocess_env.items()),
                ("Request notes", req.notes.items())]
    for title, method in (("Request configuration", "get_config"), ("Request options", "get_options")):
        if hasattr(req, method):
            sections.append((title, getattr(req, method)().items()))
    for title, method in (("Server configuration", "get_config"), ("Server options", "get_options")):
        if hasattr(req.server, method):
            sections.append((title, getattr(req.server, method)().items()))
    for title, rows in sections:
        parts.append("<h3>%s</h3>\n" % title)
        parts.append(_table(rows))
    parts.append("<h3>Server configuration tree</h3>\n<pre>%s</pre>\n"
                 % html.escape(_config_tree(site.config_file)))
    parts.append("</body></html>\n")
    req.write("".join(parts))
    return OK


def _config_tree(path):
    """The main configuration file's directives, sections indented (Include not expanded)."""
    lines = []

    def walk(nodes, level):
        for node in nodes:
            if node.is_section:
                lines.append("    " * level + "<%s %s>" % (node.name, node.raw))
                walk(node.children, level + 1)
            else:
                lines.append("    " * level + "%s %s" % (node.name, node.raw))
    try:
        walk(parse_config_file(path), 0)
    except Exception as exc:     # the site already parsed it; report rather than fail the page
        return "cannot read %s: %s" % (path, exc)
    return "\n".join(lines)


def _table(rows, raw_suffix=None):
    raw_suffix = raw_suffix or {}
    out = ['<table border="1">\n<tr><th>Key</th><th>Value</th></tr>\n']
    for key, value in rows:
        text = html.escape("" if value is None else str(value))
        cell = "<pre>%s</pre>" % text if "\n" in text else "<code>%s</code>" % text
        out.append("<tr><td><code>%s</code></td><td>%s%s</td></tr>\n"
                   % (html.escape(str(key)), cell, raw_suffix.get(key, "")))
    out.append("</table>\n")
    return "".join(out)


def _log_tail(req):
    path = os.path.join(req.site.server_root, req.server.error_fname or "")
    req.content_type = "text/plain"
    try:
        with open(path, "rb") as f:
            lines = collections.deque(f, maxlen=LOG_LINES)
    except OSError as exc:
        req.write("cannot read the error log %s: %s\n" % (path, exc.strerror))
        return OK
    req.write(b"".join(lines))
    return OK


# -- mod_python 3.5's helpers of its test handler ------------------------------------------

class bounded_buffer:  # noqa: N801 (3.5's name)
    """The last ``size`` items appended."""

    def __init__(self, size):
        self.max_size = size
        self.list = collections.deque(maxlen=size)

    def append(self, value):
        self.list.append(value)

    def items(self):
        return list(self.list)

    def __iter__(self):
        return iter(self.items())


def write_table(req, table):
    """Write ``table`` (any mapping) as an HTML table of escaped keys and values."""
    req.write(_table((key, table[key]) for key in table))


def write_tree(req, tree, level):
    """Write a nested list of tuples (``apache.config_tree()``) as indented lines."""
    for entry in tree:
        if isinstance(entry, list):
            write_tree(req, entry, level + 1)
        else:
            req.write(html.escape("    " * level + " ".join(entry)) + "\n")
