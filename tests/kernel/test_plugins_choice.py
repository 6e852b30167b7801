"""Which plugins a site enables: built-ins by default, LoadPlugin for the rest, Plugins and
NoPlugin, the command line's --plugins, and the errors (with file:line)."""

import types

import pytest

from kernel.lifecycle import plugins as choice
from kernel.testing import build_site

THIRD_PARTY = '''
from greenphase import hookimpl

@hookimpl
def fixups(req):
    req.headers_out["X-Third"] = "yes"
'''


@pytest.fixture
def third_party(monkeypatch):
    """An installed plugin of another distribution (as pip would leave it)."""
    module = types.ModuleType("thirdparty_plugin")
    exec(THIRD_PARTY, module.__dict__)
    real = choice.installed_plugins()

    class EntryPoint:
        value = "thirdparty_plugin"

        def load(self):
            return module

    fake = dict(real)
    fake["thirdparty"] = choice.Installed("thirdparty", "thirdparty_plugin", "greenphase-third",
                                          "1.2", (), EntryPoint())
    monkeypatch.setattr(choice, "installed_plugins", lambda: fake)
    return module


def enabled(site):
    return [c.name for c in site.plugins_enabled]


def test_builtins_are_on_by_default_in_the_documented_order(tmp_path):
    site = build_site(tmp_path, "")
    names = enabled(site)
    assert names == [n for n in choice.BUILTIN_ORDER if n in names]
    assert {"handlers", "static", "publisher", "basic_auth", "errorpages"} <= set(names)
    assert all(c.why == "default" for c in site.plugins_enabled)
    assert site.plugin_names()[0] == "core"


def test_every_builtin_of_the_distribution_is_in_the_fixed_order():
    builtins = {n for n, i in choice.installed_plugins().items() if i.builtin} - {"core"}
    assert builtins == set(choice.BUILTIN_ORDER)


def test_installing_does_not_enable(tmp_path, third_party):
    site = build_site(tmp_path, "")
    assert "thirdparty" not in enabled(site)
    left = {c.name: c.why for c in site.plugins_left_out}
    assert left["thirdparty"] == "installed, not enabled (add LoadPlugin thirdparty)"


def test_loadplugin_enables_after_the_builtins(tmp_path, third_party):
    site = build_site(tmp_path, "LoadPlugin thirdparty\n")
    names = enabled(site)
    assert names[-1] == "thirdparty" and "static" in names
    entry = site.plugins_enabled[-1]
    assert entry.why == "LoadPlugin" and entry.line == 1


def test_plugins_line_is_the_exact_list_in_its_order(tmp_path, third_party):
    site = build_site(tmp_path, "Plugins thirdparty static\n")
    assert enabled(site) == ["thirdparty", "static"]
    left = {c.name: c.why for c in site.plugins_left_out}
    assert left["publisher"] == "left out: not in the Plugins list"


def test_command_line_wins_over_the_config(tmp_path):
    site = build_site(tmp_path, "Plugins static\n", plugins=["errorpages"])
    assert enabled(site) == ["errorpages"]


def test_noplugin_and_minus_name_leave_one_out(tmp_path):
    site = build_site(tmp_path, "NoPlugin publisher psp\n", plugins=["-static"])
    names = enabled(site)
    assert "publisher" not in names and "psp" not in names and "static" not in names
    assert "handlers" in names
    left = {c.name: c.why for c in site.plugins_left_out}
    assert left["static"] == "left out: --plugins -static"
    assert left["publisher"].startswith("left out: NoPlugin (")


def test_a_plugin_file_next_to_the_config(tmp_path):
    (tmp_path / "siteplugin.py").write_text(THIRD_PARTY)
    site = build_site(tmp_path, "LoadPlugin ./siteplugin.py\n")
    assert enabled(site)[-1] == "siteplugin"
    assert site.plugins_enabled[-1].origin == "file %s" % (tmp_path / "siteplugin.py")
    assert [i.plugin_name for i in site.hook.fixups.get_hookimpls()].count("siteplugin") == 1


@pytest.mark.parametrize("text, message", [
    ("LoadPlugin nosuch\n", "no such plugin 'nosuch' (installed: "),
    ("NoPlugin nosuch\n", "NoPlugin: no such plugin 'nosuch' (installed: "),
    ("LoadPlugin ./missing.py\n", "LoadPlugin: no such plugin file "),
    ("NoPlugin core\n", "the core plugin cannot be left out"),
])
def test_unknown_names_are_errors_with_file_and_line(tmp_path, text, message):
    site = build_site(tmp_path, text, check=False)
    errors = [str(e) for e in site.errors]
    assert len(errors) == 1 and message in errors[0], errors
    assert "site.conf:1" in errors[0]


def test_loadplugin_is_server_config_only(tmp_path):
    text = "<VirtualHost *:80>\n  LoadPlugin static\n</VirtualHost>\n"
    errors = [str(e) for e in build_site(tmp_path, text, check=False).errors]
    assert any("LoadPlugin is allowed in the server config only, not inside <VirtualHost>" in e
               and "site.conf:2" in e for e in errors), errors


def test_loadplugin_in_an_included_file_and_ifdefine(tmp_path, third_party):
    (tmp_path / "more.conf").write_text("<IfDefine WITH_THIRD>\nLoadPlugin thirdparty\n</IfDefine>\n")
    text = "Include more.conf\n"
    assert "thirdparty" not in enabled(build_site(tmp_path, text))
    assert "thirdparty" in enabled(build_site(tmp_path, text, defines={"WITH_THIRD": ""}))


def test_a_version_requirement_the_running_greenphase_misses_is_named(tmp_path, monkeypatch):
    module = types.ModuleType("needs_future")

    class EntryPoint:
        value = "needs_future"

        def load(self):
            return module

    fake = dict(choice.installed_plugins())
    fake["future"] = choice.Installed("future", "needs_future", "greenphase-future", "0.3",
                                      ("greenphase>=99",), EntryPoint())
    monkeypatch.setattr(choice, "installed_plugins", lambda: fake)
    errors = [str(e) for e in build_site(tmp_path, "LoadPlugin future\n", check=False).errors]
    assert len(errors) == 1
    assert "plugin future (distribution greenphase-future 0.3) needs greenphase>=99" in errors[0]
