"""Which request methods an access-control line applies to: all of them, those a ``<Limit>``
lists, or all but those a ``<LimitExcept>`` lists (Apache's method mask, kept by name).

Apache numbers HEAD as GET, in requests and in ``<Limit>`` lists alike: ``<Limit GET>``
covers HEAD and ``<Limit HEAD>`` covers GET. Names are compared exactly, as Apache does
(``<Limit get>`` names a method called "get", not GET).
"""

from dataclasses import dataclass


def method_name(method):
    return "GET" if method == "HEAD" else method


@dataclass(frozen=True)
class Methods:
    names: frozenset = frozenset()
    excluded: bool = True          # True: every method except ``names``

    def applies(self, method):
        return (method_name(method) in self.names) != self.excluded


ALL = Methods()


def limited_to(names, excluded):
    """The methods of ``<Limit names...>`` (excluded False) or ``<LimitExcept ...>``."""
    return Methods(frozenset(method_name(name) for name in names), excluded)
