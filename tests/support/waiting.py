"""Bounded waiting for a condition (never a fixed sleep standing in for synchronisation)."""

import time


def wait_for(predicate, timeout=30.0, what="condition", interval=0.02):
    """Poll ``predicate`` until it returns something true, and return that; AssertionError
    naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(interval)
