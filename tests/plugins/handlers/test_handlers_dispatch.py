"""The handlers plugin's phases over a stand-in request: stacking rules, results, errors,
req.phase / req.hlist, add_handler, | .ext, silent modules, named handlers."""

import textwrap

import pytest

import plugins.handlers as phases
from kernel import PhaseError
from kernel.lifecycle.constants import DECLINED, DONE, HTTP_INTERNAL_SERVER_ERROR, HTTP_NOT_FOUND, OK
from kernel import DirConfig
from kernel.testing import FakeRequest
from plugins.handlers import request_api
from plugins.handlers.directives import DIRECTIVES, HandlerEntry

DEFAULTS = {d.name: d.default for d in DIRECTIVES}

HANDLERS = """
from mod_python import apache

def ok(req): req.calls.append("ok"); return apache.OK
def ok2(req): req.calls.append("ok2"); return apache.OK
def declined(req): req.calls.append("declined"); return apache.DECLINED
def done(req): req.calls.append("done"); return apache.DONE
def notfound(req): req.calls.append("notfound"); return apache.HTTP_NOT_FOUND
def none(req): req.calls.append("none")
def true(req): return True
def boom(req): raise ValueError("boom in user code")
def ret_ok(req): req.calls.append("ret_ok"); raise apache.SERVER_RETURN(apache.OK)
def ret_status(req): raise apache.SERVER_RETURN(apache.DONE, apache.HTTP_NOT_FOUND)
def server_error(req): raise apache.SERVER_ERROR
def context(req):
    h = req.hlist
    req.calls.append((req.phase, h.handler, h.directory, h.is_location, h.silent, req.extension))
    return apache.OK
def adds_same(req): req.add_handler(req.phase, "h::ok2"); return apache.OK
def adds_content(req): req.add_handler("PythonHandler", "h::ok2"); return apache.OK
def login(req): req.user = "spam"; return apache.OK

class Counter:
    def __init__(self, req): self.req = req
    def run(self, req): req.calls.append(("Counter.run", self.req is req)); return apache.OK

def fixuphandler(req): req.calls.append("module fixup"); return apache.OK
"""


class Hook:
    def __init__(self, named):
        self.named = named

    def named_handler(self, name):
        return self.named.get(name)


class Site:
    def __init__(self, named=None):
        self.hook = Hook(named or {})
        self.state = {}         # no "handlers.in_use": every phase looks at its directives


class Server:
    server_hostname = "example.org"


class BaseReq(FakeRequest):
    """The fake request with the handlers plugin's directive defaults and a fake site."""

    phase = None

    def __init__(self, config, filename=None, handler="mod_python", named=None):
        super().__init__(filename=filename, handler=handler)
        self.dir_config = DirConfig(config, DEFAULTS)
        self.site = Site(named)
        self.server = Server()
        self.calls = []


Req = type("Req", (BaseReq,), request_api.REQUEST_METHODS)     # as the site builds it


@pytest.fixture
def site_dir(tmp_path):
    (tmp_path / "h.py").write_text(textwrap.dedent(HANDLERS))
    return tmp_path


def entries(site_dir, *texts, **kw):
    return tuple(HandlerEntry.parse(t, f"{site_dir}/", **kw) for t in texts)


def request(site_dir, directive="PythonHandler", *texts, **kw):
    config = kw.pop("config", {})
    return Req({directive: {"": entries(site_dir, *texts)}, **config}, **kw)


@pytest.mark.parametrize("hook, directive, chain, result, ran", [
    ("handler", "PythonHandler", ["ok", "ok2"], OK, ["ok", "ok2"]),
    ("handler", "PythonHandler", ["declined", "ok"], DECLINED, ["declined"]),
    ("handler", "PythonHandler", ["done", "ok"], DONE, ["done"]),
    ("handler", "PythonHandler", ["notfound", "ok"], HTTP_NOT_FOUND, ["notfound"]),
    ("handler", "PythonHandler", ["ret_ok", "ok2"], OK, ["ret_ok", "ok2"]),
    ("fixups", "PythonFixupHandler", ["declined", "ok", "ok2"], OK, ["declined", "ok", "ok2"]),
    ("fixups", "PythonFixupHandler", ["ok", "done", "ok2"], DONE, ["ok", "done"]),
    ("fixups", "PythonFixupHandler", ["ok", "declined"], DECLINED, ["ok", "declined"]),
    ("check_user_id", "PythonAuthenHandler", ["declined", "login", "ok"], OK, ["declined"]),
    ("translate_name", "PythonTransHandler", ["declined", "ok", "ok2"], OK, ["declined", "ok"]),
    ("type_checker", "PythonTypeHandler", ["ok", "ok2"], OK, ["ok"]),
    ("access_checker", "PythonAccessHandler", ["ok", "ok2"], OK, ["ok", "ok2"]),
    ("log_transaction", "PythonLogHandler", ["declined", "ok"], OK, ["declined", "ok"]),
    ("request_cleanup", "PythonCleanupHandler", ["declined", "ok"], DECLINED, ["declined"]),
])
def test_stacking_rules_per_phase(site_dir, hook, directive, chain, result, ran):
    req = request(site_dir, directive, *["h::" + name for name in chain])
    assert getattr(phases, hook)(req) == result
    assert [c for c in req.calls if c != "login"] == ran


def test_nothing_configured_declines(site_dir):
    assert phases.fixups(Req({})) is None


def test_server_return_with_status_sets_it(site_dir):
    req = request(site_dir, "PythonHandler", "h::ret_status")
    assert (phases.handler(req), req.status) == (DONE, HTTP_NOT_FOUND)
    assert phases.handler(request(site_dir, "PythonHandler", "h::server_error")) == \
        HTTP_INTERNAL_SERVER_ERROR


@pytest.mark.parametrize("name, shown", [("none", "<class 'NoneType'>"), ("true", "<class 'bool'>")])
def test_non_int_result_is_an_error_naming_the_handler(site_dir, name, shown):
    req = request(site_dir, "PythonHandler", "h::" + name, "h::ok2",
                  config={"PythonDebug": True})
    with pytest.raises(PhaseError) as info:
        phases.handler(req)
    assert (info.value.where, info.value.debug) == ("PythonHandler h::" + name, True)
    message = str(info.value.__cause__)
    assert "PythonHandler h::%s returned invalid return code" % name in message
    assert "was %s, whereas expected <class 'int'>" % shown in message
    assert "apache.OK" in message and "ok2" not in req.calls


def test_exception_becomes_phase_error_starting_in_user_code(site_dir):
    req = request(site_dir, "PythonHandler", "h::boom")
    with pytest.raises(PhaseError) as info:
        phases.handler(req)
    cause = info.value.__cause__
    assert (info.value.where, info.value.debug, type(cause)) == ("PythonHandler h::boom", False, ValueError)
    assert cause.__traceback__.tb_frame.f_code.co_filename == str(site_dir / "h.py")


def test_missing_module_and_function(site_dir):
    with pytest.raises(PhaseError) as info:
        phases.handler(request(site_dir, "PythonHandler", "nosuchmodule"))
    assert isinstance(info.value.__cause__, ModuleNotFoundError)
    with pytest.raises(PhaseError) as info:
        phases.handler(request(site_dir, "PythonHandler", "h"))   # no function 'handler'
    assert "contains no 'handler'" in str(info.value.__cause__)


@pytest.mark.parametrize("hook", ["request_cleanup", "log_transaction"])
def test_cleanup_and_log_exceptions_are_only_logged(site_dir, hook):
    directive = "PythonCleanupHandler" if hook == "request_cleanup" else "PythonLogHandler"
    req = request(site_dir, directive, "h::boom", "h::ok")
    assert getattr(phases, hook)(req) == HTTP_INTERNAL_SERVER_ERROR
    assert req.calls == [] and "boom in user code" in req.log_text


def test_phase_and_hlist_seen_by_handlers(site_dir):
    req = request(site_dir, "PythonFixupHandler", "h::context")
    phases.fixups(req)
    assert req.calls == [("PythonFixupHandler", "h::context", f"{site_dir}/", 0, 0, None)]
    assert req.phase is None


def test_class_in_object_path_is_instantiated_with_the_request(site_dir):
    req = request(site_dir, "PythonHandler", "h::Counter.run")
    assert phases.handler(req) == OK and req.calls == [("Counter.run", True)]


def test_default_function_name_comes_from_the_directive(site_dir):
    req = request(site_dir, "PythonFixupHandler", "h")
    assert phases.fixups(req) == OK and req.calls == ["module fixup"]


def test_content_phase_only_for_mod_python_handlers(site_dir):
    assert phases.handler(request(site_dir, "PythonHandler", "h::ok", handler=None)) is None
    assert phases.handler(request(site_dir, "PythonHandler", "h::ok", handler="python-program")) == OK


def test_extension_lists(site_dir):
    config = {"PythonHandler": {"": entries(site_dir, "h::ok"),
                                ".tar.gz": entries(site_dir, "h::context"),
                                ".py": entries(site_dir, "h::ok2")}}
    req = Req(config, filename="/srv/a.tar.gz")
    phases.handler(req)
    assert req.calls == [("PythonHandler", "h::context", f"{site_dir}/", 0, 0, ".tar.gz")]
    req = Req(config, filename="/srv/x.b.py")       # '.b.py' is not '.py'
    phases.handler(req)
    assert (req.calls, req.extension) == (["ok"], None)


def test_silent_module_entries(site_dir):
    module = entries(site_dir, "h", silent=True)
    req = Req({"PythonHandlerModule": module})
    assert phases.fixups(req) == OK and req.calls == ["module fixup"]
    assert phases.type_checker(req) is None          # h has no typehandler: skipped
    req = Req({"PythonHandlerModule": module, "PythonFixupHandler": {"": entries(site_dir, "h::ok")}})
    phases.fixups(req)
    assert req.calls == ["module fixup", "ok"]


def test_add_handler_same_phase_and_later_phase(site_dir):
    req = request(site_dir, "PythonFixupHandler", "h::adds_same", "h::ok",
                  config={"PythonHandler": {"": entries(site_dir, "h::ok")}})
    phases.fixups(req)
    assert req.calls == ["ok", "ok2"]
    req = request(site_dir, "PythonFixupHandler", "h::adds_content",
                  config={"PythonHandler": {"": entries(site_dir, "h::ok")}})
    phases.fixups(req)
    phases.handler(req)
    assert req.calls == ["ok", "ok2"]
    phases.handler(req)                                # taken once
    assert req.calls == ["ok", "ok2", "ok"]


def test_add_handler_refuses_unknown_phases(site_dir):
    req = Req({})
    for phase in ("PythonCleanupHandler", "handler", "PythonNoSuchHandler"):
        with pytest.raises(IndexError, match="Invalid phase"):
            req.add_handler(phase, "h")


def test_add_handler_directory_is_searched(site_dir):
    req = Req({})
    req.add_handler("PythonFixupHandler", "h::context", str(site_dir))
    phases.fixups(req)
    assert req.calls[0][2] == f"{site_dir}/"


def test_init_handler_runs_once_at_its_earliest_phase(site_dir):
    server = entries(site_dir, "h::ok")
    req = Req({"PythonInitHandler": {"": server},
               "PythonPostReadRequestHandler": {"": entries(site_dir, "h::ok2")}})
    assert phases.post_read_request(req) == OK and req.calls == ["ok", "ok2"]
    assert phases.header_parser(req) is None and req.calls == ["ok", "ok2"]
    req.dir_config = DirConfig({"PythonInitHandler": {"": entries(site_dir, "h::declined")}}, DEFAULTS)
    assert phases.header_parser(req) == DECLINED
    assert req.calls == ["ok", "ok2", "declined"]


def test_init_handler_stopping_skips_the_phase_list(site_dir):
    req = Req({"PythonInitHandler": {"": entries(site_dir, "h::done")},
               "PythonPostReadRequestHandler": {"": entries(site_dir, "h::ok")}})
    assert phases.post_read_request(req) == DONE and req.calls == ["done"]


def test_authen_ok_without_user_is_500(site_dir):
    req = request(site_dir, "PythonAuthenHandler", "h::ok")
    assert phases.check_user_id(req) == HTTP_INTERNAL_SERVER_ERROR
    assert "did not set req.user" in req.log_text
    assert phases.check_user_id(request(site_dir, "PythonAuthenHandler", "h::login")) == OK


def test_named_handlers_are_asked_first(site_dir):
    seen = []
    published = {"mod_python.publisher": lambda req: seen.append(req) or OK}
    req = request(site_dir, "PythonHandler", "mod_python.publisher", named=published)
    assert phases.handler(req) == OK and seen == [req]
    with pytest.raises(PhaseError) as info:
        phases.handler(request(site_dir, "PythonHandler", "mod_python.publisher"))
    assert "no enabled plugin provides 'mod_python.publisher'" in str(info.value.__cause__)


def test_python_path_directories_are_searched(site_dir, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    req = Req({"PythonHandler": {"": entries(elsewhere, "h::ok")},
               "PythonPath": "sys.path+[%r]" % str(site_dir)})
    assert phases.handler(req) == OK


def test_interpreter_names(site_dir):
    req = Req({}, filename="/srv/app/x.py")
    assert req.interpreter == "example.org"
    req.dir_config = DirConfig({"PythonInterpPerDirectory": True}, DEFAULTS)
    assert req.interpreter == "/srv/app/"
    req.dir_config = DirConfig({"PythonInterpreter": "shared"}, DEFAULTS)
    assert req.interpreter == "shared"
