"""The fake request is ``kernel.testing.FakeRequest``; this name stays for the tests that
still import it from here (tests/plugins/psp/psp_helpers.py)."""

from kernel.testing import FakeRequest

__all__ = ["FakeRequest"]
