"""The call order of a site's plugins: bands, then declared constraints, then the site list.

A plugin may declare, as a module (or object) attribute::

    greenphase_order = {"before": ["static"], "after": ["basic_auth"]}

meaning: in every hook both implement (in the same ``tryfirst``/``trylast`` band), this
plugin's implementation is called before ``static``'s and after ``basic_auth``'s. A name
that is not installed is an error; one that is installed but not enabled for this site is
ignored. The bands win: a constraint that a band contradicts is an error naming both plugins
and the hook. Everything left free follows the site's list.
"""

import heapq

from ..config.errors import ConfigError

ORDER_ATTRIBUTE = "greenphase_order"


def constraints_of(plugin):
    """(before, after) name tuples a plugin declares; a ConfigError when malformed."""
    declared = getattr(plugin, ORDER_ATTRIBUTE, None)
    if declared is None:
        return (), ()
    if not isinstance(declared, dict) or set(declared) - {"before", "after"}:
        raise ValueError("%s must be a dict with keys 'before' and/or 'after'" % ORDER_ATTRIBUTE)
    before, after = declared.get("before", ()), declared.get("after", ())
    for names in (before, after):
        if isinstance(names, str) or not all(isinstance(n, str) for n in names):
            raise ValueError("%s values must be lists of plugin names" % ORDER_ATTRIBUTE)
    return tuple(before), tuple(after)


def linear_order(names, constraints, installed_names):
    """Sort ``names`` (the site's list) so every ``a before b`` holds, keeping the site's
    order wherever the constraints leave it free. ``constraints``: name -> (before, after).
    Returns (order, errors)."""
    errors = []
    position = {n: i for i, n in enumerate(names)}
    edges = {n: {} for n in names}          # a -> {b: who declared it}: a runs before b
    for name in names:
        before, after = constraints.get(name, ((), ()))
        for other, pair in [(o, (name, o)) for o in before] + [(o, (o, name)) for o in after]:
            if other not in installed_names and other not in position:
                errors.append(ConfigError("plugin %s orders itself against %r, which is not "
                                          "installed" % (name, other)))
            elif other in position and other != name:
                edges[pair[0]][pair[1]] = name
    incoming = {n: 0 for n in names}
    for a, targets in edges.items():
        for b in targets:
            incoming[b] += 1
    ready = [(position[n], n) for n in names if incoming[n] == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        _, name = heapq.heappop(ready)
        order.append(name)
        for b in edges[name]:
            incoming[b] -= 1
            if incoming[b] == 0:
                heapq.heappush(ready, (position[b], b))
    if len(order) < len(names):
        stuck = [n for n in names if n not in order]
        pairs = sorted("%s before %s" % (a, b) for a in stuck for b in edges[a] if b in stuck)
        errors.append(ConfigError("plugin order has a cycle: %s" % "; ".join(pairs)))
        order += stuck
    return order, edges, errors


def band_errors(pm, edges):
    """A declared ``a before b`` that a tryfirst/trylast band makes impossible, per hook."""
    def band(impl):
        return 0 if impl.tryfirst else 2 if impl.trylast else 1

    errors = []
    for hook_name in sorted(pm.hook.__dict__):
        caller = getattr(pm.hook, hook_name)
        if not hasattr(caller, "get_hookimpls"):
            continue
        impls = {}
        for impl in caller.get_hookimpls():
            impls.setdefault(impl.plugin_name, []).append(band(impl))
        for a, targets in edges.items():
            for b, declarer in targets.items():
                if a in impls and b in impls and min(impls[a]) > max(impls[b]):
                    first, second = (a, b) if declarer == a else (b, a)
                    wish = "before" if declarer == a else "after"
                    errors.append(ConfigError(
                        "plugin %s wants to run %s %s, but in %s its implementation is %s and "
                        "%s's is %s" % (first, wish, second, hook_name,
                                        _band_name(max(impls[first]) if wish == "after"
                                                   else min(impls[first])), second,
                                        _band_name(min(impls[second]) if wish == "after"
                                                   else max(impls[second])))))
    return errors


def _band_name(band):
    return ("tryfirst", "in the normal band", "trylast")[band]


def apply_order(pm, order):
    """Make every hook call its implementations in (band, position in ``order``) order
    (``order`` includes the core plugin; a name missing from it comes last in its band).

    pluggy orders the trylast band by first registration and the others by last
    registration, so no registration order gives one rule for all bands; the kernel sets
    the order itself. (pluggy keeps each hook's implementations in ``_hookimpls``, called
    from the end, with wrappers after the plain ones; tests/kernel/test_plugin_order.py
    fails if that changes.)"""
    position = {name: i for i, name in enumerate(order)}
    last = len(order)

    def key(impl):
        band = 0 if impl.tryfirst else 2 if impl.trylast else 1
        return band, position.get(impl.plugin_name, last)

    for caller in vars(pm.hook).values():
        impls = getattr(caller, "_hookimpls", None)
        if not impls:
            continue
        plain = [i for i in impls if not (i.hookwrapper or i.wrapper)]
        wrappers = [i for i in impls if i.hookwrapper or i.wrapper]
        impls[:] = sorted(plain, key=key, reverse=True) + wrappers
