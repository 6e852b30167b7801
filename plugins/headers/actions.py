"""Applying Header/RequestHeader entries to a request's header tables (mod_headers'
``do_headers_fixup``)."""

from .directives import ERR, IN, OUT
from .formats import render


def table_of(req, table):
    if table == IN:
        return req.headers_in
    return req.err_headers_out if table == ERR else req.headers_out


def apply(req, entries, table, early=False):
    """Apply the entries of ``table`` (IN, OUT, ERR) in order, early or late ones."""
    headers = None
    for entry in entries:
        if entry.table != table or entry.early != early:
            continue
        if entry.env is not None:
            env = req.subprocess_env
            if entry.env[0] == "!":
                if entry.env[1:] in env:
                    continue
            elif entry.env not in env:
                continue
        if headers is None:
            headers = table_of(req, table)
        _ACTIONS[entry.action](req, headers, entry)


def _set(req, headers, entry):
    value = render(entry.value, req)
    if entry.table != IN and entry.header.lower() == "content-type":
        req.content_type = value
    headers[entry.header] = value


def _setifempty(req, headers, entry):
    if entry.header in headers:
        return
    if entry.table != IN and entry.header.lower() == "content-type":
        if req.content_type:
            return
        req.content_type = render(entry.value, req)
    headers[entry.header] = render(entry.value, req)


def _add(req, headers, entry):
    headers.add(entry.header, render(entry.value, req))


def _replace_first(headers, name, first):
    """Apache's table merge: the first value of ``name`` changes, the others stay."""
    values = headers.getlist(name)
    del headers[name]
    headers.add(name, first)
    for value in values[1:]:
        headers.add(name, value)


def _append(req, headers, entry):
    value = render(entry.value, req)
    first = headers.getfirst(entry.header)
    if first is None:
        headers.add(entry.header, value)
    else:
        _replace_first(headers, entry.header, first + ", " + value)


def tokens(value):
    """The comma-separated members of a header value, quoted strings kept whole."""
    out, i, n = [], 0, len(value)
    while i < n:
        while i < n and value[i].isspace():
            i += 1
        start = i
        while i < n and value[i] != ",":
            if value[i] == '"':
                i += 1
                while i < n and value[i] != '"':
                    i += 1
            i += 1
        out.append(value[start:min(i, n)])
        i += 1
    return out


def _merge(req, headers, entry):
    value = render(entry.value, req)
    first = headers.getfirst(entry.header)
    if first is None:
        headers.add(entry.header, value)
    elif value not in tokens(first):
        # Apache compares each member exactly as written (after leading blanks).
        _replace_first(headers, entry.header, first + ", " + value)


def _unset(req, headers, entry):
    if entry.header in headers:
        del headers[entry.header]


def _echo(req, headers, entry):
    search = entry.regex.search
    for name, value in req.headers_in.items():
        if search(name):
            req.headers_out.add(name, value)


def substitute(template, match):
    """Apache's ap_pregsub: ``$0``..``$9`` and ``&`` insert groups; ``\\c`` is ``c``."""
    out, i, n = [], 0, len(template)
    while i < n:
        c = template[i]
        i += 1
        group = None
        if c == "&":
            group = 0
        elif c == "$" and i < n and template[i].isdigit():
            group = int(template[i])
            i += 1
        if group is None:
            if c == "\\" and i < n:
                c = template[i]
                i += 1
            out.append(c)
        elif group <= match.re.groups:
            out.append(match.group(group) or "")
    return "".join(out)


def edit(regex, template, value, every):
    """Replace the first match (``every``: each match, each tried on what follows the last,
    as Apache's edit* does) of ``regex`` in ``value``."""
    out = []
    while True:
        match = regex.search(value)
        if match is None:
            break
        out.append(value[:match.start()])
        out.append(substitute(template, match))
        end = match.end()
        if end == match.start():            # an empty match: step over one character
            out.append(value[end:end + 1])
            end += 1
        value = value[end:]
        if not every or not value:
            break
    out.append(value)
    return "".join(out)


def _edit(req, headers, entry):
    every = entry.action == "edit*"
    template = render(entry.value, req)
    if entry.table != IN and entry.header.lower() == "content-type" and req.content_type:
        req.content_type = edit(entry.regex, template, req.content_type, every)
    values = headers.getlist(entry.header)
    if not values:
        return
    del headers[entry.header]
    for value in values:
        headers.add(entry.header, edit(entry.regex, template, value, every))


def _note(req, headers, entry):
    value = headers.getfirst(entry.header)
    if value is not None:
        req.notes[render(entry.value, req)] = value


_ACTIONS = {"set": _set, "setifempty": _setifempty, "add": _add, "append": _append,
            "merge": _merge, "unset": _unset, "echo": _echo, "edit": _edit, "edit*": _edit,
            "note": _note}

__all__ = ["apply", "edit", "substitute", "tokens", "IN", "OUT", "ERR"]
