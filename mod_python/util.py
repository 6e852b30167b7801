"""mod_python.util: form parsing and redirects (implemented in the kernel's library for plugins).

Differences from 3.5: field names and values are ``str`` (3.5 on Python 3 gave bytes for
POSTed fields); ``parse_header`` takes str or bytes (3.5: bytes only).
"""

from kernel import (
    Field, FieldList, FieldStorage, StringField, apply_fs_data, parse_qs, parse_qsl, redirect)

__all__ = ["Field", "FieldList", "FieldStorage", "StringField", "apply_fs_data",
           "parse_header", "parse_qs", "parse_qsl", "redirect"]

PY2 = False
MethodWrapper = type(object.__call__)
readBlockSize = 65368       # 3.5's longest line read from a multipart body


def parse_header(line):
    """``'text/html; charset="utf-8"'`` -> ``('text/html', {'charset': 'utf-8'})``.

    The type keeps the argument's type (str or bytes); option values are str, names
    lower-cased, surrounding double quotes removed."""
    text = line.decode("latin-1") if isinstance(line, (bytes, bytearray)) else line
    parts = [p.strip() for p in text.split(";")]
    key = parts[0].lower()
    options = {}
    for part in parts[1:]:
        name, eq, value = part.partition("=")
        if not eq:
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        options[name.strip().lower()] = value
    return (key.encode("latin-1") if isinstance(line, (bytes, bytearray)) else key), options
