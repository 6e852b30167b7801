"""What the basic_auth plugin does for one merged configuration and request method, worked
out once and kept in the configuration's memo (``config.memo``; a changed configuration, as
after an ``.htaccess`` edit, is a new object with an empty memo).

A request's phases then read the plan instead of walking the directives: the Require tree
folded for the method (:mod:`.folding`), the Order/Allow/Deny lines that apply to it and
its ``Satisfy``, and the Basic settings (AuthType, AuthName, AuthBasicCharset).
"""

from greenphase import constants as C

from .folding import outcome_for

# Memo keys per method, made once (a made-up method gets a plan that is not remembered).
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


def plan_of(req):
    """The plan of ``req``'s merged configuration for its method."""
    method = req.method
    key = PLAN_KEYS.get(method)
    memo = req.dir_config.memo
    if key is not None:
        plan = memo.get(key)
        if plan is not None:
            return plan
        plan = memo[key] = Plan(req.dir_config, method)
        return plan
    return Plan(req.dir_config, method)
