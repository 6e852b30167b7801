"""``Require`` as Apache 2.4's mod_authz_core evaluates it.

Every requirement answers one of four outcomes. ``NEEDS_USER`` means "cannot be decided
without an authenticated user": it is what makes the kernel run the authentication phases.
A ``Require not ...`` turns GRANTED into DENIED and DENIED into NEUTRAL (a negation alone can
never grant), which is why negations are only allowed inside ``<RequireAll>``.

A line inside ``<Limit>``/``<LimitExcept>`` applies to some methods only; for the others it
counts as GRANTED inside a ``<RequireAll>`` and as NEUTRAL inside an "any", and a section
whose lines all apply to other methods grants (Apache's "limited to other methods").
"""

from dataclasses import dataclass

from greenphase import constants as C
from greenphase import is_local_client

from .addresses import ADDRESSES_MAX, client_address, parse_network
from .credentials import user_bytes
from .method_masks import ALL
from .userfiles import groups_of

GRANTED, DENIED, NEUTRAL, NEEDS_USER = "granted", "denied", "neutral", "needs-user"
_NEGATION = {GRANTED: DENIED, DENIED: NEUTRAL}

# How strongly an outcome weighs in a <RequireAny> (GRANTED wins at once) and in a
# <RequireAll> (DENIED wins at once): a child that needs a user outweighs a plain DENIED in
# "any" (the user might still be granted) but not in "all" (denied whoever logs in).
_ANY_WEIGHT = {NEUTRAL: 0, DENIED: 1, NEEDS_USER: 2}
_ALL_WEIGHT = {NEUTRAL: 0, GRANTED: 1, NEEDS_USER: 2}


def any_of(children, req):
    best = NEUTRAL
    for child in children:
        if not child.applies(req.method):
            continue
        outcome = child.evaluate(req)
        if outcome == GRANTED:
            return GRANTED
        if _ANY_WEIGHT[outcome] > _ANY_WEIGHT[best]:
            best = outcome
    return best


def all_of(children, req):
    best = NEUTRAL
    for child in children:
        outcome = child.evaluate(req) if child.applies(req.method) else GRANTED
        if outcome == DENIED:
            return DENIED
        if _ALL_WEIGHT[outcome] > _ALL_WEIGHT[best]:
            best = outcome
    return best


class Rule:
    """One ``Require [not] provider args...`` line."""

    __slots__ = ("text", "check", "negated", "methods")

    def __init__(self, text, check, negated, methods=ALL):
        self.text = text          # the arguments as written, for req.requires()
        self.check = check        # check(req) -> outcome, before negation
        self.negated = negated
        self.methods = methods    # from an enclosing <Limit>/<LimitExcept>

    def applies(self, method):
        return self.methods.applies(method)

    @property
    def constant(self):
        """The outcome depends on the method only (``Require all ...``)."""
        return getattr(self.check, "constant", False)

    def evaluate(self, req):
        outcome = self.check(req)
        return _NEGATION.get(outcome, outcome) if self.negated else outcome

    def texts(self, method=None):
        return (self.text,) if method is None or self.applies(method) else ()


class Block:
    """``<RequireAll>`` (kind 'all'), ``<RequireAny>`` ('any') or ``<RequireNone>`` ('none',
    the negation of 'any')."""

    __slots__ = ("kind", "children")

    def __init__(self, kind, children):
        self.kind = kind
        self.children = tuple(children)

    @property
    def negated(self):
        return self.kind == "none"

    def applies(self, method):
        return any(child.applies(method) for child in self.children)

    @property
    def constant(self):
        return all(child.constant for child in self.children)

    def evaluate(self, req):
        if self.kind == "all":
            return all_of(self.children, req)
        outcome = any_of(self.children, req)
        return _NEGATION.get(outcome, outcome) if self.kind == "none" else outcome

    def texts(self, method=None):
        return tuple(text for child in self.children for text in child.texts(method))


@dataclass(frozen=True)
class AuthzConfig:
    """One section's access control: its top-level rules (Apache's implicit ``<RequireAny>``),
    its ``AuthMerging`` ('all' for And, 'any' for Or, None for Off) and its mod_access_compat
    lines (a ``hostaccess.HostAccess``, None when the section has none)."""

    rules: tuple = ()
    merging: str | None = None
    host: object = None

    def applies(self, method):
        return any(rule.applies(method) for rule in self.rules)

    def __post_init__(self):
        # Rules that ignore the request but for its method (the common ``Require all
        # granted``) are evaluated once per method and remembered here.
        object.__setattr__(self, "_by_method", {} if self.constant else None)

    @property
    def constant(self):
        return all(rule.constant for rule in self.rules)

    def evaluate(self, req):
        known = self._by_method
        if known is not None:
            outcome = known.get(req.method)
            if outcome is None:
                outcome = known[req.method] = self._evaluate(req)
            return outcome
        return self._evaluate(req)

    def _evaluate(self, req):
        if not self.applies(req.method):
            return GRANTED
        return any_of(self.rules, req)

    def texts(self, method=None):
        return tuple(text for rule in self.rules for text in rule.texts(method))


def merge_authz(outer, inner):
    """Apache's merge of two sections' access control, outer first.

    A section without Require keeps the outer rules; with ``AuthMerging Off`` (default) its
    own rules replace the outer ones; with And/Or both sets are combined. Order/Allow/Deny/
    Satisfy are replaced whole by a section that has any of them."""
    host = outer.host if inner.host is None else inner.host
    if not inner.rules:
        return AuthzConfig(outer.rules, host=host)
    if inner.merging is None or not outer.rules:
        return AuthzConfig(inner.rules, host=host)
    both = Block(inner.merging, (AuthzConfig(outer.rules), AuthzConfig(inner.rules)))
    return AuthzConfig((both,), host=host)


# -- providers: the word after Require ----------------------------------------------------

def make_rule(words, methods=ALL):
    """A Rule from the words of a Require line; ValueError(message) when they make no sense."""
    text = " ".join(words)
    negated = words[0].lower() == "not"
    if negated:
        words = words[1:]
    if not words:
        raise ValueError("Require not needs a provider (valid-user, user, group, ip...)")
    name, args = words[0].lower(), words[1:]
    maker = PROVIDERS.get(name)
    if maker is None:
        raise ValueError("Unknown Authz provider: %s" % words[0])
    return Rule(text, maker(args), negated, methods)


def _all(args):
    if len(args) != 1 or args[0].lower() not in ("granted", "denied"):
        raise ValueError("Require all takes 'granted' or 'denied'")
    outcome = GRANTED if args[0].lower() == "granted" else DENIED

    def check(req):
        return outcome
    check.constant = True
    return check


def _valid_user(args):
    if args:
        raise ValueError("Require valid-user takes no arguments")
    return lambda req: GRANTED if req.user else NEEDS_USER


def _needs_args(args, what):
    if not args:
        raise ValueError("Require %s needs at least one argument" % what)


def _user(args):
    _needs_args(args, "user")
    names = frozenset(a.encode("utf-8") for a in args)

    def check(req):
        if not req.user:
            return NEEDS_USER
        return GRANTED if user_bytes(req) in names else DENIED
    return check


def _group(args):
    """Membership from AuthGroupFile; without one nobody is a member (a PythonAuthzHandler,
    which runs first, may still decide)."""
    _needs_args(args, "group")
    wanted = frozenset(a.encode("utf-8") for a in args)

    def check(req):
        if not req.user:
            return NEEDS_USER
        path = req.dir_config["AuthGroupFile"]
        if not path:
            req.log_error("Require group for %s but no AuthGroupFile is configured" % req.uri)
            return DENIED
        return GRANTED if groups_of(path, user_bytes(req)) & wanted else DENIED
    return check


def _ip(args):
    _needs_args(args, "ip")
    networks = []
    for arg in args:
        try:
            networks.append(parse_network(arg))
        except ValueError:
            raise ValueError("Require ip: %r is not an address or network" % arg) from None

    answers = {}        # client address text -> outcome, for this line (bounded)

    def check(req):
        text = req.useragent_ip
        outcome = answers.get(text)
        if outcome is None:
            addr = client_address(req)
            outcome = GRANTED if addr is not None and any(addr in net for net in networks) \
                else DENIED
            if len(answers) >= ADDRESSES_MAX:
                answers.clear()
            answers[text] = outcome
        return outcome
    return check


def _host(args):
    """Needs a double reverse DNS lookup, which greenphase does not do (no resolver in the
    request path): the syntax is accepted and the requirement never matches."""
    _needs_args(args, "host")
    return lambda req: DENIED


def _env(args):
    _needs_args(args, "env")
    return lambda req: GRANTED if any(name in req.subprocess_env for name in args) else DENIED


def _method(args):
    _needs_args(args, "method")
    unknown = [m for m in args if m.upper() not in C.METHODS or m.upper() == "INVALID"]
    if unknown:
        raise ValueError("Require method: unknown method %s" % ", ".join(unknown))
    methods = frozenset(m.upper() for m in args)

    def check(req):
        method = "GET" if req.method == "HEAD" else req.method    # HEAD is a GET to Apache
        return GRANTED if method in methods else DENIED
    return check


def _local(args):
    """Apache's ``Require local``: loopback clients, or the server's own address."""
    if args:
        raise ValueError("Require local takes no arguments")
    return lambda req: GRANTED if is_local_client(req) else DENIED


PROVIDERS = {"local": _local, "all": _all, "valid-user": _valid_user, "user": _user, "group": _group,
             "ip": _ip, "host": _host, "env": _env, "method": _method}
