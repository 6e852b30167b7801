"""What the basic_auth plugin does for one merged configuration and request method, worked
out once and kept in the configuration's memo (``config.memo``; a changed configuration, as
after an ``.htaccess`` edit, is a new object with an empty memo).

A request's phases then read the plan instead of walking the directives: the Require tree
folded for the method (:mod:`.folding`), the Order/Allow/Deny lines that apply to it and
its ``Satisfy``, and the Basic settings (AuthType, AuthName, AuthBasicCharset).
"""

from greenphase import constants as C

from .authz import GRANTED, Block, Rule
from .folding import outcome_for
from .method_masks import method_name

# Memo keys per standard method, made once.
PLAN_KEYS = {method: "basic_auth.plan " + method for method in C.METHODS}


class Plan:
    """``outcome``: the Require outcome (a str) or ``outcome(req)``; ``permits``: None
    without Order/Allow/Deny/Satisfy, else ``permits(req)``; ``satisfy_any``: ``Satisfy Any``
    for this method; ``basic``: the resource is ``AuthType Basic``; ``realm``: AuthName;
    ``codec``: the charset credentials are decoded with."""

    __slots__ = ("outcome", "permits", "satisfy_any", "basic", "realm", "codec")

    def __init__(self, config, method):
        access = config["Require"]
        self.outcome = outcome_for(access, method)
        host = access.host if access is not None else None
        self.permits = host.for_method(method) if host is not None else None
        self.satisfy_any = host.satisfy_any(method) if host is not None else False
        self.basic = (config["AuthType"] or "").lower() == "basic"
        self.realm = config["AuthName"]
        self.codec = config["AuthBasicCharset"]


# A method of no standard name that no <Limit>/<LimitExcept> of the configuration names is
# answered like any other such method: one plan for all of them, remembered under this key.
_OTHERS_KEY = "basic_auth.plan (other methods)"
_NAMED_KEY = "basic_auth.methods named"


def plan_of(req):
    """The plan of ``req``'s merged configuration for its method."""
    method = req.method
    key = PLAN_KEYS.get(method)
    config = req.dir_config
    memo = config.memo
    if key is None:                     # a made-up method: no key of its own, ever
        named = memo.get(_NAMED_KEY)
        if named is None:
            named = memo[_NAMED_KEY] = frozenset(_names_in_masks(config["Require"]))
        if method_name(method) in named:
            return Plan(config, method)
        key, method = _OTHERS_KEY, _UNNAMED
    plan = memo.get(key)
    if plan is None:
        plan = memo[key] = Plan(config, method)
    return plan


def acting_phases(config):
    """The phases this plugin acts in for requests under the merged ``config`` (the kernel's
    per-configuration phase plan): ``check_user_id`` and ``auth_checker`` always (they run
    only when some plugin requires a user, and then Basic's 401 and Require still apply);
    ``auth_required`` when some method's Require may need a user (or Order/Allow/Deny
    decide); ``access_checker`` when some method may be refused, or the resource is Basic
    with a realm (a user read early by ``get_basic_auth_pw`` is forgotten there). Where
    ``Require all granted`` is all there is, neither runs.

    Only a request re-mapped in place (DirectoryIndex) from a Basic resource, whose code read
    the credentials in a late phase (fixups), to a file under such a configuration keeps that
    user: the index's configuration asks nobody for one and no access_checker runs there."""
    phases = {"check_user_id", "auth_checker"}
    if (config["AuthType"] or "").lower() == "basic" and config["AuthName"]:
        phases.add("access_checker")
    access = config["Require"]
    if access is None:
        return phases
    if access.host is not None:
        return phases | {"access_checker", "auth_required"}
    outcomes = {outcome_for(access, method) for method in _methods_that_differ(access)}
    if not all(isinstance(outcome, str) for outcome in outcomes):
        phases.update(("access_checker", "auth_required"))
    elif outcomes != {GRANTED}:
        phases.add("access_checker")        # refused for some method, whoever asks
    return phases


_UNNAMED = "\0any other method"


def _methods_that_differ(node):
    """One method for each way the tree can answer: every name a ``<Limit>`` lists (HEAD is
    GET to them) and one no list names."""
    return _names_in_masks(node) | {"GET", _UNNAMED}


def _names_in_masks(access):
    """Every method name a ``<Limit>``/``<LimitExcept>`` of ``access`` (an AuthzConfig or
    None) lists, for its Require lines and its Order/Allow/Deny/Satisfy lines."""
    names = set()
    if access is None:
        return names
    host = access.host
    if host is not None:
        for entries in (host.orders, host.allows, host.denies, host.satisfies):
            for methods, _ in entries:
                names.update(methods.names)
    stack = [access]
    while stack:
        node = stack.pop()
        if isinstance(node, Rule):
            names.update(node.methods.names)
        elif isinstance(node, Block):
            stack.extend(node.children)
        else:
            stack.extend(node.rules)
    return names
