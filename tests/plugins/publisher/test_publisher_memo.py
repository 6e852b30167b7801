"""Publisher: what it remembers between requests never hides a change to the published code.

The fast paths (a module or function without rules answered from its ``__dict__``, the rule
names a body binds remembered per code object, the module-file answer remembered when the
kernel's stat alone gave it) must see rules added later, objects rebound at run time, new
code, and files that appear or vanish."""

import os
import types

import pytest

from kernel import SERVER_RETURN
from kernel.testing import FakeRequest, basic_auth_header
from plugins.publisher.access import Guard
from plugins.publisher.traversal import locate_module, resolve


def published(module, path, req=None):
    req = req or FakeRequest()
    guard = Guard(req)
    return resolve(module, path, check=guard, log=guard.notice)


def status_of(module, path, req=None):
    with pytest.raises(SERVER_RETURN) as exc:
        published(module, path, req)
    return exc.value.args[0]


def make_module():
    module = types.ModuleType("site_page")
    exec("def page(req):\n    return 'open'\n", module.__dict__)
    return module


def test_rule_set_after_first_request_applies():
    module = make_module()
    assert published(module, "page") is module.page
    module.page.__auth__ = {"spam": "eggs"}
    assert status_of(module, "page") == 401
    req = FakeRequest(headers={"Authorization": basic_auth_header("spam", "eggs")})
    assert published(module, "page", req) is module.page


def test_module_rule_and_module_getattr_added_later_apply():
    module = make_module()
    published(module, "page")
    module.__access__ = ["nobody"]
    assert status_of(module, "page") in (401, 403)
    del module.__access__
    module.__getattr__ = lambda name: {"spam": "eggs"} if name == "__auth__" else None
    assert status_of(module, "page") == 401


def test_rebound_object_is_published_fresh():
    module = make_module()
    first = published(module, "page")
    exec("def page(req):\n    return 'new'\n", module.__dict__)
    assert published(module, "page") is module.page is not first
    module.counter = 1
    assert published(module, "counter") == 1
    module.counter = 2
    assert published(module, "counter") == 2


def test_new_code_with_a_nested_rule_is_refused():
    module = make_module()
    published(module, "page")
    exec("def page(req):\n    def __auth__(req, u, p):\n        return True\n    return 1\n",
         module.__dict__)
    assert status_of(module, "page") == 500
    module.page.__code__ = make_module().page.__code__
    assert published(module, "page") is module.page


def test_underscore_and_missing_paths_still_refused_after_a_hit():
    module = make_module()
    published(module, "page")
    assert status_of(module, "_page") == 403
    assert status_of(module, "nothing") == 404


def test_module_file_answer_follows_the_kernel_stat(tmp_path):
    page = tmp_path / "funcs.py"
    page.write_text("def hello(req):\n    return 1\n")
    finfo = os.stat(page)
    assert locate_module(str(page), "/hello", (".py",), finfo) == (str(page), "hello")
    assert locate_module(str(page), "/hello", (".py",), finfo) == (str(page), "hello")
    # Not the module file (an extension it does not strip): asks the file system each time.
    other = tmp_path / "funcs.txt"
    other.write_text("x")
    assert locate_module(str(other), "/hello", (".py",), os.stat(other)) is None
    (tmp_path / "funcs.txt.py").write_text("def hello(req):\n    return 1\n")
    assert locate_module(str(other), "/hello", (".py",), os.stat(other)) == (
        str(tmp_path / "funcs.txt.py"), "hello")


# -- the remembered walk (plugins/publisher/remembered.py): what the handler does ------------

from plugins.publisher import remembered as memo  # noqa: E402


def served(module, path, req=None):
    """What the content handler publishes: the remembered function, else a walk."""
    obj = memo.remembered(module, path)
    if obj is None:
        obj = published(module, path, req)
        memo.remember(module, path, obj)
    return obj


def served_status(module, path, req=None):
    with pytest.raises(SERVER_RETURN) as exc:
        served(module, path, req)
    return exc.value.args[0]


def test_a_plain_function_is_remembered_and_served_again():
    module = make_module()
    assert served(module, "page") is module.page
    assert memo.remembered(module, "page") is module.page
    assert memo.remembered(module, "other") is None


def test_rules_added_after_the_walk_was_remembered_apply():
    module = make_module()
    served(module, "page")
    module.page.__auth__ = {"spam": "eggs"}
    assert served_status(module, "page") == 401
    req = FakeRequest(headers={"Authorization": basic_auth_header("spam", "eggs")})
    assert served(module, "page", req) is module.page
    assert memo.remembered(module, "page") is None      # a function with a rule: never kept
    del module.page.__auth__
    for name, value in [("__access__", ["nobody"]), ("__auth__", {"a": "b"}),
                        ("__auth_realm__", "R")]:
        served(module, "page")
        setattr(module, name, value)
        assert memo.remembered(module, "page") is None
        delattr(module, name)
    served(module, "page")
    module.__getattr__ = lambda name: {"spam": "eggs"} if name == "__auth__" else None
    assert served_status(module, "page") == 401


def test_a_rebound_name_or_new_code_is_walked_again():
    module = make_module()
    first = served(module, "page")
    exec("def page(req):\n    return 'new'\n", module.__dict__)
    assert served(module, "page") is module.page is not first
    exec("def page(req):\n    def __auth__(req, u, p):\n        return True\n    return 1\n",
         module.__dict__)
    assert served_status(module, "page") == 500
    module.page.__code__ = make_module().page.__code__
    assert served(module, "page") is module.page
    # new code binding a rule (no source to read it from here): refused, not served
    module.page.__code__ = compile("def f(req):\n    __auth__ = {'a': 'b'}\n", "x", "exec").co_consts[0]
    assert served_status(module, "page") == 500


def test_a_function_that_now_claims_foreign_code_is_refused():
    module = make_module()
    served(module, "page")
    module.page.__module__ = "shutil"
    assert served_status(module, "page") == 403


def test_only_one_segment_plain_functions_are_kept():
    module = make_module()
    exec("class Box:\n    def inside(self):\n        return 1\nbox = Box()\nvalue = 3\n",
         module.__dict__)
    served(module, "box/inside")
    assert memo.remembered(module, "box/inside") is None
    assert served(module, "value") == 3
    assert memo.remembered(module, "value") is None


def test_a_reloaded_module_serves_its_new_function(tmp_path):
    from kernel import load_file
    page = tmp_path / "reloaded_page.py"
    page.write_text("def hello(req):\n    return 'first'\n")
    first = load_file(str(page))
    assert served(first, "hello")(None) == "first"
    page.write_text("def hello(req):\n    return 'second version'\n")
    st = page.stat()
    os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))
    second = load_file(str(page))
    assert second is not first and second.__name__ == first.__name__
    assert memo.remembered(second, "hello") is None
    assert served(second, "hello")(None) == "second version"
    # the entry of the new generation replaced the old one: the old module is not kept
    assert memo.remembered(first, "hello") is None
    assert all(entry.module is not first for entry in memo._functions.values())


def test_a_module_whose_class_is_swapped_is_walked_again():
    module = make_module()
    served(module, "page")

    class Guarded(types.ModuleType):
        @property
        def __auth__(self):
            return {"spam": "eggs"}
    module.__class__ = Guarded
    assert memo.remembered(module, "page") is None
    assert served_status(module, "page") == 401
