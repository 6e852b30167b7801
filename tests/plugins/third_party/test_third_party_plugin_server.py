"""An outside author's plugin, end to end: examples/plugins/greenphase-pathguard is pip-installed
(no network, no build isolation) into a FRESH venv that sees .venv's packages through a .pth
file, and then: inert without LoadPlugin; all three hooks work with it; `greenphase plugins`
lists it with its hooks in phase order; a misspelt hook or a wrong signature in a copy is
reported by `greenphase check` naming it; its own tests (the kit's fixtures) pass there."""

import json
from pathlib import Path

import pytest
from support.freshvenv import SHARED, make_venv, pip_install, run

from kernel.hookspecs import PHASE_NAMES
from kernel.testing import free_port, start_server

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "plugins" / "greenphase-pathguard"
SITE = '''
DocumentRoot "{root}/htdocs"
{load}
<Directory "{root}/htdocs/private">
    PathGuardDeny backup
</Directory>
'''


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """(python of the fresh venv, the installed copy of the example)."""
    base = tmp_path_factory.mktemp("thirdparty")
    python, purelib = make_venv(base / "venv")
    source = pip_install(python, EXAMPLE, base)
    assert list(purelib.glob("greenphase_pathguard*")), "not installed into the fresh venv"
    assert not list(SHARED.glob("greenphase_pathguard*")), "installed into .venv"
    return python, source


def site_files(root, load):
    (root / "htdocs" / "private").mkdir(parents=True, exist_ok=True)
    (root / "htdocs" / "private" / "backup.txt").write_text("secret")
    (root / "htdocs" / "private" / "notes.txt").write_text("notes")
    text = SITE.format(root=root, load=load)
    # without LoadPlugin its directive is unknown (a config error): leave it out
    return text if load else text.replace("    PathGuardDeny backup\n", "")


def test_installed_but_inert_without_loadplugin(env, tmp_path):
    python, _ = env
    listed = run(python, "-m", "kernel.cli", "plugins", "--json")
    entry = {p["name"]: p for p in json.loads(listed.stdout)["plugins"]}["pathguard"]
    assert entry["enabled"] is False and entry["distribution"] == "greenphase-pathguard"
    with start_server(site_files(tmp_path, ""), tmp_path / "run", python=python) as server:
        reply = server.get("/private/backup.txt")
    assert reply.status == 200 and "X-PathGuard" not in reply.headers
    # its directive is not there either: a site using it without LoadPlugin is told so
    (tmp_path / "uses.conf").write_text("PathGuardDeny x\n")
    check = run(python, "-m", "kernel.cli", "check", "--config", tmp_path / "uses.conf")
    assert check.returncode == 1 and "PathGuardDeny" in check.stderr


def test_with_loadplugin_all_three_hooks_work(env, tmp_path):
    python, _ = env
    with start_server(site_files(tmp_path, "LoadPlugin pathguard"), tmp_path / "run",
                      python=python) as server:
        refused = server.get("/private/backup.txt")
        passed = server.get("/private/notes.txt")
        server.stop()
        log = server.error_log()
    assert refused.status == 403                                        # header_parser
    assert passed.status == 200 and passed.headers["X-PathGuard"] == "checked"   # fixups
    assert "pathguard: refused /private/backup.txt (it contains 'backup')" in log  # log_transaction


def test_greenphase_plugins_lists_its_hooks_in_phase_order(env, tmp_path):
    python, _ = env
    (tmp_path / "site.conf").write_text("LoadPlugin pathguard\n")
    listed = run(python, "-m", "kernel.cli", "plugins", "--config", tmp_path / "site.conf", "--json")
    assert listed.returncode == 0, listed.stderr
    data = json.loads(listed.stdout)
    entry = {p["name"]: p for p in data["plugins"]}["pathguard"]
    assert entry["enabled"] and entry["why"] == "LoadPlugin" and entry["version"] == "1.0.0"
    assert entry["directives"] == ["PathGuardDeny"]
    phases = [p["phase"] for p in data["phases"] if any(c["plugin"] == "pathguard" for c in p["calls"])]
    assert phases == ["header_parser", "fixups", "log_transaction"]
    assert phases == sorted(phases, key=PHASE_NAMES.index)
    header_parser = next(p for p in data["phases"] if p["phase"] == "header_parser")
    callers = [c["plugin"] for c in header_parser["calls"]]
    assert callers.index("pathguard") < callers.index("handlers")     # its greenphase_order
    text = run(python, "-m", "kernel.cli", "plugins", "--config", tmp_path / "site.conf").stdout
    assert "[on ] pathguard" in text and "greenphase-pathguard 1.0.0" in text


@pytest.mark.parametrize("old, new, expected", [
    ("def fixups(req):", "def fixup(req):", "fixup is not a greenphase hook"),
    ("def header_parser(req):", "def header_parser(request):",
     "phase hook header_parser must take exactly one argument, req"),
])
def test_a_broken_copy_is_reported_by_check_with_its_name(env, tmp_path, old, new, expected):
    python, source = env
    code = (source / "greenphase_pathguard" / "__init__.py").read_text()
    assert old in code
    (tmp_path / "brokenguard.py").write_text(code.replace(old, new))
    (tmp_path / "htdocs").mkdir()
    (tmp_path / "site.conf").write_text("Listen 127.0.0.1:%d\nLoadPlugin ./brokenguard.py\n"
                                        % free_port())
    check = run(python, "-m", "kernel.cli", "check", "--config", tmp_path / "site.conf")
    assert check.returncode == 1
    lines = [l for l in check.stderr.splitlines() if l.startswith("error:")]
    assert len(lines) == 1, check.stderr
    assert "plugin brokenguard" in lines[0] and expected in lines[0], lines[0]
    assert "brokenguard.py:" in lines[0]           # file:line of the function
    assert "Traceback" not in check.stderr


def test_its_own_tests_pass_with_the_kit(env):
    python, source = env
    done = run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests", cwd=source)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 passed" in done.stdout
