"""The Require tree folded once per (configuration, method) answers what the interpreter
(``authz``: each line's method mask, blocks, weights, evaluated per request) answers, for a
grid of configurations, methods and requests; its checks run in the interpreter's order
and stop where it stops; Order/Allow/Deny picked per method permits whom ``permits`` does."""

import itertools

import pytest

from plugins.basic_auth import authz
from plugins.basic_auth.authz import DENIED, GRANTED, NEEDS_USER, NEUTRAL, Block, Rule
from plugins.basic_auth.folding import fold, outcome_for
from plugins.basic_auth.method_masks import limited_to

from support.basic_auth import (CLIENTS, CONFIGS, DOC, MERGED, METHODS, AuthRequest,
                                directory_section as section, site_from)


def request(site, method, client):
    req = AuthRequest(site, DOC, method=method, ip=client["ip"], user=client["user"])
    for name in client["env"]:
        req.subprocess_env[name] = "1"
    return req


def interpreted(req):
    access = req.dir_config["Require"]
    return authz.GRANTED if access is None or not access.rules else access.evaluate(req)


def folded(req):
    outcome = outcome_for(req.dir_config["Require"], req.method)
    return outcome if isinstance(outcome, str) else outcome(req)


def sites(tmp_path):
    for i, body in enumerate(CONFIGS):
        folder = tmp_path / ("c%d" % i)
        folder.mkdir()
        yield body, site_from(folder, section(body))
    for i, (outer, inner) in enumerate(MERGED):
        folder = tmp_path / ("m%d" % i)
        folder.mkdir()
        yield (outer, inner), site_from(folder, section(outer, "/srv") + section(inner))


def test_folded_outcome_matches_the_interpreter(tmp_path):
    compared = 0
    for body, site in sites(tmp_path):
        for method, client in itertools.product(METHODS, CLIENTS):
            req = request(site, method, client)
            assert folded(req) == interpreted(req), (body, method, client)
            host = req.dir_config["Require"].host
            if host is not None:
                assert host.for_method(method)(req) == host.permits(req), (body, method, client)
            compared += 1
    assert compared == (len(CONFIGS) + len(MERGED)) * len(METHODS) * len(CLIENTS)


def test_constant_trees_fold_to_their_outcome(tmp_path):
    expected = {"Require all granted": GRANTED, "Require all denied": DENIED,
                "<RequireAll>\nRequire all denied\nRequire valid-user\n</RequireAll>": DENIED,
                "<RequireAny>\nRequire all granted\nRequire valid-user\n</RequireAny>": GRANTED,
                "<Limit GET>\nRequire all denied\n</Limit>": DENIED}
    for body, outcome in expected.items():
        folder = tmp_path / str(abs(hash(body)))
        folder.mkdir()
        config = site_from(folder, section(body)).merger.directory_config(
            site_from(folder, section(body)).main_server, DOC, "/x")
        assert outcome_for(config["Require"], "GET") == outcome, body
    assert outcome_for(None, "GET") == GRANTED


def recorder(calls, name, outcome):
    def check(req):
        calls.append(name)
        return outcome
    return check


@pytest.mark.parametrize("kind", ["all", "any", "none"])
def test_checks_run_in_order_and_stop_where_the_interpreter_stops(kind):
    """Each check a request reaches runs once, in the written order; a constant that ends
    the walk (DENIED in "all", GRANTED in "any") still lets the checks before it run."""
    outcomes = (GRANTED, DENIED, NEEDS_USER, NEUTRAL)
    post = limited_to(["POST"], False)
    req = type("Req", (), {"method": "GET"})()
    for first, second, constant, limited in itertools.product(outcomes, outcomes,
                                                               ("granted", "denied", None),
                                                               (False, True)):
        def tree(calls):
            children = [Rule("a", recorder(calls, "a", first), False),
                        Rule("b", recorder(calls, "b", second), False,
                             post if limited else limited_to([], True))]
            if constant:
                children.insert(1, authz.make_rule(["all", constant]))
            return Block(kind, children)
        seen, got = [], []
        expected = tree(seen).evaluate(req)
        compiled = fold(tree(got), "GET")
        answer = compiled if isinstance(compiled, str) else compiled(req)
        assert (answer, got) == (expected, seen), (kind, first, second, constant, limited)


def test_plans_of_made_up_methods_match_the_interpreter(tmp_path):
    """Methods of no standard name share one plan unless a <Limit> names them: over the grid
    (plus sections naming made-up methods), the plan's outcome, permits and Satisfy are the
    interpreter's for each."""
    from plugins.basic_auth.plan import plan_of
    extra = ["<Limit BREW>\nRequire all denied\n</Limit>\nRequire valid-user",
             "<LimitExcept GET BREW>\nRequire ip 10.0.0.0/8\n</LimitExcept>",
             "<Limit BREW>\nOrder deny,allow\nDeny from all\nSatisfy Any\n</Limit>\n"
             "Require valid-user"]
    for i, body in enumerate(extra):
        folder = tmp_path / ("x%d" % i)
        folder.mkdir()
        extra[i] = (body, site_from(folder, section(body)))
    for (body, site), method, client in itertools.product(
            list(sites(tmp_path)) + extra, ("BREW", "TEA", "get", "GET"), CLIENTS[:8]):
        req = request(site, method, client)
        plan = plan_of(req)
        outcome = plan.outcome if isinstance(plan.outcome, str) else plan.outcome(req)
        assert outcome == interpreted(req), (body, method, client)
        host = req.dir_config["Require"].host
        if host is None:
            assert plan.permits is None
        else:
            assert plan.permits(req) == host.permits(req), (body, method, client)
            assert plan.satisfy_any == host.satisfy_any(method), (body, method)
