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
