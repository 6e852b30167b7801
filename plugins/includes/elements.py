"""The SSI elements: what ``<!--#element attr="value" -->`` does, as mod_include does it.

``include virtual|file``, ``echo var [encoding]``, ``set var value``, ``if/elif/else/endif
expr``, ``config errmsg|timefmt|sizefmt``, ``printenv``, ``fsize`` and ``flastmod``
(``file`` or ``virtual``), and mod_python's ``python exec|eval``. A failing element writes
the error message (``config errmsg``, ``SSIErrorMsg``) in its place and logs why.
"""

import html
import os
import re
import time
import traceback
import urllib.parse

from greenphase import run_subrequest

from .expr import ExprError, evaluate, evaluate_legacy

DEFAULT_ERRMSG = "[an error occurred while processing this directive]"
DEFAULT_TIMEFMT = "%A, %d-%b-%Y %H:%M:%S %Z"
_VAR = re.compile(r"\\\$|\$\{([^}]+)\}|\$([A-Za-z0-9_]+)")


class SSIError(Exception):
    pass


class _PythonFilter:
    """What mod_python's ``#python`` code sees as ``filter``: write goes into the page."""

    name = "INCLUDES"
    is_input = False
    closed = False

    def __init__(self, req, out):
        self.req = req
        self._out = out

    def write(self, data):
        self._out.append(data.encode("utf-8") if isinstance(data, str) else bytes(data))

    def flush(self):
        pass


class Document:
    """The state of one page being processed (its variables, config and if-stack)."""

    def __init__(self, req, allow_exec):
        self.req = req
        self.allow_exec = allow_exec
        config = req.dir_config
        self.errmsg = config["SSIErrorMsg"] or DEFAULT_ERRMSG
        self.timefmt = config["SSITimeFormat"] or DEFAULT_TIMEFMT
        self.sizefmt = "abbrev"
        self.legacy = config["SSILegacyExprParser"]
        self.stack = []             # (this branch is on, some branch was taken, outer is on)
        self.vars = {}
        req.add_cgi_vars()          # mod_include's pages see the CGI variables

    # -- variables -------------------------------------------------------------------------
    @property
    def active(self):
        return not self.stack or self.stack[-1][0]

    def lookup(self, name):
        if name in self.vars:
            return self.vars[name]
        req = self.req
        special = _special(self, name)
        if special is not None:
            return special
        value = req.subprocess_env.get(name)
        if value is None and name.startswith("HTTP_"):
            value = req.headers_in.get(name[5:].replace("_", "-"))
        return value if value is not None else ""

    def expand(self, text):
        def one(m):
            if m.group(0) == "\\$":
                return "$"
            return self.lookup(m.group(1) or m.group(2))
        return _VAR.sub(one, text)

    # -- the elements ----------------------------------------------------------------------
    def run(self, element, attrs, out):
        """Run one element, appending bytes to ``out``."""
        if element in ("if", "elif", "else", "endif"):
            return self._conditional(element, attrs)
        if not self.active:
            return
        handler = getattr(self, "do_" + element, None)
        if handler is None:
            raise SSIError("unknown directive \"%s\"" % element)
        handler(attrs, out)

    def _conditional(self, element, attrs):
        if element == "if":
            outer = self.active
            self.stack.append((False, True, outer))     # what a failing expr leaves
            value = outer and self._test(attrs)
            self.stack[-1] = (value, value, outer)
        elif not self.stack:
            raise SSIError("%s without a matching if" % element)
        elif element == "elif":
            _, taken, outer = self.stack[-1]
            self.stack[-1] = (False, True, outer)
            value = outer and not taken and self._test(attrs)
            self.stack[-1] = (value, taken or value, outer)
        elif element == "else":
            _, taken, outer = self.stack[-1]
            self.stack[-1] = (outer and not taken, True, outer)
        else:
            self.stack.pop()

    def _test(self, attrs):
        expr = dict(attrs).get("expr")
        if expr is None:
            raise SSIError("missing expr in if/elif")
        try:
            if self.legacy:
                return evaluate_legacy(expr, self)
            return evaluate(expr, self.lookup)
        except ExprError as exc:
            raise SSIError("in expression %r: %s" % (expr, exc)) from None

    def do_include(self, attrs, out):
        for tag, value in attrs:
            value = self.expand(value)
            if tag == "file":
                value = _relative_file(self.req, value)
            elif tag != "virtual":
                raise SSIError("unknown parameter \"%s\" to tag include" % tag)
            status, body = run_subrequest(self.req, value)
            if status != 200:
                raise SSIError("unable to include \"%s\" (status %d)" % (value, status))
            out.append(body)

    def do_echo(self, attrs, out):
        encoding = "entity"
        for tag, value in attrs:
            if tag == "encoding":
                encoding = value.lower()
                if encoding not in ("none", "url", "entity"):
                    raise SSIError("unknown value \"%s\" to parameter \"encoding\"" % value)
            elif tag == "var":
                text = self.lookup(self.expand(value))
                text = text if text != "" or self._defined(value) else "(none)"
                if encoding == "url":
                    text = urllib.parse.quote(text, safe="")
                elif encoding == "entity":
                    text = html.escape(text, quote=True)
                out.append(text.encode("utf-8"))
            else:
                raise SSIError("unknown parameter \"%s\" to tag echo" % tag)

    def _defined(self, name):
        return name in self.vars or name in self.req.subprocess_env or \
            _special(self, name) is not None

    def do_set(self, attrs, out):
        name = None
        for tag, value in attrs:
            if tag == "var":
                name = self.expand(value)
            elif tag == "value":
                if name is None:
                    raise SSIError("variable must precede value in set directive")
                self.vars[name] = self.expand(value)
                self.req.subprocess_env[name] = self.vars[name]
            elif tag != "decoding":
                raise SSIError("invalid tag for set directive: %s" % tag)

    def do_config(self, attrs, out):
        for tag, value in attrs:
            if tag == "errmsg":
                self.errmsg = value
            elif tag == "timefmt":
                self.timefmt = value
            elif tag == "sizefmt":
                if value.lower() not in ("bytes", "abbrev"):
                    raise SSIError("unknown value \"%s\" to parameter \"sizefmt\"" % value)
                self.sizefmt = value.lower()
            else:
                raise SSIError("unknown parameter \"%s\" to tag config" % tag)

    def do_printenv(self, attrs, out):
        names = dict(self.req.subprocess_env.items())
        names.update(self.vars)
        for key in ("DATE_LOCAL", "DATE_GMT", "LAST_MODIFIED", "DOCUMENT_NAME", "DOCUMENT_URI"):
            names.setdefault(key, _special(self, key))
        for key, value in names.items():
            out.append(html.escape("%s=%s\n" % (key, value), quote=False).encode("utf-8"))

    def _stat(self, attrs, what):
        for tag, value in attrs:
            value = self.expand(value)
            if tag == "file":
                path = os.path.join(os.path.dirname(self.req.filename), _relative_file(self.req, value, path=True))
            elif tag == "virtual":
                path = os.path.join(self.req.document_root(), value.lstrip("/"))
            else:
                raise SSIError("unknown parameter \"%s\" to tag %s" % (tag, what))
            try:
                return os.stat(path)
            except OSError:
                raise SSIError("unable to get information about \"%s\"" % value) from None
        raise SSIError("%s needs file or virtual" % what)

    def do_fsize(self, attrs, out):
        size = self._stat(attrs, "fsize").st_size
        out.append(format_size(size, self.sizefmt).encode())

    def do_flastmod(self, attrs, out):
        mtime = self._stat(attrs, "flastmod").st_mtime
        out.append(time.strftime(self.timefmt, time.localtime(mtime)).encode())

    def do_python(self, attrs, out):
        """mod_python: ``exec`` runs code, ``eval`` writes the value, with req.ssi_globals."""
        req = self.req
        glob = req.ssi_globals
        glob["filter"] = _PythonFilter(req, out)
        glob["__file__"] = req.filename
        for tag, code in attrs:
            if tag == "exec" and not self.allow_exec:
                raise SSIError("#python exec used in %s, but IncludesNOEXEC forbids it"
                               % req.filename)
            if tag not in ("exec", "eval"):
                raise SSIError("unknown parameter \"%s\" to tag python" % tag)
            try:
                if tag == "exec":
                    exec(compile(code.replace("\r\n", "\n"), req.filename or "<ssi>", "exec"), glob)
                else:
                    value = eval(compile(code.strip(), req.filename or "<ssi>", "eval"), glob)
                    out.append(str(value).encode("utf-8"))
            except Exception:
                raise SSIError("#python %s raised:\n%s" % (tag, traceback.format_exc().rstrip())) from None


def _relative_file(req, value, path=False):
    """``file=``: relative to the page's directory, never absolute or above it."""
    if value.startswith("/") or ".." in value.split("/"):
        raise SSIError("unable to include file \"%s\": an absolute path or '..' is not allowed"
                       % value)
    return value if path else req.uri.rsplit("/", 1)[0] + "/" + value


def _special(doc, name):
    req = doc.req
    if name == "DATE_LOCAL":
        return time.strftime(doc.timefmt, time.localtime())
    if name == "DATE_GMT":
        return time.strftime(doc.timefmt, time.gmtime())
    if name == "LAST_MODIFIED":
        try:
            return time.strftime(doc.timefmt, time.localtime(os.stat(req.filename).st_mtime))
        except (OSError, TypeError):
            return ""
    if name == "DOCUMENT_NAME":
        return os.path.basename(req.filename or "")
    if name == "DOCUMENT_URI":
        return req.uri
    if name == "QUERY_STRING_UNESCAPED":
        return urllib.parse.unquote(req.args or "")
    if name == "USER_NAME":
        try:
            import pwd
            return pwd.getpwuid(os.stat(req.filename).st_uid).pw_name
        except (OSError, KeyError, TypeError, ImportError):
            return ""
    return None


def format_size(size, fmt):
    """``sizefmt bytes``: 1,234,567; ``abbrev``: 1.2M as Apache writes it (k, M, G)."""
    if fmt == "bytes":
        return "{:,}".format(size)
    if size < 973:
        return "%d" % size
    for unit in ("K", "M", "G", "T"):
        size /= 1024.0
        if size < 973:
            return ("%.1f%s" % (size, unit)) if size < 9.95 else ("%d%s" % (round(size), unit))
    return "%dP" % size
