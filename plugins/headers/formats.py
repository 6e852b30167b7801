"""mod_headers' value strings: literal text with backslash escapes and ``%`` format tags.

Supported, as Apache 2.4 renders them:

* ``%t``: ``t=`` and the time the request was received, in microseconds since the epoch;
* ``%D``: ``D=`` and the microseconds from then until now (the headers going out);
* ``%{NAME}e``: ``req.subprocess_env[NAME]`` (CR/LF turned into spaces), ``(null)`` if unset;
* ``%{NAME}s``: ``req.ssl_var_lookup(NAME)``, ``(null)`` when there is none;
* ``%%`` (and a lone ``%`` at the end): ``%``.

``%l``, ``%i``, ``%b`` (Apache's load, idle and busy figures of its scoreboard) have no
meaning here and are refused, as is any other tag (Apache: "Unrecognized header format").
"""

import time

_ESCAPES = {"\\": "\\", "r": "\r", "n": "\n", "t": "\t"}
_SCOREBOARD = {"l": "load average", "i": "idle percentage", "b": "busy percentage"}


def _unwrap(text):
    return text.replace("\r", " ").replace("\n", " ")


def _time(req, arg):
    return "t=%d" % int(req.request_time * 1000000)


def _duration(req, arg):
    return "D=%d" % int((time.time() - req.request_time) * 1000000)


def _env(req, arg):
    value = req.subprocess_env.get(arg)
    if isinstance(value, list):
        value = value[0]
    return _unwrap(value) if value is not None else "(null)"


def _ssl(req, arg):
    lookup = getattr(req, "ssl_var_lookup", None)
    value = lookup(arg) if lookup is not None else None
    return _unwrap(str(value)) if value else "(null)"


TAGS = {"t": _time, "D": _duration, "e": _env, "s": _ssl}


def _literal(text):
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in _ESCAPES:
            out.append(_ESCAPES[text[i + 1]])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def compile_format(text):
    """Split ``text`` into literal strings and ``(function, argument)`` tags, once, at
    configuration time. Raises ValueError naming what is wrong."""
    parts, i, n = [], 0, len(text)
    while i < n:
        j = text.find("%", i)
        if j < 0:
            j = n
        if j > i:
            literal = _literal(text[i:j])
            if "\r" in literal or "\n" in literal:
                raise ValueError("a header value may not contain CR or LF (\\r, \\n)")
            parts.append(literal)
        if j >= n:
            break
        i = j + 1
        if i >= n or text[i] == "%":
            parts.append("%")
            i += 1
            continue
        arg = ""
        if text[i] == "{":
            close = text.find("}", i)
            if close < 0:
                raise ValueError("format tag %%{ at column %d is never closed with }" % (j + 1))
            arg, i = text[i + 1:close], close + 1
            if i >= n:
                raise ValueError("format tag %%{%s} lacks its letter (e or s)" % arg)
        letter = text[i]
        i += 1
        if letter in _SCOREBOARD:
            raise ValueError("format %%%s (Apache's scoreboard %s) is not supported; supported "
                             "are %%t, %%D, %%{NAME}e, %%{NAME}s and %%%%"
                             % (letter, _SCOREBOARD[letter]))
        function = TAGS.get(letter)
        if function is None:
            raise ValueError("unrecognized header format %%%s; supported are %%t, %%D, "
                             "%%{NAME}e, %%{NAME}s and %%%%" % letter)
        if letter in "es" and not arg:
            raise ValueError("format %%%s needs a variable name: %%{NAME}%s" % (letter, letter))
        parts.append((function, arg))
    return tuple(parts)


def render(parts, req):
    """The value for this request."""
    if len(parts) == 1 and type(parts[0]) is str:
        return parts[0]
    return "".join(p if type(p) is str else p[0](req, p[1]) for p in parts)
