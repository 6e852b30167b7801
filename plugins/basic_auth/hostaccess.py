"""mod_access_compat: Apache 2.2's ``Order``, ``Allow from``, ``Deny from`` and ``Satisfy``,
as Apache 2.4 still runs them: in the access phase, before ``Require``.

``Satisfy`` decides how the result combines with ``Require``: ``All`` (or unset) needs both,
``Any`` lets a permitted host in without ``Require`` and sends a refused one on to it.

Host names (``Allow from .example.com``, ``Allow from localhost``) never match: Apache checks
them with a double reverse DNS lookup, which greenphase does not do (as for ``Require host``).
"""

from dataclasses import dataclass

from .addresses import client_address, parse_network

DENY_ALLOW, ALLOW_DENY, MUTUAL_FAILURE = "deny,allow", "allow,deny", "mutual-failure"
ORDERS = (DENY_ALLOW, ALLOW_DENY, MUTUAL_FAILURE)
SATISFY = ("all", "any")


def _never(req):
    return False


def _always(req):
    return True


def parse_source(text):
    """A predicate ``match(req)`` for one word after ``Allow from``/``Deny from``; ValueError
    when the word looks like an address and is not one."""
    if text[:4].lower() == "env=":
        name, negated = text[4:].lstrip("!"), text[4:].startswith("!")
        if not name:
            raise ValueError("%s needs a variable name" % text)
        return lambda req: (name in req.subprocess_env) != negated
    if text.lower() == "all":
        return _always
    if "/" in text or ":" in text or all(c.isdigit() or c == "." for c in text):
        try:
            network = parse_network(text)
        except ValueError:
            raise ValueError("an IP address was expected, not %r" % text) from None
        return lambda req: _in_network(req, network)
    return _never


def _in_network(req, network):
    address = client_address(req)
    return address is not None and address in network


def _applying(entries, method):
    return [value for methods, value in entries if methods.applies(method)]


@dataclass(frozen=True)
class HostAccess:
    """One section's Order/Allow/Deny/Satisfy lines, each as (Methods, value) in config order.

    Apache has no merge for them: a section that sets any of the four replaces all four of
    the outer sections (an inner ``Satisfy Any`` alone starts from an empty Allow/Deny)."""

    orders: tuple = ()
    allows: tuple = ()
    denies: tuple = ()
    satisfies: tuple = ()

    def permits(self, req):
        method = req.method
        orders = _applying(self.orders, method)
        allowed = any(match(req) for match in _applying(self.allows, method))
        denied = any(match(req) for match in _applying(self.denies, method))
        if (orders[-1] if orders else DENY_ALLOW) == DENY_ALLOW:
            return allowed or not denied
        return allowed and not denied     # allow,deny and mutual-failure alike

    def satisfy_any(self, method):
        satisfies = _applying(self.satisfies, method)
        return bool(satisfies) and satisfies[-1] == "any"

    def for_method(self, method):
        """``permits`` with the lines that apply to ``method`` picked once: a function of
        the request (the per-configuration plan keeps it per method)."""
        orders = _applying(self.orders, method)
        allows = tuple(_applying(self.allows, method))
        denies = tuple(_applying(self.denies, method))
        deny_allow = (orders[-1] if orders else DENY_ALLOW) == DENY_ALLOW

        def permits(req):
            allowed = denied = False
            for match in allows:
                if match(req):
                    allowed = True
                    break
            for match in denies:
                if match(req):
                    denied = True
                    break
            if deny_allow:
                return allowed or not denied
            return allowed and not denied
        return permits
