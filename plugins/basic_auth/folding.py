"""A merged configuration's ``Require`` tree folded for one request method, once.

``authz`` evaluates the tree as written: for every request it asks each line whether it
applies to the method (``<Limit>``), walks the blocks and weighs the outcomes. All of that
depends on the configuration and the method only, so it is folded here into either a
constant outcome (``Require all granted``: nothing left to ask) or one function of the request
that calls only the checks that read it, in the written order (so a check that logs or raises,
as ``Require group`` without its file, runs exactly when the interpreter would run it).

``fold(node, method)`` answers ``None`` when nothing in ``node`` applies to ``method`` (its
parent then counts it as Apache does: GRANTED inside "all", skipped inside "any"), else an
outcome (a str) or a function ``f(req) -> outcome``. ``outcome_for`` is the top level, where
"nothing applies" grants. ``tests/plugins/basic_auth/test_basic_auth_folding.py`` holds the
folded form to the interpreter over a grid of configurations, methods and requests.
"""

from .authz import (_ALL_WEIGHT, _ANY_WEIGHT, _NEGATION, DENIED, GRANTED, NEUTRAL, AuthzConfig,
                    Block, Rule)


def outcome_for(config, method):
    """The top-level Require of ``config`` (an AuthzConfig, or None) for ``method``: a
    constant outcome or a function of the request."""
    if config is None or not config.rules:
        return GRANTED
    folded = fold(config, method)
    return GRANTED if folded is None else folded


def fold(node, method):
    if isinstance(node, Rule):
        return _fold_rule(node, method)
    if isinstance(node, Block):
        children = node.children
        if not node.applies(method):
            return None
        if node.kind == "all":
            return _fold_all(children, method)
        folded = _fold_any(children, method)
        return _negate(folded) if node.kind == "none" else folded
    if isinstance(node, AuthzConfig):        # a merged section inside AuthMerging's block
        if not node.applies(method):
            return None
        return _fold_any(node.rules, method)
    raise TypeError("not a Require node: %r" % (node,))


def _fold_rule(rule, method):
    if not rule.applies(method):
        return None
    check = rule.check
    if rule.constant:                       # ``Require all ...`` ignores the request
        outcome = check(None)
        return _NEGATION.get(outcome, outcome) if rule.negated else outcome
    return _negate(check) if rule.negated else check


def _negate(folded):
    if isinstance(folded, str):
        return _NEGATION.get(folded, folded)

    def negated(req):
        outcome = folded(req)
        return _NEGATION.get(outcome, outcome)
    return negated


def _fold_all(children, method):
    """``authz.all_of``: DENIED at once, else the heaviest outcome (a child that does not
    apply counts as GRANTED)."""
    return _fold_join(children, method, DENIED, _ALL_WEIGHT, GRANTED)


def _fold_any(children, method):
    """``authz.any_of``: GRANTED at once, else the heaviest outcome (children that do not
    apply are skipped)."""
    return _fold_join(children, method, GRANTED, _ANY_WEIGHT, None)


def _fold_join(children, method, stop, weight, not_applying):
    """Fold an all/any join: ``stop`` ends the walk, else the outcome of most ``weight``
    wins; a child that does not apply counts as ``not_applying`` (None: skipped)."""
    checks, best = [], NEUTRAL
    for child in children:
        folded = fold(child, method)
        if folded is None:
            if not_applying is None:
                continue
            folded = not_applying
        if not isinstance(folded, str):
            checks.append(folded)
        elif folded == stop:            # the walk stops here: later children never run
            return _run_then(checks, stop) if checks else stop
        elif weight[folded] > weight[best]:
            best = folded
    if not checks:
        return best
    if len(checks) == 1 and best == NEUTRAL:
        return checks[0]                # a join of one outcome is that outcome
    checks = tuple(checks)

    def join(req):
        result = best
        for check in checks:
            outcome = check(req)
            if outcome == stop:
                return stop
            if weight[outcome] > weight[result]:
                result = outcome
        return result
    return join


def _run_then(checks, final):
    """The checks before a constant that ends the walk: their early answer (DENIED in "all",
    GRANTED in "any") or else ``final``, which is that same answer; they still run in order,
    as the interpreter runs them, for what they log or raise."""
    checks = tuple(checks)

    def run(req):
        for check in checks:
            if check(req) == final:
                return final
        return final
    return run
