"""The manual is enforced: every hookspec states its run rule and what None means; every hook
has a `test_hook_<name>` of its own under tests/; the README's per-phase table is the one the
code renders; the README's "Writing a plugin" files, written out, install into a fresh venv
and pass their own tests there."""

import ast
import inspect
import re
from pathlib import Path

import pytest
from support.freshvenv import make_venv, pip_install, run

from kernel import hookspecs
from kernel.lifecycle.plugin_report import phase_table
from kernel.testing import build_site

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
HOOKS = {name: f for name, f in vars(hookspecs).items()
         if callable(f) and hasattr(f, "greenphase_spec")}
PHASE_RULES = dict(hookspecs.PHASES)


def test_every_hook_is_documented_with_its_run_rule_and_none():
    assert len(HOOKS) >= 24
    broken = []
    for name, spec in HOOKS.items():
        doc = inspect.getdoc(spec) or ""
        if not doc:
            broken.append("%s has no docstring" % name)
            continue
        if "None" not in doc:
            broken.append("%s: the docstring does not say what None means" % name)
        if name in PHASE_RULES:
            rule = "Run-all" if PHASE_RULES[name] == hookspecs.RUN_ALL else "Run-first"
            if not doc.startswith(rule):
                broken.append("%s: a %s phase; its docstring must start with %r"
                              % (name, PHASE_RULES[name], rule))
        else:
            first = spec.greenphase_spec.get("firstresult")
            text = " ".join(doc.split())
            wanted = ("The first answer that is not None wins" if first
                      else "very implementation is")
            if wanted.lower() not in text.lower():
                broken.append("%s: the docstring must state its run rule (%r)" % (name, wanted))
    assert not broken, "\n".join(broken)


def _test_function_names():
    found = set()
    for path in (ROOT / "tests").rglob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.add(node.name)
    return found


def test_every_hook_has_a_test_of_its_own():
    names = _test_function_names()
    missing = [h for h in HOOKS if not any(n == "test_hook_" + h or n.startswith("test_hook_%s_" % h)
                                           for n in names)]
    assert not missing, "hooks without a test_hook_<name> under tests/: %s" % ", ".join(missing)


def readme_section(title):
    text = README.read_text()
    match = re.search(r"^## %s\n(.*?)(?=^## |\Z)" % re.escape(title), text, re.S | re.M)
    assert match, "README.md has no section %r" % title
    return match.group(1)


def test_the_readme_phase_table_is_the_codes(tmp_path):
    section = readme_section("Plugins")
    match = re.search(r"<!-- phase-table:start -->\n(.*?)<!-- phase-table:end -->", section, re.S)
    assert match, "README's Plugins section lost its phase-table markers"
    site = build_site(tmp_path, "", check=False)
    assert match.group(1) == phase_table(site), (
        "README's per-phase table drifted from the code: regenerate it with "
        "`.venv/bin/python -m kernel.lifecycle.plugin_report` (and give each hook "
        "implementation a docstring whose first line says what it does there)")


def snippets(title):
    """{relative path: text} of the section's code blocks that start with `# file: PATH`."""
    files = {}
    for block in re.findall(r"^```\w*\n(.*?)^```", readme_section(title), re.S | re.M):
        first, _, rest = block.partition("\n")
        match = re.match(r"# file: (\S+)$", first)
        if match:
            files[match.group(1)] = rest
    return files


def test_the_readme_walkthrough_names_its_files():
    files = snippets("Writing a plugin")
    assert set(files) == {"greenphase-stamp/pyproject.toml", "greenphase-stamp/greenphase_stamp.py",
                          "greenphase-stamp/tests/test_stamp.py"}
    code = files["greenphase-stamp/greenphase_stamp.py"]
    for hook in ("register_directives", "header_parser", "fixups", "log_transaction"):
        assert "def %s(" % hook in code
    assert "from kernel" not in code and "greenphase_order" in code


@pytest.fixture(scope="module")
def walkthrough(tmp_path_factory):
    """The README's plugin written out and installed into a fresh venv: (python, folder)."""
    base = tmp_path_factory.mktemp("walkthrough")
    written = base / "written"
    for name, text in snippets("Writing a plugin").items():
        path = written / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    python, _ = make_venv(base / "venv")
    folder = pip_install(python, written / "greenphase-stamp", base)
    return python, folder


def test_the_readme_plugin_installs_and_passes_its_own_tests(walkthrough):
    python, folder = walkthrough
    done = run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests", cwd=folder)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout


def test_the_readme_plugin_is_listed_as_the_readme_says(walkthrough, tmp_path):
    python, _ = walkthrough
    (tmp_path / "site.conf").write_text("LoadPlugin stamp\n")
    listed = run(python, "-m", "kernel.cli", "plugins", "--config", tmp_path / "site.conf")
    assert listed.returncode == 0, listed.stderr
    line = next(l for l in listed.stdout.splitlines() if "] stamp" in l)
    assert line.lstrip().startswith("[on ]") and "LoadPlugin" in line
    header_parser = next(l for l in listed.stdout.splitlines() if l.strip().startswith("header_parser"))
    assert header_parser.index("stamp") < header_parser.index("handlers")
