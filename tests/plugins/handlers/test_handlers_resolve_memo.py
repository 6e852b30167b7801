"""The dispatcher remembers what a handler entry resolved to (the module's generation and the
function's name, per phase directive); every way that answer goes stale is seen: the file
changes (at once, or after PythonAutoReloadInterval), the module rebinds the name, another
merged configuration with another PythonPath, another site, a class in the object path."""

import os
import textwrap

import pytest

import plugins.handlers as phases
from kernel import DirConfig, PhaseError, loader
from kernel.lifecycle.constants import OK
from plugins.handlers.directives import HandlerEntry

from test_handlers_dispatch import DEFAULTS, Req, entries
from support.loader_clock import loader_clock  # noqa: F401  (the fixture)

RELOADING = {"PythonAutoReload": True, "PythonAutoReloadInterval": 0}


def write(path, text, mtime):
    path.write_text(textwrap.dedent(text))
    os.utime(path, ns=(mtime, mtime))


def version(number, extra=""):
    return "def handler(req):\n    req.calls.append(%d)\n    return 0\n%s" % (
        number, textwrap.dedent(extra))


@pytest.fixture
def clock(loader_clock):
    return loader_clock


def run(req):
    assert phases.handler(req) == OK
    return req.calls.pop()


def same_config_request(config, filename=None):
    """A new request sharing the merged configuration ``config`` (as the merger hands out)."""
    req = Req({})
    req.dir_config = config
    return req


def test_a_changed_file_is_resolved_again(tmp_path):
    write(tmp_path / "page.py", version(1), 10**18)
    req = Req({"PythonHandler": {"": entries(tmp_path, "page")}, **RELOADING})
    assert run(req) == 1
    entry = req.dir_config["PythonHandler"][""][0]
    assert "PythonHandler" in entry.resolved            # remembered
    assert run(same_config_request(req.dir_config)) == 1
    write(tmp_path / "page.py", version(2), 2 * 10**18)
    assert run(same_config_request(req.dir_config)) == 2


def test_the_interval_holds_the_old_code_until_it_has_passed(tmp_path, clock):
    write(tmp_path / "page.py", version(1), 10**18)
    config = DirConfig({"PythonHandler": {"": entries(tmp_path, "page")},
                        "PythonAutoReload": True, "PythonAutoReloadInterval": 2.0}, DEFAULTS)
    assert run(same_config_request(config)) == 1
    write(tmp_path / "page.py", version(2), 2 * 10**18)
    clock.now += 1.9
    assert run(same_config_request(config)) == 1
    clock.now += 0.1
    assert run(same_config_request(config)) == 2


def test_autoreload_off_never_looks_again(tmp_path):
    write(tmp_path / "page.py", version(1), 10**18)
    config = DirConfig({"PythonHandler": {"": entries(tmp_path, "page")},
                        "PythonAutoReload": False}, DEFAULTS)
    assert run(same_config_request(config)) == 1
    write(tmp_path / "page.py", version(2), 2 * 10**18)
    assert run(same_config_request(config)) == 1


def test_a_name_the_module_rebinds_is_looked_up_again(tmp_path):
    write(tmp_path / "page.py", version(1, """
    def other(req):
        req.calls.append("other")
        return 0

    def switch(req):
        global handler
        handler = other
        return 0
    """), 10**18)
    req = Req({"PythonHandler": {"": entries(tmp_path, "page")}, **RELOADING})
    assert run(req) == 1
    module = loader.import_handler_module("page", [str(tmp_path) + "/"])
    module.switch(req)
    assert run(same_config_request(req.dir_config)) == "other"


def test_a_function_removed_by_a_reload_is_an_error(tmp_path):
    write(tmp_path / "page.py", version(1), 10**18)
    req = Req({"PythonHandler": {"": entries(tmp_path, "page")}, **RELOADING})
    assert run(req) == 1
    write(tmp_path / "page.py", "def elsewhere(req):\n    return 0\n", 2 * 10**18)
    with pytest.raises(PhaseError):
        phases.handler(same_config_request(req.dir_config))


def test_another_configuration_with_another_python_path_finds_its_module(tmp_path):
    """One entry (a <Location> handler: no directory of its own) under two merged
    configurations whose PythonPath differ."""
    for name, number in (("a", 1), ("b", 2)):
        (tmp_path / name).mkdir()
        write(tmp_path / name / "shared_name_page.py", version(number), 10**18)
    entry = HandlerEntry.parse("shared_name_page", is_location=True)
    handlers = {"PythonHandler": {"": (entry,)}, **RELOADING}
    in_a = DirConfig({**handlers, "PythonPath": "[%r]" % str(tmp_path / "a")}, DEFAULTS)
    in_b = DirConfig({**handlers, "PythonPath": "[%r]" % str(tmp_path / "b")}, DEFAULTS)
    assert run(same_config_request(in_a)) == 1
    assert run(same_config_request(in_b)) == 2
    assert run(same_config_request(in_a)) == 1
    same_path = DirConfig({**handlers, "PythonPath": "[%r]" % str(tmp_path / "a"),
                           "PythonAutoReload": False}, DEFAULTS)
    assert run(same_config_request(same_path)) == 1
    write(tmp_path / "a" / "shared_name_page.py", version(3), 2 * 10**18)
    assert run(same_config_request(same_path)) == 1     # its own PythonAutoReload Off
    assert run(same_config_request(in_a)) == 3


def test_a_class_in_the_object_path_is_instantiated_on_every_request(tmp_path):
    write(tmp_path / "page.py", """
    class Page:
        made = 0

        def __init__(self, req):
            Page.made += 1

        def show(self, req):
            req.calls.append(Page.made)
            return 0
    """, 10**18)
    req = Req({"PythonHandler": {"": entries(tmp_path, "page::Page.show")}, **RELOADING})
    assert run(req) == 1
    assert run(same_config_request(req.dir_config)) == 2


def test_named_handlers_are_remembered_per_site(tmp_path):
    def first(req):
        req.calls.append("first")
        return OK

    def second(req):
        req.calls.append("second")
        return OK

    entry = HandlerEntry.parse("mod_python.something", str(tmp_path) + "/")
    config = {"PythonHandler": {"": (entry,)}}
    one = Req(config, named={"mod_python.something": first})
    assert run(one) == "first"
    other_site = Req(config, named={"mod_python.something": second})
    other_site.dir_config = one.dir_config
    assert run(other_site) == "second"
