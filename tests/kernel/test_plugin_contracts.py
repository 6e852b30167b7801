"""The kernel's contracts for what plugins share: req.plugin_state, req.content_type_set,
the kernel-owned PythonDebug/PythonAutoReload, and no plugin keeping underscored request
attributes of its own."""

import ast
from pathlib import Path

from kernel.testing import Client, build_site, config_errors

ROOT = Path(__file__).resolve().parents[2]

STATE_PLUGIN = '''
from greenphase import hookimpl, OK

SEEN = []

@hookimpl
def fixups(req):
    req.plugin_state["probe.first"] = req.uri
    SEEN.append(dict(req.plugin_state))

@hookimpl
def handler(req):
    req.content_type = "text/plain"
    req.write("%s %s %s" % (req.plugin_state["probe.first"], req.content_type_set,
                            sorted(k for k in req.plugin_state if k.startswith("probe."))))
    return OK
'''


def test_plugin_state_is_one_dict_per_request(tmp_path):
    (tmp_path / "probe.py").write_text(STATE_PLUGIN)
    site = build_site(tmp_path, "LoadPlugin ./probe.py\n")
    client = Client(site)
    assert client.get("/a").body == b"/a True ['probe.first']"
    assert client.get("/b").body == b"/b True ['probe.first']"


TYPE_PLUGIN = '''
from greenphase import hookimpl, OK

@hookimpl
def handler(req):
    before = (req.content_type, req.content_type_set)
    req.content_type = "text/x-mine"
    req.write("%s %s %s" % (before[0], before[1], req.content_type_set))
    return OK
'''


def test_content_type_set_only_when_code_assigned_it(tmp_path):
    (tmp_path / "htdocs").mkdir()
    (tmp_path / "htdocs" / "x.txt").write_text("x")
    (tmp_path / "typeprobe.py").write_text(TYPE_PLUGIN)
    site = build_site(tmp_path, 'DocumentRoot "%s/htdocs"\nLoadPlugin ./typeprobe.py\n' % tmp_path)
    # the core's type_checker typed the file: that is not "set by code"
    assert Client(site).get("/x.txt").body == b"text/plain False True"


def test_python_debug_and_autoreload_are_the_kernels(tmp_path):
    """A site without the handlers plugin still has them (the publisher and PSP read them)."""
    text = "PythonDebug On\nPythonAutoReload Off\nPythonAutoReloadInterval 2.5\n"
    assert config_errors(tmp_path, text, plugins=["static", "publisher"]) == []
    site = build_site(tmp_path, text, plugins=["static"])
    assert site.main_server.config["PythonDebug"] is True
    assert site.main_server.config["PythonAutoReload"] is False
    assert site.main_server.config["PythonAutoReloadInterval"] == 2.5
    from kernel.config.python_directives import PYTHON_DIRECTIVES
    from plugins.handlers.directives import DIRECTIVES as HANDLERS
    kernels = {"PythonDebug", "PythonAutoReload", "PythonAutoReloadInterval"}
    assert {d.name for d in PYTHON_DIRECTIVES} == kernels
    assert not kernels & {d.name for d in HANDLERS}


def test_no_plugin_sets_underscored_request_attributes():
    """Per-request state lives in req.plugin_state["<plugin>.<what>"], not in req._x."""
    broken = []
    for path in sorted((ROOT / "plugins").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id == "req" and node.attr.startswith("_")
                    and isinstance(node.ctx, ast.Store)):
                broken.append("%s:%d req.%s" % (path.relative_to(ROOT), node.lineno, node.attr))
    assert not broken, "\n".join(broken)


OLD_STYLE = '''
from kernel import hookimpl
@hookimpl
def fixups(req):
    req.headers_out["X-Old"] = "kernel"
'''

BARE_PLUGGY = '''
import pluggy
hookimpl = pluggy.HookimplMarker("greenphase")
@hookimpl
def fixups(req):
    req.headers_out["X-Bare"] = "pluggy"
'''


def test_old_kernel_imports_and_bare_pluggy_markers_still_work(tmp_path):
    (tmp_path / "htdocs").mkdir()
    (tmp_path / "htdocs" / "a.txt").write_text("a")
    (tmp_path / "oldstyle.py").write_text(OLD_STYLE)
    (tmp_path / "bare.py").write_text(BARE_PLUGGY)
    site = build_site(tmp_path, 'DocumentRoot "%s/htdocs"\nLoadPlugin ./oldstyle.py\n'
                      'LoadPlugin ./bare.py\n' % tmp_path)
    reply = Client(site).get("/a.txt")
    assert reply.header("X-Old") == "kernel" and reply.header("X-Bare") == "pluggy"
