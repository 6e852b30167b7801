"""The ``expr`` of ``<!--#if -->`` / ``<!--#elif -->``: Apache 2.4's syntax (ap_expr, a
subset) and, with ``SSILegacyExprParser On``, the old mod_include syntax.

Apache 2.4 subset: string literals in single or double quotes (``%{VAR}`` expands inside
them), ``%{VAR}`` and ``v('VAR')`` for variables, ``true``/``false``, numbers; the binary
operators ``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=`` (string comparison), ``-eq``,
``-ne``, ``-lt``, ``-le``, ``-gt``, ``-ge`` (integers), ``=~`` and ``!~`` with ``/regex/``
(``m#regex#`` too; flag ``i``); the unary ``-n`` (not empty) and ``-z`` (empty); ``!``,
``&&``, ``||`` and parentheses. Anything else raises :class:`ExprError`, which the page shows
as the configured error message (Apache's errmsg), with the reason in the error log.

Legacy syntax: a bare string (``$VAR`` and ``${VAR}`` expanded, quotes allowed) is true when
not empty; ``=`` / ``==`` / ``!=`` / ``<`` / ``<=`` / ``>`` / ``>=`` compare strings, and a
right side written ``/regex/`` matches instead; ``!``, ``&&``, ``||``, parentheses.
"""

import re


class ExprError(ValueError):
    pass


_TOKEN = re.compile(r"""
    \s*(?:
      (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
    | (?P<var>%\{[A-Za-z0-9_:]+\})
    | (?P<func>v\(\s*(?:'[^']*'|"[^"]*")\s*\))
    | (?P<regex>/(?:[^/\\]|\\.)*/i?|m\#(?:[^\#\\]|\\.)*\#i?)
    | (?P<op>&&|\|\||==|!=|<=|>=|=~|!~|<|>|!|\(|\)|-(?:eq|ne|lt|le|gt|ge|n|z)\b)
    | (?P<word>[A-Za-z0-9_.\-]+)
    )""", re.X)


def _tokens(text, pattern=_TOKEN):
    pos, out = 0, []
    text = text.rstrip()
    while pos < len(text):
        m = pattern.match(text, pos)
        if not m or m.end() == pos:
            raise ExprError("syntax error in expression at %r" % text[pos:pos + 20])
        pos = m.end()
        out.append((m.lastgroup, m.group(m.lastgroup)))
    return out


class _Parser:
    """Recursive descent over tokens: or -> and -> not -> comparison -> value."""

    def __init__(self, tokens, lookup):
        self.tokens, self.pos, self.lookup = tokens, 0, lookup

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

    def take(self):
        token = self.peek()
        self.pos += 1
        return token

    def parse(self):
        if not self.tokens:
            raise ExprError("empty expression")
        value = self.or_()
        if self.pos != len(self.tokens):
            raise ExprError("unexpected %r in expression" % (self.peek()[1],))
        return value

    def or_(self):
        value = self.and_()
        while self.peek() == ("op", "||"):
            self.take()
            right = self.and_()
            value = value or right
        return value

    def and_(self):
        value = self.not_()
        while self.peek() == ("op", "&&"):
            self.take()
            right = self.not_()
            value = value and right
        return value

    def not_(self):
        if self.peek() == ("op", "!"):
            self.take()
            return not self.not_()
        return self.condition()

    def condition(self):
        kind, text = self.peek()
        if (kind, text) == ("op", "("):
            self.take()
            value = self.or_()
            if self.take() != ("op", ")"):
                raise ExprError("missing ')' in expression")
            return value
        if kind == "op" and text in ("-n", "-z"):
            self.take()
            word = self.string()
            return bool(word) if text == "-n" else not word
        if kind == "word" and text in ("true", "false") and self._ends_condition(1):
            self.take()
            return text == "true"
        left = self.string()
        kind, op = self.peek()
        if kind != "op" or op in ("&&", "||", ")", "!", "("):
            raise ExprError("a comparison is expected after %r (Apache 2.4 syntax; "
                            "SSILegacyExprParser On for the old one)" % left)
        self.take()
        if op in ("=~", "!~"):
            kind, pattern = self.take()
            if kind != "regex":
                raise ExprError("a /regex/ is expected after %s" % op)
            found = _regex(pattern).search(left) is not None
            return found if op == "=~" else not found
        right = self.string()
        return _compare(op, left, right)

    def _ends_condition(self, ahead):
        nxt = self.tokens[self.pos + ahead] if self.pos + ahead < len(self.tokens) else (None, None)
        return nxt[0] is None or nxt in (("op", "&&"), ("op", "||"), ("op", ")"))

    def string(self):
        kind, text = self.take()
        if kind == "str":
            return _expand_percent(_unquote(text), self.lookup)
        if kind == "var":
            return self.lookup(text[2:-1])
        if kind == "func":
            return self.lookup(_unquote(text[text.index("(") + 1:text.rindex(")")].strip()))
        if kind == "word" and re.fullmatch(r"-?\d+", text):
            return text
        raise ExprError("a string, %%{VAR} or v('VAR') is expected, not %r" % (text,))


def _unquote(text):
    return re.sub(r"\\(.)", r"\1", text[1:-1])


def _expand_percent(text, lookup):
    return re.sub(r"%\{([A-Za-z0-9_:]+)\}", lambda m: lookup(m.group(1)), text)


def _regex(pattern):
    flags = 0
    if pattern.endswith("i") and pattern[-2] in "/#":
        flags, pattern = re.I, pattern[:-1]
    body = pattern[2:-1] if pattern.startswith("m#") else pattern[1:-1]
    try:
        return re.compile(body, flags)
    except re.error as exc:
        raise ExprError("bad regex %r: %s" % (body, exc)) from None


_STRING_OPS = {"==": lambda a, b: a == b, "=": lambda a, b: a == b, "!=": lambda a, b: a != b,
               "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
               ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}
_INT_OPS = {"-eq": "==", "-ne": "!=", "-lt": "<", "-le": "<=", "-gt": ">", "-ge": ">="}


def _compare(op, left, right):
    if op in _INT_OPS:
        try:
            a, b = int(left), int(right)
        except ValueError:
            raise ExprError("%s compares integers, not %r and %r" % (op, left, right)) from None
        return _STRING_OPS[_INT_OPS[op]](a, b)
    if op not in _STRING_OPS:
        raise ExprError("operator %s is not supported here" % op)
    return _STRING_OPS[op](left, right)


def evaluate(text, lookup):
    """Apache 2.4's syntax. ``lookup(name)`` answers a variable ('' when unset)."""
    return bool(_Parser(_tokens(text), lookup).parse())


# -- the legacy parser ---------------------------------------------------------------------

_LEGACY = re.compile(r"""
    \s*(?:
      (?P<op>&&|\|\||==|!=|<=|>=|=|<|>|!|\(|\))
    | (?P<regex>/(?:[^/\\]|\\.)*/)
    | (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
    | (?P<word>(?:[^\s=!<>()&|'"\\]|\\.)+)
    )""", re.X)


class _Legacy(_Parser):
    def condition(self):
        kind, text = self.peek()
        if (kind, text) == ("op", "("):
            self.take()
            value = self.or_()
            if self.take() != ("op", ")"):
                raise ExprError("missing ')' in expression")
            return value
        left = self.string()
        kind, op = self.peek()
        if kind == "op" and op in _STRING_OPS:
            self.take()
            kind, right = self.take()
            if kind == "regex":
                found = re.search(right[1:-1], left) is not None
                return found if op in ("=", "==") else not found if op == "!=" else \
                    _raise("a regex can only be compared with = or !=")
            if kind not in ("str", "word"):
                raise ExprError("a string is expected after %s" % op)
            return _compare(op, left, self.expand(_unquote(right) if kind == "str" else right))
        return bool(left)

    def expand(self, text):
        return self.lookup.expand(text)

    def string(self):
        kind, text = self.take()
        if kind == "str":
            return self.expand(_unquote(text))
        if kind == "word":
            return self.expand(text)
        raise ExprError("a string is expected, not %r" % (text,))


def _raise(message):
    raise ExprError(message)


def evaluate_legacy(text, expander):
    """The old syntax; ``expander.expand(text)`` substitutes ``$VAR``/``${VAR}``."""
    return bool(_Legacy(_tokens(text, _LEGACY), expander).parse())
