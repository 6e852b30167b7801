"""kernel.lib.loader: modules by file path, private names, autoreload, concurrent first imports."""

import os
import subprocess
import sys
import textwrap

import pytest

from kernel import loader
from support import REPO
from support.loader_clock import loader_clock  # noqa: F401  (the fixture)


def write(path, text, mtime=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    if mtime is not None:
        os.utime(path, ns=(mtime, mtime))
    return path


@pytest.fixture
def sites(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    write(a / "myscript.py", "WHO = 'a'\n")
    write(b / "myscript.py", "WHO = 'b'\n")
    return a, b


def test_two_sites_myscript_do_not_collide(sites):
    a, b = sites
    mod_a = loader.import_handler_module("myscript", [str(a)])
    mod_b = loader.import_handler_module("myscript", [str(b)])
    assert (mod_a.WHO, mod_b.WHO) == ("a", "b")
    assert "myscript" not in sys.modules
    assert mod_a.__name__ != mod_b.__name__
    assert loader.import_handler_module("myscript", [str(a)]) is mod_a


def test_sys_path_is_never_changed(sites):
    a, b = sites
    before = list(sys.path)
    loader.import_handler_module("myscript", [str(a)])
    loader.load_file(str(b / "myscript.py"))
    assert sys.path == before


def test_directories_are_searched_in_order(sites):
    a, b = sites
    assert loader.import_handler_module("myscript", [str(b), str(a)]).WHO == "b"


def test_reload_executes_into_a_fresh_module_when_mtime_changes(tmp_path):
    path = write(tmp_path / "mod.py", "VALUE = 1\nSEEN = []\n", mtime=1_000_000_000_000_000_000)
    first = loader.import_handler_module("mod", [str(tmp_path)])
    first.SEEN.append("old state")
    assert loader.import_handler_module("mod", [str(tmp_path)]) is first
    # Same size, same second as far as a bytecode cache could tell: only the mtime_ns differs.
    write(path, "VALUE = 2\nSEEN = []\n", mtime=1_000_000_000_000_000_001)
    second = loader.import_handler_module("mod", [str(tmp_path)])
    assert second is not first
    assert (first.VALUE, second.VALUE, second.SEEN) == (1, 2, [])


def test_autoreload_off_keeps_the_module(tmp_path):
    path = write(tmp_path / "still.py", "VALUE = 1\n", mtime=10**18)
    first = loader.import_handler_module("still", [str(tmp_path)], autoreload=False)
    write(path, "VALUE = 2\n", mtime=2 * 10**18)
    assert loader.import_handler_module("still", [str(tmp_path)], autoreload=False) is first


@pytest.fixture
def clock(loader_clock):
    return loader_clock


@pytest.mark.parametrize("load", ["module", "file"])
def test_check_interval_sees_a_change_after_the_interval_and_not_before(tmp_path, clock, load):
    path = write(tmp_path / "timed.py", "VALUE = 1\n", mtime=10**18)
    if load == "module":
        get = lambda: loader.import_handler_module("timed", [str(tmp_path)], check_interval=5)
    else:
        get = lambda: loader.load_file(str(path), check_interval=5)
    first = get()
    write(path, "VALUE = 2\n", mtime=2 * 10**18)
    clock.now += 4.9
    assert get() is first                       # not stat'ed yet: the old code still runs
    clock.now += 0.1
    second = get()                              # 5 s after the load: stat'ed, reloaded
    assert (first.VALUE, second.VALUE) == (1, 2)
    write(path, "VALUE = 3\n", mtime=3 * 10**18)
    clock.now += 4.9
    assert get() is second                      # the interval counts from the last check
    clock.now += 0.1
    assert get().VALUE == 3


def test_an_unchanged_file_restarts_the_interval(tmp_path, clock):
    path = write(tmp_path / "steady.py", "VALUE = 1\n", mtime=10**18)
    get = lambda: loader.import_handler_module("steady", [str(tmp_path)], check_interval=5)
    first = get()
    clock.now += 6
    assert get() is first                       # stat'ed: unchanged, checked again now
    write(path, "VALUE = 2\n", mtime=2 * 10**18)
    clock.now += 4
    assert get() is first                       # 4 s after that check
    clock.now += 1
    assert get().VALUE == 2


def test_interval_zero_stats_on_every_call(tmp_path, clock):
    path = write(tmp_path / "eager.py", "VALUE = 1\n", mtime=10**18)
    assert loader.import_handler_module("eager", [str(tmp_path)], check_interval=0).VALUE == 1
    write(path, "VALUE = 2\n", mtime=2 * 10**18)
    assert loader.import_handler_module("eager", [str(tmp_path)], check_interval=0).VALUE == 2


def test_a_record_is_one_generation(tmp_path, clock):
    """``Loaded.current`` answers None once the file is reloaded, for whoever kept the record
    (the handlers plugin remembers resolved handlers by it)."""
    path = write(tmp_path / "gen.py", "VALUE = 1\n", mtime=10**18)
    record = loader.loaded_handler_module("gen", [str(tmp_path)])
    assert record.current() is record.module
    assert record.current(check_interval=5) is record.module
    write(path, "VALUE = 2\n", mtime=2 * 10**18)
    assert record.current(check_interval=5) is record.module    # not checked yet
    assert record.current(autoreload=False) is record.module
    assert record.current() is None                             # the file changed
    newer = loader.loaded_handler_module("gen", [str(tmp_path)])
    assert newer is not record and newer.module.VALUE == 2
    assert record.current(autoreload=False) is None             # no longer the loaded one
    assert newer.current(check_interval=5) is newer.module


def test_failed_reload_keeps_the_previous_module_importable(tmp_path):
    path = write(tmp_path / "flaky.py", "VALUE = 1\n", mtime=10**18)
    first = loader.import_handler_module("flaky", [str(tmp_path)])
    write(path, "raise RuntimeError('broken edit')\n", mtime=2 * 10**18)
    with pytest.raises(RuntimeError, match="broken edit"):
        loader.import_handler_module("flaky", [str(tmp_path)])
    assert sys.modules[first.__name__] is first
    write(path, "VALUE = 3\n", mtime=3 * 10**18)
    assert loader.import_handler_module("flaky", [str(tmp_path)]).VALUE == 3


def test_log_tells_imports_and_reimports(tmp_path):
    path = write(tmp_path / "told.py", "", mtime=10**18)
    messages = []
    loader.import_handler_module("told", [str(tmp_path)], log=messages.append)
    loader.import_handler_module("told", [str(tmp_path)], log=messages.append)
    write(path, "X = 1\n", mtime=2 * 10**18)
    loader.import_handler_module("told", [str(tmp_path)], log=messages.append)
    assert messages == ["Importing module %s" % path, "Reimporting module %s" % path]


def test_missing_module_names_the_directories(tmp_path):
    with pytest.raises(ModuleNotFoundError, match=r"No module named 'nosuch'.*%s" % tmp_path):
        loader.import_handler_module("nosuch", [str(tmp_path)])
    with pytest.raises(ModuleNotFoundError, match="without '.py'"):
        loader.import_handler_module("myscript.py", [str(tmp_path)])


def test_sibling_imports_work_and_stay_private(sites):
    a, b = sites
    write(a / "helper.py", "NAME = 'helper of a'\n")
    write(b / "helper.py", "NAME = 'helper of b'\n")
    write(a / "uses.py", "import helper\nfrom helper import NAME\nimport json\n")
    write(b / "uses.py", "import helper\n")
    uses_a = loader.import_handler_module("uses", [str(a)])
    uses_b = loader.import_handler_module("uses", [str(b)])
    assert (uses_a.helper.NAME, uses_a.NAME, uses_b.helper.NAME) == \
        ("helper of a", "helper of a", "helper of b")
    assert uses_a.json is sys.modules["json"]
    assert "helper" not in sys.modules


def test_pythonpath_directories_are_importable_from_handlers(tmp_path):
    site, lib = tmp_path / "site", tmp_path / "lib"
    write(lib / "shared.py", "X = 'from lib'\n")
    write(site / "h.py", "import shared\n")
    assert loader.import_handler_module("h", [str(site), str(lib)]).shared.X == "from lib"


def test_dotted_names_packages_and_namespace_packages(tmp_path):
    write(tmp_path / "pkg" / "__init__.py", "")
    write(tmp_path / "pkg" / "sub" / "__init__.py", "")
    write(tmp_path / "pkg" / "sub" / "mod.py", "from . import sibling\nimport top\nV = sibling.S\n")
    write(tmp_path / "pkg" / "sub" / "sibling.py", "S = 'sibling'\n")
    write(tmp_path / "top.py", "T = 1\n")
    write(tmp_path / "nsdir" / "inner" / "leaf.py", "L = 'leaf'\nfrom nsdir.inner import other\n")
    write(tmp_path / "nsdir" / "inner" / "other.py", "")
    mod = loader.import_handler_module("pkg.sub.mod", [str(tmp_path)])
    assert (mod.V, mod.top.T) == ("sibling", 1)
    assert loader.import_handler_module("nsdir.inner.leaf", [str(tmp_path)]).L == "leaf"


def test_circular_imports_see_the_partial_module(tmp_path):
    write(tmp_path / "ping.py", "import pong\nNAME = 'ping'\n")
    write(tmp_path / "pong.py", "import ping\nNAME = 'pong'\n")
    ping = loader.import_handler_module("ping", [str(tmp_path)])
    assert ping.pong.ping is ping


def test_load_file_shares_the_cache_by_path(sites):
    a, _ = sites
    write(a / "page.html.py", "P = 1\n")
    handler = loader.import_handler_module("myscript", [str(a)])
    assert loader.load_file(str(a / "myscript.py")) is handler
    assert loader.load_file(str(a / "page.html.py")).P == 1


def test_load_file_names_are_normalised_and_relative_ones_follow_the_cwd(sites, monkeypatch):
    """The normalised form of an absolute name is remembered; a relative one is not (it
    depends on the working directory)."""
    a, b = sites
    assert loader.load_file(str(a) + "/./sub/../myscript.py") is \
        loader.load_file(str(a / "myscript.py"))
    monkeypatch.chdir(a)
    assert loader.load_file("myscript.py").WHO == "a"
    monkeypatch.chdir(b)
    assert loader.load_file("myscript.py").WHO == "b"


def test_load_file_any_extension_without_bytecode(tmp_path):
    path = write(tmp_path / "page.tmpl", "P = 'template'\n")
    assert loader.load_file(str(path)).P == "template"
    assert not (tmp_path / "__pycache__").exists()


def test_python_path_is_evaluated_once_per_string(tmp_path):
    expression = "sys.path + [%r]" % str(tmp_path)
    before = tuple(os.path.abspath(p or ".") for p in sys.path)
    dirs = loader.python_path(expression)
    assert dirs[-1] == str(tmp_path) and dirs[:-1] == before
    sys.path.append("/nowhere")
    try:
        assert loader.python_path(expression) is dirs
    finally:
        sys.path.remove("/nowhere")
        sys.path.remove(str(tmp_path))
    with pytest.raises(TypeError):
        loader.python_path("'/just/a/string'")


def test_scope_of_reports_a_private_modules_directories(sites):
    a, _ = sites
    module = loader.import_handler_module("myscript", [str(a)])
    assert loader.scope_of(module.__name__)[0] == str(a)
    assert loader.scope_of("json") == ()


CONCURRENT = """
from gevent import monkey; monkey.patch_all()
import sys, gevent
sys.path.insert(0, {root!r})
from kernel import loader
def first_import():
    module = loader.import_handler_module("slow", [{site!r}])
    return module, getattr(module, "READY", False)     # complete when handed out?
results = [g.value for g in gevent.joinall([gevent.spawn(first_import) for _ in range(20)],
                                           raise_error=True)]
modules = {{id(module) for module, _ in results}}
print(len(modules), all(ready for _, ready in results), open({runs!r}).read().count("x"))
"""


def test_concurrent_first_imports_run_the_module_once(tmp_path):
    runs = tmp_path / "runs.txt"
    runs.write_text("")
    # The module yields to other greenlets half way through its code.
    write(tmp_path / "slow.py", f"""\
        import gevent
        open({str(runs)!r}, "a").write("x")
        gevent.sleep(0.05)
        READY = True
        """)
    root = str(REPO)
    script = CONCURRENT.format(root=root, site=str(tmp_path), runs=str(runs))
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["1", "True", "1"]


CROSSED = """
from gevent import monkey; monkey.patch_all()
import sys, gevent
sys.path.insert(0, {root!r})
from kernel import loader
jobs = [gevent.spawn(loader.import_handler_module, name, [{site!r}]) for name in ("a", "b")]
done = gevent.joinall(jobs, timeout=10)
print(len(done), all(job.successful() for job in jobs))
"""


def test_crossed_first_imports_do_not_deadlock(tmp_path):
    """Greenlet 1 loads a (which loads b) while greenlet 2 loads b (which loads a), with
    apache.import_module as mod_python code does."""
    for name, other in (("a", "b"), ("b", "a")):
        write(tmp_path / (name + ".py"), f"""\
            import gevent
            from mod_python import apache
            gevent.sleep(0.05)
            OTHER = apache.import_module({other!r}, path=[{str(tmp_path)!r}])
            """)
    root = str(REPO)
    out = subprocess.run([sys.executable, "-c", CROSSED.format(root=root, site=str(tmp_path))],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["2", "True"]


def test_sys_path_modules_stay_shared(tmp_path):
    """A PythonPath of "sys.path+[...]" must not make private copies of installed modules."""
    write(tmp_path / "user.py", "from kernel.lifecycle import tables\nimport mod_python.apache as apache\n")
    user = loader.import_handler_module("user", loader.python_path("sys.path+[%r]" % str(tmp_path)))
    assert user.tables is sys.modules["kernel.lifecycle.tables"]
    assert user.apache is sys.modules["mod_python.apache"]
    assert not [n for n in sys.modules if n.startswith(loader.ROOT_PREFIX) and ".kernel" in n]


def test_python_path_entries_reach_sys_path_once_and_stay(tmp_path):
    import sys
    extra = str(tmp_path / "pp-extra")
    try:
        dirs = loader.python_path("sys.path+[%r]" % extra)
        assert extra in dirs and sys.path.count(extra) == 1
        loader.python_path("sys.path+[%r, %r]" % (extra, extra))
        assert sys.path.count(extra) == 1
    finally:
        while extra in sys.path:
            sys.path.remove(extra)
