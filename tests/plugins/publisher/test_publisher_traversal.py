"""Publisher: URL -> module file (semantics 5.2) and the traversal/security rules (5.4)."""

import os
import re
import types

import pytest

from kernel import SERVER_RETURN
from plugins.publisher.traversal import locate_module, publishable, resolve, traversable

EXTS = [".py", ".html"]


@pytest.fixture
def site(tmp_path):
    for name in ("index.py", "tests.py", "a.b.py"):
        (tmp_path / name).write_text("")
    (tmp_path / "sub").mkdir()
    return str(tmp_path)


@pytest.mark.parametrize("filename, path_info, module, path", [
    ("", "", "index.py", "index"),                       # a directory request
    ("/", "", "index.py", "index"),
    ("/index", "/", "index.py", "index"),
    ("/index", "/hello", "index.py", "hello"),
    ("/hello", "", "index.py", "hello"),                 # hello.py missing: index.py fallback
    ("/hello", "/x/", "index.py", "hello/x"),
    ("/tests", "", "tests.py", "index"),
    ("/tests.py", "", "tests.py", "index"),
    ("/tests.py", "/", "tests.py", "index"),
    ("/tests.py", "/a/b/", "tests.py", "a/b"),           # one trailing slash dropped
    ("/tests.py", "/a/b//", "tests.py", "a/b/"),
    ("/tests.html", "/f", "tests.py", "f"),              # AddHandler mod_python .html
    ("/TESTS.PY", "", "index.py", "TESTS"),              # case kept: TESTS.py does not exist
    ("/a.b.py", "/f", "a.b.py", "f"),                    # embedded dots allowed
    ("/spam", "", "index.py", "spam"),
])
def test_locate_module(site, filename, path_info, module, path):
    assert locate_module(site + filename, path_info, EXTS) == (os.path.join(site, module), path)


def test_no_index_py_is_none(tmp_path):
    (tmp_path / "form.py").write_text("")
    assert locate_module(str(tmp_path / "nosuch.py"), "/hello", EXTS) is None
    assert locate_module(str(tmp_path) + "/", "", EXTS) is None
    assert locate_module(str(tmp_path / "form.py"), "", EXTS) == (str(tmp_path / "form.py"), "index")


def test_subdirectory_without_index_is_none(site):
    assert locate_module(site + "/sub/", "", EXTS) is None


# -- traversal ------------------------------------------------------------------------------

class Obj:
    attr = "class attribute"

    def method(self, req):
        return "method called"

    @property
    def inner(self):
        return Inner()


class Inner:
    def deep(self):
        return "deep"


def make_module():
    mod = types.ModuleType("published")
    mod.CONST = "a string"
    mod._private = "hidden"
    mod.os = os
    mod.Obj = Obj
    mod.obj = Obj()
    mod.d = {"a": 1}
    mod.d_keys = mod.d.keys
    mod.length = len
    mod.func = lambda: "f"
    mod.func.attr = "function attribute"
    mod.gen = (i for i in range(2))
    mod.append = list.append
    mod.wrapper = Obj().__str__
    return mod


def status(path):
    with pytest.raises(SERVER_RETURN) as exc:
        resolve(make_module(), path)
    return exc.value.args[0]


@pytest.mark.parametrize("path, expected", [
    ("CONST", "a string"), ("obj.attr", "class attribute"), ("obj/attr", "class attribute"),
])
def test_resolve_reaches_values(path, expected):
    assert resolve(make_module(), path) == expected


def test_resolve_methods_and_nested_objects():
    assert resolve(make_module(), "obj/method")(None) == "method called"
    assert resolve(make_module(), "obj/inner/deep")() == "deep"


@pytest.mark.parametrize("path", [
    "_private", "__dict__", "obj/__class__", "func/__code__", "func/__globals__",
    "__builtins__", "obj/_x",
])
def test_underscore_names_are_403(path):
    assert status(path) == 403


@pytest.mark.parametrize("path", [
    "os",             # an imported module is not published
    "os/path",        # nor walked through
    "Obj",            # classes are never published
    "Obj/attr",
    "func/attr",      # functions are not traversable
    "obj/method/x",   # methods are not traversable
    "d/keys",         # builtin types are not traversable
    "CONST/upper",
    "d_keys",         # a builtin method is not publishable
    "length",         # nor a builtin function
    "append",         # nor a method descriptor
    "wrapper",        # nor a method-wrapper
])
def test_forbidden_objects_are_403(path):
    assert status(path) == 403


@pytest.mark.parametrize("path", ["nosuch", "obj/nosuch", "obj//attr", ""])
def test_missing_names_are_404(path):
    assert status(path) == 404


def test_first_failing_component_decides():
    assert status("nosuch/_x") == 404
    assert status("_x/nosuch") == 403


def test_refusals_are_logged():
    said = []
    with pytest.raises(SERVER_RETURN):
        resolve(make_module(), "_private", log=said.append)
    assert len(said) == 1 and re.search("underscore", said[0])


def test_check_runs_on_the_module_and_every_object_reached():
    seen = []
    mod = make_module()
    resolve(mod, "obj/inner/deep", check=seen.append)
    assert seen[0] is mod and isinstance(seen[1], Obj) and isinstance(seen[2], Inner)
    assert len(seen) == 4


def test_type_rules():
    assert traversable(Obj()) and publishable(Obj())
    assert publishable("s") and not traversable("s")
    assert publishable(lambda: 1) and not traversable(lambda: 1)
    assert publishable(make_module().gen) and not traversable(make_module().gen)
    assert not publishable(os) and not traversable(os)
    assert not publishable(Obj) and not traversable(Obj)
    assert not publishable(len) and not traversable(len)


def test_standard_library_objects_are_not_walked_through():
    import logging
    mod = types.ModuleType("published")
    mod.log = logging.getLogger("published-test")
    mod.ns = types.SimpleNamespace(secret="x")
    assert not traversable(mod.log) and not traversable(mod.ns)
    for path in ("log/manager", "log/setLevel", "ns/secret"):
        with pytest.raises(SERVER_RETURN) as exc:
            resolve(mod, path)
        assert exc.value.args[0] == 403


def test_imported_functions_and_foreign_callables_are_not_published(tmp_path):
    import functools
    import json
    import shutil

    from mod_python.util import redirect
    mod = types.ModuleType("published")
    exec("def own(req):\n    return 'mine'\nclass Page:\n    def view(self):\n        return 'v'\n",
         mod.__dict__)
    mod.rmtree, mod.dumps, mod.redirect = shutil.rmtree, json.dumps, redirect
    mod.remover = functools.partial(shutil.rmtree, str(tmp_path))
    mod.page = mod.Page()
    assert publishable(mod.own) and publishable(mod.page.view) and publishable("text")
    for name in ("rmtree", "dumps", "redirect", "remover"):
        assert not publishable(getattr(mod, name)), name
        with pytest.raises(SERVER_RETURN) as exc:
            resolve(mod, name)
        assert exc.value.args[0] == 403
