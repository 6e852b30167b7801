"""Every hook implementation is checked when the site loads, and each problem names the
plugin, the function's file:line, the hook and the rule; so is a plugin that fails to import."""

import subprocess
import sys
from pathlib import Path

import pytest

from kernel.testing import build_site


def errors_for(tmp_path, body, name="bad"):
    (tmp_path / (name + ".py")).write_text("from greenphase import hookimpl\n" + body)
    return [str(e) for e in build_site(tmp_path, "LoadPlugin ./%s.py\n" % name, check=False).errors]


def test_a_misspelt_hook_is_named_with_its_line(tmp_path):
    errors = errors_for(tmp_path, "\n@hookimpl\ndef fixup(req):\n    pass\n")
    assert errors == ["%s:3: plugin bad: fixup is not a greenphase hook (misspelt? did you mean "
                      "fixups? the hooks are listed in kernel/hookspecs.py)" % (tmp_path / "bad.py")]


def test_a_phase_hook_without_req_is_refused(tmp_path):
    errors = errors_for(tmp_path, "\n@hookimpl\ndef fixups():\n    pass\n")
    assert errors == ["%s:3: plugin bad: phase hook fixups must take exactly one argument, req "
                      "(it takes no arguments)" % (tmp_path / "bad.py")]


def test_a_wrong_argument_name_is_refused(tmp_path):
    errors = errors_for(tmp_path, "\n@hookimpl\ndef fixups(request):\n    pass\n")
    assert errors == ["%s:3: plugin bad: phase hook fixups must take exactly one argument, req "
                      "(it takes (request))" % (tmp_path / "bad.py")]
    errors = errors_for(tmp_path, "\n@hookimpl\ndef configure(site, extra):\n    pass\n")
    assert errors == ["%s:3: plugin bad: hook configure has a wrong signature: it asks for extra, "
                      "the hook passes (site)" % (tmp_path / "bad.py")]


def test_every_problem_of_one_plugin_is_reported(tmp_path):
    body = ("\n@hookimpl\ndef fixup(req):\n    pass\n"
            "\n@hookimpl\ndef header_parser(request):\n    pass\n"
            "\n@hookimpl\ndef log_transaction(req, extra):\n    pass\n")
    errors = errors_for(tmp_path, body)
    assert len(errors) == 3, errors
    joined = "\n".join(errors)
    assert "fixup is not a greenphase hook" in joined
    assert "phase hook header_parser must take exactly one argument" in joined
    assert "phase hook log_transaction must take exactly one argument" in joined


@pytest.mark.parametrize("body, message", [
    ("\n@hookimpl\ndef configure(site):\n    raise RuntimeError('boom')\n",
     "plugin bad: configure raised RuntimeError: boom"),
    ("\n@hookimpl\ndef register_directives():\n    return 'Foo'\n",
     "plugin bad: register_directives: 'Foo' is not a Directive (from greenphase import Directive)"),
    ("from greenphase import Directive\n@hookimpl\ndef register_directives():\n"
     "    return [Directive('Foo', 'one', 'everywhere')]\n",
     "plugin bad: register_directives: Directive Foo: context must be flags such as OR_ALL or "
     "RSRC_CONF, not 'everywhere'"),
])
def test_a_service_hook_that_fails_is_one_line_naming_the_plugin(tmp_path, body, message):
    errors = errors_for(tmp_path, body)
    assert len(errors) == 1 and message in errors[0], errors


def test_the_same_module_enabled_twice_is_one_line():
    import types

    import pluggy

    from kernel import hookspecs
    from kernel.lifecycle.plugin_checks import register

    pm = pluggy.PluginManager("greenphase")
    pm.add_hookspecs(hookspecs)
    module = types.ModuleType("twice")
    assert register(pm, module, "bbt") == []
    errors = [str(e) for e in register(pm, module, "greenphase_bbt")]
    assert errors == ["plugin greenphase_bbt is the module already enabled as plugin bbt (named "
                      "twice: LoadPlugin, Plugins or --plugin)"]


def test_a_phase_hook_wrapper_is_refused(tmp_path):
    errors = errors_for(tmp_path, "\n@hookimpl(wrapper=True)\ndef fixups(req):\n    return (yield)\n")
    assert errors == ["%s:3: plugin bad: phase hook fixups cannot be a wrapper (phases have no "
                      "'around' step)" % (tmp_path / "bad.py")]


def test_a_plugin_that_fails_to_import_is_one_line(tmp_path):
    errors = errors_for(tmp_path, "import no_such_module_here\n")
    assert len(errors) == 1 and "\n" not in errors[0]
    assert "site.conf:1: plugin bad (file %s) failed to import: ModuleNotFoundError: " \
           % (tmp_path / "bad.py") in errors[0]


def test_two_plugins_claiming_one_directive(tmp_path):
    body = ("from greenphase import Directive\n@hookimpl\ndef register_directives():\n"
            "    return [Directive('PythonOption')]\n")
    errors = errors_for(tmp_path, body)
    assert errors == ["directive PythonOption is declared by both plugin handlers and plugin bad"]


def test_a_plain_pluggy_marker_works_without_importing_greenphase(tmp_path):
    (tmp_path / "plain.py").write_text(
        "import pluggy\nhookimpl = pluggy.HookimplMarker('greenphase')\n"
        "@hookimpl\ndef fixups(req):\n    pass\n")
    site = build_site(tmp_path, "LoadPlugin ./plain.py\n")
    assert "plain" in [name for name, _ in site.pipeline.impls["fixups"]]


def test_check_reports_and_serve_refuses(tmp_path):
    (tmp_path / "bad.py").write_text("from greenphase import hookimpl\n@hookimpl\ndef fixup(req):\n    pass\n")
    conf = tmp_path / "site.conf"
    conf.write_text("Listen 127.0.0.1:1\nLoadPlugin ./bad.py\n")
    exe = str(Path(sys.executable).parent / "greenphase")
    for command in ("check", "serve"):
        args = [exe, command, "--config", str(conf)] + (["--single"] if command == "serve" else [])
        result = subprocess.run(args, capture_output=True, text=True, timeout=60)
        assert result.returncode == 1, result
        assert "plugin bad: fixup is not a greenphase hook" in result.stderr
        assert "Traceback" not in result.stderr
