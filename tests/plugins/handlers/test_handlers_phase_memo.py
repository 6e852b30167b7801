"""Which Python*Handler directives a merged configuration has entries for is answered once
per configuration (its memo); a phase without entries still runs what req.add_handler
queued, and leaves req.extension as an unmatched '| .ext' list does."""

import textwrap

import plugins.handlers as phases
from kernel import DirConfig
from kernel.lifecycle.constants import OK
from plugins.handlers.selection import configured_here, uniform_entries

from test_handlers_dispatch import DEFAULTS, HANDLERS, Req, entries


def make(tmp_path, config):
    (tmp_path / "h.py").write_text(textwrap.dedent(HANDLERS))
    return Req(config, filename=str(tmp_path / "page.txt"))


def test_answer_per_configuration_and_directive(tmp_path):
    (tmp_path / "h.py").write_text(textwrap.dedent(HANDLERS))
    config = DirConfig({"PythonFixupHandler": {".py": entries(tmp_path, "h::ok")}}, DEFAULTS)
    assert configured_here(config, "PythonFixupHandler") is True
    assert configured_here(config, "PythonTypeHandler") is False
    assert config.memo[("handlers", "PythonTypeHandler")] is False
    module = DirConfig({"PythonHandlerModule": entries(tmp_path, "h", silent=True)}, DEFAULTS)
    assert configured_here(module, "PythonTypeHandler") is True


def test_phase_without_entries_runs_added_handlers(tmp_path):
    req = make(tmp_path, {"PythonHandler": {"": entries(tmp_path, "h::ok")}})
    assert phases.fixups(req) is None
    assert phases.fixups(req) is None       # answered from the memo
    req.add_handler("PythonFixupHandler", "h::ok2", str(tmp_path) + "/")
    assert phases.fixups(req) == OK
    assert req.calls == ["ok2"]


def test_unmatched_extension_list_and_empty_phase_clear_extension(tmp_path):
    req = make(tmp_path, {"PythonFixupHandler": {".py": entries(tmp_path, "h::ok")}})
    req.extension = ".stale"
    assert phases.fixups(req) is None       # entries only for .py; page.txt matches none
    assert req.extension is None
    req.extension = ".stale"
    assert phases.type_checker(req) is None     # no entries at all in this configuration
    assert req.extension is None


def test_uniform_entries_per_configuration_unless_an_extension_list_decides(tmp_path):
    (tmp_path / "h.py").write_text(textwrap.dedent(HANDLERS))
    plain = entries(tmp_path, "h::ok")
    module = entries(tmp_path, "h", silent=True)
    config = DirConfig({"PythonFixupHandler": {"": plain}, "PythonHandlerModule": module},
                       DEFAULTS)
    assert uniform_entries(config, "PythonFixupHandler") == module + plain
    assert uniform_entries(config, "PythonTypeHandler") == module
    assert uniform_entries(config, "PythonFixupHandler") is \
        uniform_entries(config, "PythonFixupHandler")       # remembered
    by_ext = DirConfig({"PythonFixupHandler": {"": plain, ".py": entries(tmp_path, "h::ok2")}},
                       DEFAULTS)
    assert uniform_entries(by_ext, "PythonFixupHandler") is None
    req = Req(by_ext, filename=str(tmp_path / "page.py"))
    assert phases.fixups(req) == OK and req.calls == ["ok2"] and req.extension == ".py"
    req = Req(by_ext, filename=str(tmp_path / "page.txt"))
    assert phases.fixups(req) == OK and req.calls == ["ok"] and req.extension is None
