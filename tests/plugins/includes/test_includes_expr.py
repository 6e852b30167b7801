"""The if/elif expression subset (Apache 2.4's ap_expr, and the legacy parser), one rule
per case; anything outside the subset is an ExprError naming what was wrong."""

import re

import pytest

from plugins.includes.expr import ExprError, evaluate, evaluate_legacy

ENV = {"A": "foo", "N": "5", "E": ""}


def lookup(name):
    return ENV.get(name, "")


class Expander:
    def expand(self, text):
        return re.sub(r"\$\{?(\w+)\}?", lambda m: ENV.get(m.group(1), ""), text)


@pytest.mark.parametrize("expr,value", [
    ("%{A} == 'foo'", True), ("%{A} != 'foo'", False), ("v('A') == \"foo\"", True),
    ("'x%{A}' == 'xfoo'", True), ("-n %{A}", True), ("-z %{E}", True), ("-z %{UNSET}", True),
    ("%{A} =~ /^F/i", True), ("%{A} !~ m#o$#", False), ("%{N} -gt 3 && %{N} -le 5", True),
    ("!(%{A} == 'foo') || false", False), ("true && (false || %{A} < 'goo')", True),
])
def test_apache_24_subset(expr, value):
    assert evaluate(expr, lookup) is value


@pytest.mark.parametrize("expr", ["%{A} foo", "%{A} -ipmatch '10/8'", "md5('x') == 'y'",
                                  "(%{A} == 'foo'", "%{N} -gt x", "%{A} =~ /(/"])
def test_outside_the_subset_is_an_error(expr):
    with pytest.raises(ExprError):
        evaluate(expr, lookup)


@pytest.mark.parametrize("expr,value", [
    ("$A", True), ("$E", False), ("$A = foo", True), ("${A} != foo", False),
    ("$A = /^fo/", True), ("\"${A}x\" = foox", True), ("!$E && ($A = bar || $N >= 4)", True),
])
def test_legacy_parser(expr, value):
    assert evaluate_legacy(expr, Expander()) is value
