"""The layout holds: no import cycle in the kernel, plugins and the face use only the public
list, and every import follows the edges docs/architecture.md lists (and names only modules
that exist)."""

import ast
import re
from pathlib import Path

import pytest

import kernel

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"
PROJECT_PACKAGES = ("kernel", "plugins", "mod_python")
PUBLIC = "kernel (public)"


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(*packages):
    found = {}
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[module_name(path)] = path
    return found


ALL_MODULES = modules(*PROJECT_PACKAGES)


def imports_of(name, path):
    """(target module, imported names or None, line) for every import in the file, relative
    ones resolved; ``from pkg import sub`` counts as importing the module ``pkg.sub``."""
    tree = ast.parse(path.read_text(), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            names = [alias.name for alias in node.names]
            submodules = [n for n in names if "%s.%s" % (target, n) in ALL_MODULES]
            for sub in submodules:
                yield "%s.%s" % (target, sub), None, node.lineno
            rest = [n for n in names if n not in submodules]
            if rest:
                yield target, rest, node.lineno


def project_imports(name, path):
    for target, names, line in imports_of(name, path):
        if target.split(".")[0] in PROJECT_PACKAGES:
            yield target, names, line


# -- the edges the page lists ----------------------------------------------------------------

def doc_section(title):
    text = DOC.read_text()
    match = re.search(r"^## %s\n(.*?)(?=^## |\Z)" % re.escape(title), text, re.S | re.M)
    assert match, "docs/architecture.md has no section %r" % title
    return match.group(1)


def edges():
    """{room: [allowed rooms]} from the table of 'What each room may import'."""
    table = {}
    for line in doc_section("What each room may import").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 2 or not cells[0].startswith("`"):
            continue
        room = cells[0].strip("`")
        allowed = []
        for token in re.findall(r"`([^`]+)`( \(public\))?", cells[1]):
            allowed.append(PUBLIC if token[1] else token[0])
        # "never X" names what is excluded, not allowed
        never = re.findall(r"never (?:another plugin|`([^`]+)`)", cells[1])
        allowed = [a for a in allowed if a not in never]
        table[room] = allowed
    return table


EDGES = edges()


def room_of(module):
    """The row of the table a module belongs to: the longest room that prefixes it; for
    ``plugins.*`` the plugin's own package."""
    if module == "kernel":
        return PUBLIC
    best = None
    for room in EDGES:
        if room.endswith(".*"):
            prefix = room[:-2]
            if module.startswith(prefix + "."):
                return ".".join(module.split(".")[:2])
        elif module == room or module.startswith(room + "."):
            if best is None or len(room) > len(best):
                best = room
    return best


def allowed_rooms(module):
    room = room_of(module)
    if room is None:
        return None, None       # a bare package (plugins/__init__.py)
    for key, allowed in EDGES.items():
        if key == room or (key.endswith(".*") and room.startswith(key[:-2] + ".")):
            return room, allowed
    return room, None


def test_the_table_has_every_room():
    assert EDGES, "no edges table found in docs/architecture.md"
    for name in ALL_MODULES:
        if name in PROJECT_PACKAGES:
            continue
        assert room_of(name) is not None, "%s is in no room of docs/architecture.md" % name


def test_imports_follow_the_edges():
    broken = []
    for name, path in ALL_MODULES.items():
        if name == "kernel":
            continue            # the public list resolves every room, lazily
        room, allowed = allowed_rooms(name)
        if allowed is None:
            continue
        for target, names, line in project_imports(name, path):
            target_room = room_of(target)
            assert target_room is not None, "%s imports %s, which is in no room" % (name, target)
            if target_room == room:
                continue
            if target_room == PUBLIC and PUBLIC in allowed:
                continue
            if any(target_room == a or target_room.startswith(a + ".") for a in allowed):
                continue
            broken.append("%s:%d imports %s (room %s may import only %s)"
                          % (path.relative_to(ROOT), line, target, room, ", ".join(allowed) or "itself"))
    assert not broken, "\n".join(broken)


def public_name_violations(name, path, plugin):
    """Lines where a module reaches past the public list. A plugin (``plugin``) imports from
    ``greenphase`` only; the face may also write ``from kernel import X`` (``kernel`` stays the
    implementation, and works for old third-party plugins)."""
    public = set(kernel.__all__)
    for target, names, line in imports_of(name, path):
        where = "%s:%d" % (path, line)
        top = target.split(".")[0]
        if top not in ("kernel", "greenphase"):
            continue
        if target.startswith("kernel.coreplugin") and name.startswith("kernel.coreplugin"):
            continue        # the core plugin's own modules
        if target.startswith(("kernel.", "greenphase.")):
            yield "%s imports the module %s (use `from greenphase import X`)" % (where, target)
        elif target == "kernel" and plugin:
            yield "%s imports from kernel (a plugin uses `from greenphase import X`)" % where
        elif names is None:
            if plugin or target == "greenphase":
                yield "%s: import %s (use `from greenphase import X`)" % (where, target)
        else:
            for n in names:
                if n not in public:
                    yield "%s imports %s.%s, which is not in greenphase.__all__" % (where, target, n)


def test_plugins_and_face_use_only_public_kernel_names():
    outside = {n: (p, True) for n, p in modules("plugins").items()}
    outside.update({n: (p, False) for n, p in modules("mod_python").items()})
    outside.update({n: (p, True) for n, p in ALL_MODULES.items() if n.startswith("kernel.coreplugin")})
    broken = []
    for name, (path, plugin) in outside.items():
        broken += public_name_violations(name, path, plugin)
    assert not broken, "\n".join(b.replace(str(ROOT) + "/", "") for b in broken)


def test_the_check_catches_a_plugin_past_the_public_list(tmp_path):
    """The check above really fails: a plugin importing from kernel, a kernel submodule, or a
    name outside greenphase.__all__, is named with its line."""
    bad = tmp_path / "bad.py"
    bad.write_text("from kernel import hookimpl\n"
                   "from kernel.lifecycle.pipeline import Pipeline\n"
                   "from greenphase import no_such_name\n"
                   "import greenphase.testing\n"
                   "from greenphase import hookimpl, OK\n")
    found = list(public_name_violations("plugins.bad", bad, True))
    assert [f.split(":")[1].split()[0] for f in found] == ["1", "2", "3", "4"], found
    assert "from kernel" in found[0] and "kernel.lifecycle.pipeline" in found[1]
    assert "no_such_name" in found[2]
    # the face may keep `from kernel import X`
    assert list(public_name_violations("mod_python.x", bad, False))[0].startswith("%s:2" % bad)


def test_greenphase_is_exactly_the_public_list():
    import greenphase
    assert greenphase.__all__ == kernel.__all__
    for name in greenphase.__all__:
        assert getattr(greenphase, name) is getattr(kernel, name), name
    with pytest.raises(AttributeError):
        greenphase.Pipeline
    import greenphase.testing
    from greenphase.testing import start_server
    assert greenphase.testing is kernel.testing and start_server is kernel.testing.start_server


def test_no_plugin_imports_another_plugin_or_the_face():
    broken = []
    for name, path in modules("plugins").items():
        own = ".".join(name.split(".")[:2])
        for target, _, line in project_imports(name, path):
            if target.startswith("mod_python") or (
                    target.startswith("plugins.") and not (target == own or target.startswith(own + "."))):
                broken.append("%s:%d imports %s" % (path.relative_to(ROOT), line, target))
    assert not broken, "\n".join(broken)


def test_no_import_cycle_in_the_kernel():
    graph = {name: set() for name in ALL_MODULES if name.startswith("kernel")}
    for name in graph:
        for target, _, _ in project_imports(name, ALL_MODULES[name]):
            if target in graph and target != name:
                graph[name].add(target)
            elif target not in graph and target.rpartition(".")[0] in graph:
                graph[name].add(target.rpartition(".")[0])     # from pkg.mod import name
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycle = stack[stack.index(nxt):] + [nxt]
                pytest.fail("import cycle in the kernel: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_every_public_name_resolves():
    for name in kernel.__all__:
        assert getattr(kernel, name) is not None, name
    with pytest.raises(AttributeError):
        kernel.no_such_public_name


def test_the_page_names_only_modules_that_exist():
    named = set(re.findall(r"`((?:kernel|plugins|mod_python|tests|bench|docs)/[\w./<>]*)`", DOC.read_text()))
    assert len(named) > 20
    missing = [p for p in sorted(named) if "<" not in p and not (ROOT / p).exists()]
    assert not missing, "docs/architecture.md names modules that are gone: %s" % ", ".join(missing)


def test_test_folders_do_not_shadow_the_packages():
    import plugins
    assert Path(kernel.__file__).resolve() == ROOT / "kernel" / "__init__.py"
    assert Path(plugins.__file__).resolve() == ROOT / "plugins" / "__init__.py"
