"""The module loader's clock (``loader.clock``), stepped by hand: PythonAutoReloadInterval
tests move time without sleeping. Use the ``loader_clock`` fixture (import it into the test
module): ``clock.now += 2`` passes two seconds for the loader."""

import pytest

from kernel import loader


class Clock:
    def __init__(self, now=1000.0):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def loader_clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(loader, "clock", clock)
    return clock
