"""greenphase plugins [--json], --version and plain-text --help, as a user runs them."""

import json
import subprocess
import sys
from pathlib import Path

GREENPHASE = str(Path(sys.executable).parent / "greenphase")


def run(*args):
    return subprocess.run([GREENPHASE, *args], capture_output=True, text=True, timeout=60)


def test_plugins_json_lists_every_plugin_and_the_call_order(tmp_path):
    (tmp_path / "htdocs").mkdir()
    (tmp_path / "extra.py").write_text(
        "from greenphase import hookimpl\n@hookimpl(tryfirst=True)\ndef fixups(req):\n    pass\n")
    conf = tmp_path / "site.conf"
    conf.write_text("Listen 127.0.0.1:1\nNoPlugin psp\nLoadPlugin ./extra.py\n")
    result = run("plugins", "--config", str(conf), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    plugins = {p["name"]: p for p in data["plugins"]}
    assert plugins["extra"]["enabled"] and plugins["extra"]["why"] == "LoadPlugin"
    assert plugins["extra"]["enabled_at"] == "%s:3" % conf
    assert not plugins["psp"]["enabled"] and plugins["psp"]["why"].startswith("left out: NoPlugin")
    assert plugins["handlers"]["distribution"] == "greenphase"
    assert "PythonHandler" in plugins["handlers"]["directives"]
    fixups = next(p for p in data["phases"] if p["phase"] == "fixups")
    assert fixups["rule"] == "run-all"
    assert fixups["calls"][0] == {"plugin": "extra", "band": "tryfirst", "called": True,
                                  "function": fixups["calls"][0]["function"]}
    assert fixups["calls"][0]["function"].endswith("extra.py:2")
    assert fixups["calls"][-1]["plugin"] == "core"


def test_plugins_text_and_minus_name_on_the_command_line():
    result = run("plugins", "--plugins", "-static")
    assert result.returncode == 0, result.stderr
    assert "left out: --plugins -static" in result.stdout
    assert "request phases, in call order" in result.stdout


def test_version_names_greenphase_and_the_builtins():
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("greenphase ")
    assert "built-in plugins, enabled by default: " in result.stdout and "handlers" in result.stdout


def test_help_is_plain_text():
    for args in (["--help"], ["serve", "--help"], ["check", "--help"], ["plugins", "--help"]):
        result = run(*args)
        assert result.returncode == 0
        assert "``" not in result.stdout and ":class:" not in result.stdout, args
