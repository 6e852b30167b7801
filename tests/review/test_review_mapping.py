"""Review of the core plugin's remembered path walks (kernel/coreplugin/mapping.py).

Under the WSGI entry each request runs in its own thread (kernel/deploy/wsgi.py), so two
requests for one remembered file can both find it gone (or turned into a directory) and both
drop its memo entry: the second drop must not raise (a KeyError there was a 500 with a
traceback instead of the walk's answer).
"""

import os
import types

import pytest

from kernel.coreplugin import mapping


@pytest.fixture(autouse=True)
def no_remembered_walks(monkeypatch):
    monkeypatch.setattr(mapping, "_walks", {})


def another_request_drops_the_entry_during_the_stat(monkeypatch, filename):
    """os.stat as the core plugin sees it, with another thread's walk dropping the memo entry
    of ``filename`` while this one is in its stat."""
    def stat(path, *args, **kwargs):
        mapping._walks.pop(filename, None)
        return os.stat(path, *args, **kwargs)
    monkeypatch.setattr(mapping, "os", types.SimpleNamespace(stat=stat, path=os.path,
                                                             lstat=os.lstat))


def test_a_vanished_file_dropped_twice_is_walked_again(tmp_path, monkeypatch):
    page = tmp_path / "page.html"
    page.write_text("x")
    assert mapping._walk(str(page)) == (str(page), "", os.stat(page))      # remembered
    assert str(page) in mapping._walks
    page.unlink()
    another_request_drops_the_entry_during_the_stat(monkeypatch, str(page))
    path, rest, st = mapping._walk(str(page))
    assert (path, rest, st) == (str(page), "", None)        # as a walk afresh answers


def test_a_file_turned_directory_dropped_twice_is_walked_again(tmp_path, monkeypatch):
    script = tmp_path / "script.py"
    script.write_text("x")
    name = str(script) + "/more/info"
    assert mapping._walk(name)[:2] == (str(script), "/more/info")
    script.unlink()
    (script / "more").mkdir(parents=True)
    another_request_drops_the_entry_during_the_stat(monkeypatch, name)
    path, rest, st = mapping._walk(name)
    assert (path, rest, st) == (str(script / "more" / "info"), "", None)
