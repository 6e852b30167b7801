"""mod_autoindex's plain listing, for a directory with ``Options Indexes`` and no index file."""

import html
import os
import stat
from urllib.parse import quote


def listing(req):
    """An HTML list of the directory's entries (hidden ``.`` names left out, as Apache's
    IndexIgnore does); directories first, each name escaped for HTML and for the URL."""
    try:
        names = sorted(os.listdir(req.filename))
    except OSError:
        return None
    rows = []
    for name in names:
        if name.startswith("."):
            continue
        try:
            is_dir = stat.S_ISDIR(os.stat(os.path.join(req.filename, name)).st_mode)
        except OSError:
            continue
        shown = name + ("/" if is_dir else "")
        rows.append((not is_dir, name, '<li><a href="%s">%s</a></li>'
                     % (quote(shown), html.escape(shown))))
    title = html.escape("Index of " + req.uri)
    items = "\n".join(row for _, _, row in sorted(rows))
    parent = '<li><a href="../">Parent Directory</a></li>\n' if req.uri != "/" else ""
    return ("<!DOCTYPE html>\n<html><head><title>%s</title></head>\n<body><h1>%s</h1>\n<ul>\n%s%s\n"
            "</ul>\n</body></html>\n" % (title, title, parent, items))
