"""``import greenphase.testing`` / ``from greenphase.testing import start_server``: the kit for
plugin authors' tests is ``kernel.testing`` itself (the same module object as
``greenphase.testing`` reached as an attribute), not a copy."""

import sys

import kernel.testing

sys.modules[__name__] = kernel.testing
