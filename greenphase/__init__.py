"""greenphase's public plugin API: exactly the kernel's public list (``kernel.__all__``).

A plugin writes ``from greenphase import hookimpl, OK, Directive``; ``kernel`` is the
implementation behind these names, and nothing else of it is a contract. A plugin that only
uses ``pluggy.HookimplMarker("greenphase")`` works without importing this package.
"""

from importlib.metadata import PackageNotFoundError, version as _version

import kernel as _kernel

try:
    __version__ = _version("greenphase")
except PackageNotFoundError:        # run from a checkout that was never installed
    __version__ = "0+unknown"

__all__ = list(_kernel.__all__)


def __getattr__(name):
    # The kernel resolves its names on first use (some must be made after gevent patched
    # the standard library); so does this package.
    if name in _kernel.__all__:
        value = getattr(_kernel, name)
        globals()[name] = value
        return value
    raise AttributeError("module 'greenphase' has no public name %r (see greenphase.__all__)"
                         % name)


def __dir__():
    return __all__ + ["__version__"]
