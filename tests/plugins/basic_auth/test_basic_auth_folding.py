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

from support.basic_auth import AuthRequest, directory_section as section, site_from

DOC = "/srv/site/doc.html"

CONFIGS = [
    "Require all granted",
    "Require all denied",
    "Require valid-user",
    "Require user spam",
    "Require ip 10.0.0.0/8",
    "Require method GET",
    "Require env FOO",
    "Require local",
    "Require ip 10.0.0.0/8\nRequire valid-user",
    "<RequireAll>\nRequire valid-user\nRequire not ip 10.0.0.0/8\n</RequireAll>",
    "<RequireAny>\nRequire ip 10.0.0.0/8\nRequire valid-user\n</RequireAny>",
    "<RequireAll>\nRequire all granted\n<RequireNone>\nRequire user eve\n"
    "Require ip 192.0.2.0/24\n</RequireNone>\n</RequireAll>",
    "<RequireAll>\nRequire all denied\nRequire valid-user\n</RequireAll>",
    "<RequireAll>\nRequire valid-user\nRequire all denied\n</RequireAll>",
    "<RequireAny>\nRequire valid-user\nRequire all granted\n</RequireAny>",
    "<RequireAny>\nRequire all denied\nRequire user spam\n</RequireAny>",
    "<RequireAll>\nRequire all granted\nRequire valid-user\n</RequireAll>",
    "<RequireAll>\nRequire not all denied\nRequire user spam\n</RequireAll>",
    "<RequireAll>\nRequire not env FOO\nRequire all granted\n</RequireAll>",
    "<Limit POST>\nRequire valid-user\n</Limit>",
    "<LimitExcept GET>\nRequire all denied\n</LimitExcept>\nRequire all granted",
    "<Limit POST PUT>\n<RequireAll>\nRequire valid-user\nRequire not ip 192.0.2.0/24\n"
    "</RequireAll>\n</Limit>\nRequire ip 10.0.0.0/8",
    "<Limit GET>\nRequire all denied\n</Limit>",
    "Order deny,allow\nDeny from all\nAllow from 10.0.0.0/8",
    "Order allow,deny\nAllow from env=FOO\nDeny from 192.0.2.0/24\nRequire valid-user",
    "Order mutual-failure\nAllow from 10.0.0.0/8 127.0.0.1\nDeny from 10.9.0.0/16",
    "<Limit POST>\nOrder deny,allow\nDeny from all\n</Limit>\nRequire all granted",
    "Satisfy Any\nRequire valid-user\nOrder allow,deny\nAllow from 10.0.0.0/8",
    "<Limit GET>\nSatisfy Any\n</Limit>\nRequire user spam\nAllow from 127.0.0.1",
]
# Two sections merged by AuthMerging: the outer one under /srv, the inner one at /srv/site.
MERGED = [("Require ip 10.0.0.0/8", "AuthMerging And\nRequire valid-user"),
          ("Require ip 10.0.0.0/8", "AuthMerging Or\n<Limit POST>\nRequire user spam\n</Limit>"),
          ("<Limit GET>\nRequire all denied\n</Limit>", "AuthMerging Or\nRequire local")]
METHODS = ("GET", "HEAD", "POST", "PUT", "BREW")
CLIENTS = [dict(ip=ip, user=user, env=env) for ip, user, env in itertools.product(
    ("10.1.2.3", "192.0.2.1", "127.0.0.1", "10.9.0.1"), (None, "spam", "eve"), ((), ("FOO",)))]


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
