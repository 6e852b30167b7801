"""Per-object authentication (semantics 5.7), from plain attributes and decorators.

Any module, function, method or object on the published path may carry:

* ``__auth_realm__``: the realm of the Basic challenge (default ``"unknown"``; inherited
  by the objects further down the path);
* ``__auth__``: a ``{user: password}`` dict, a callable ``(req, user, password) -> bool``
  or a constant truth value; failing it answers 401 with ``WWW-Authenticate``;
* ``__access__``: a list/tuple of users, a callable ``(req, user) -> bool`` or a constant;
  failing it answers 403.

Set them as module globals, function attributes (``f.__auth__ = {...}``), class attributes,
or with the :func:`auth` / :func:`access` decorators below (re-exported by
``mod_python.publisher``). Rules 3.5 read from inside a function's body are not read, and such
a function is refused (500) rather than published unprotected (``nested.py``). Checks run
outermost first, so a module ``__auth__`` guards everything in it.
"""

import hmac
from types import FunctionType, ModuleType

from greenphase import SERVER_RETURN
from greenphase import BadCredentials, NoCredentials, OtherScheme, parse_basic
from greenphase import basic_challenge as challenge
from greenphase import constants as C

from .nested import NAMES, bound_rule_names, nested_rule_names
from .nested_source import rules_in_body


def auth(rule, realm=None):
    """Decorator: require Basic credentials accepted by ``rule`` (dict or callable)."""
    def protect(obj):
        obj.__auth__ = rule
        if realm is not None:
            obj.__auth_realm__ = realm
        return obj
    return protect


def access(rule):
    """Decorator: only users accepted by ``rule`` (list/tuple or callable) may call this."""
    def protect(obj):
        obj.__access__ = rule
        return obj
    return protect


def basic_credentials(req):
    """(user, password) from ``Authorization: Basic``; (None, None) without one.

    Unlike 3.5 another scheme (Bearer, Digest) counts as no credentials (then 401 with the
    Basic challenge) instead of a 400; a malformed Basic value is still 400.
    """
    try:
        user, password = parse_basic(req.headers_in)
    except (NoCredentials, OtherScheme):
        return None, None
    except BadCredentials:
        raise SERVER_RETURN(C.HTTP_BAD_REQUEST) from None
    return _text(user), _text(password)


def _text(raw):
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _same(a, b):
    return isinstance(b, str) and hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def rule_free(obj):
    """True for the common objects that carry no rule, answered at once: a module (with no
    module ``__getattr__`` or ``__code__`` that could make one up) and a plain function whose
    body binds none; their attributes are their ``__dict__``. False: ask ``Guard._check``."""
    kind = type(obj)
    if kind is FunctionType:
        found = obj.__dict__
        return ("__auth__" not in found and "__access__" not in found
                and "__auth_realm__" not in found and not bound_rule_names(obj.__code__))
    if kind is ModuleType:
        found = obj.__dict__
        return ("__auth__" not in found and "__access__" not in found
                and "__auth_realm__" not in found and "__getattr__" not in found
                and "__code__" not in found)
    return False


class Guard:
    """The authentication state along one published path (credentials are parsed once)."""

    def __init__(self, req):
        self.req = req
        self.realm = "unknown"
        self.credentials = None

    def __call__(self, obj):
        if not rule_free(obj):
            self._check(obj)

    def notice(self, message):
        """Why a request was refused, in the error log (the traversal's ``log``)."""
        self.req.log_error(message, C.APLOG_NOTICE)

    def _check(self, obj):
        rules = {name: getattr(obj, name, None) for name in NAMES}
        nested = nested_rule_names(obj, skip=[n for n, v in rules.items() if v is not None])
        if nested:
            found = rules_in_body(obj, nested)      # from the source, never by running it
            if found is None:
                self.req.log_error(
                    "%s defines %s inside its body in a way greenphase cannot read from its "
                    "source without running it (a literal or a nested def at the top of the "
                    "body is read); refused: set it as an attribute or use @auth / @access"
                    % (getattr(obj, "__qualname__", obj), ", ".join(sorted(nested))))
                raise SERVER_RETURN(C.HTTP_INTERNAL_SERVER_ERROR)
            rules.update(found)
        realm, rule, allowed = rules["__auth_realm__"], rules["__auth__"], rules["__access__"]
        if realm is not None:
            self.realm = str(realm)
        if rule is None and allowed is None:
            return
        if self.credentials is None:
            self.credentials = basic_credentials(self.req)
        user, password = self.credentials
        if rule is not None and (user is None or not self._authenticated(rule, user, password)):
            self.req.err_headers_out["WWW-Authenticate"] = challenge(self.realm)
            raise SERVER_RETURN(C.HTTP_UNAUTHORIZED)
        if allowed is not None and not self._permitted(allowed, user):
            raise SERVER_RETURN(C.HTTP_FORBIDDEN)

    def _authenticated(self, rule, user, password):
        if callable(rule):
            return rule(self.req, user, password)
        if isinstance(rule, dict):
            return user in rule and _same(password, rule[user])
        return bool(rule)

    def _permitted(self, allowed, user):
        if callable(allowed):
            return allowed(self.req, user)
        if isinstance(allowed, (list, tuple)):
            return user in allowed
        return bool(allowed)
