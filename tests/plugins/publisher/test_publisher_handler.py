"""Publisher handler end to end on a fake request: methods, mapping, arguments, results."""

import textwrap

import pytest

import plugins.publisher
from kernel.testing import FakeRequest
from kernel import DONE, OK, SERVER_RETURN
from plugins.publisher.content_handler import handler

FUNCS = '''
    from plugins.publisher import auth

    CONST = "a module-level string"

    def index(req):
        return "index of funcs"

    def hello(name="world"):
        return "Hello, %s!" % name

    def both(req, a, b="B"):
        return "a=%r b=%r" % (a, b)

    def kw(req, **kwargs):
        return "kwargs=%r" % sorted(kwargs.items())

    def nothing():
        return None

    def writer(req):
        req.write("written;")
        return "returned"

    def headers(req):
        req.headers_out["X-Custom"] = "yes"
        req.content_type = "text/csv"
        return "a,b\\n1,2\\n"

    def upload(f, note):
        return "%s:%s:%s" % (f.filename, f.value.decode(), note)

    def form_again(req):
        return "same form" if req.form is FORMS[0] else "new form"

    def remember(req):
        FORMS.append(req.form)
        return form_again
    FORMS = []

    class Loop:
        def __call__(self):
            return self
    loop = Loop()

    def inner(x):
        raise TypeError("inner() missing 1 required positional argument: 'y'")

    @auth({"spam": "eggs"}, realm="Funcs")
    def secret():
        return "secret"
'''


@pytest.fixture
def site(tmp_path):
    (tmp_path / "funcs.py").write_text(textwrap.dedent(FUNCS))
    (tmp_path / "index.py").write_text("def index():\n    return 'site index'\n"
                                       "def hello():\n    return 'index hello'\n")
    return tmp_path


def call(site, url_path, method="GET", args="", **kw):
    """Run the handler as the kernel's mapping would: /funcs.py/x -> filename + path_info."""
    first, _, rest = url_path.lstrip("/").partition("/")
    req = FakeRequest(method, args=args, filename=str(site / first),
                      path_info="/" + rest if rest or url_path.endswith("/") else "",
                      uri=url_path, **kw)
    try:
        result = handler(req)
    except SERVER_RETURN as exc:
        result = exc.args[0]
    return req, result


def test_named_handler_hook():
    assert plugins.publisher.named_handler("mod_python.publisher") is handler
    assert plugins.publisher.named_handler("mod_python.psp") is None


def test_only_get_post_head():
    req, result = call_site_free("PUT")
    assert result == 405 and set(req.allowed_methods) == {"GET", "POST", "HEAD"}


def call_site_free(method):
    req = FakeRequest(method, filename="/nonexistent/x.py")
    return req, handler(req)


def test_request_without_a_file_is_404():
    assert handler(FakeRequest(filename=None)) == 404


def test_module_and_index_resolution(site):
    req, result = call(site, "/funcs.py")
    assert result == OK and req.body == b"index of funcs"
    assert req.filename == str(site / "funcs.py")
    assert call(site, "/funcs.py/")[0].body == b"index of funcs"
    assert call(site, "/funcs")[0].body == b"index of funcs"
    assert call(site, "/hello")[0].body == b"index hello"
    assert call(site, "/")[0].body == b"site index"


@pytest.mark.parametrize("path, status", [
    ("/nosuch.py/hello", 404), ("/funcs.py/nosuch", 404), ("/funcs.py/_private", 403),
    ("/funcs.py/auth", 403),   # an imported function is published, a module would not be
])
def test_refusals(site, path, status):
    if path.endswith("/auth"):
        (site / "funcs.py").write_text((site / "funcs.py").read_text() + "\nimport os as auth\n")
    assert call(site, path)[1] == status


def test_arguments_from_the_query_string(site):
    assert call(site, "/funcs.py/hello")[0].body == b"Hello, world!"
    assert call(site, "/funcs.py/hello", args="name=spam")[0].body == b"Hello, spam!"
    assert call(site, "/funcs.py/hello", args="name=a&name=b")[0].body == b"Hello, ['a', 'b']!"
    assert call(site, "/funcs.py/kw", args="x=1&y=2&req=z")[0].body == b"kwargs=[('x', '1'), ('y', '2')]"
    assert call(site, "/funcs.py/both", args="a=1")[0].body == b"a='1' b='B'"


def test_arguments_from_a_posted_form(site):
    req, _ = call(site, "/funcs.py/both", "POST", body=b"a=1&b=2",
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert req.body == b"a='1' b='2'"


def test_upload_argument(site):
    body = (b'--B\r\nContent-Disposition: form-data; name="f"; filename="n.txt"\r\n\r\nhello\r\n'
            b'--B\r\nContent-Disposition: form-data; name="note"\r\n\r\nhi\r\n--B--\r\n')
    req, _ = call(site, "/funcs.py/upload", "POST", body=body,
                  headers={"Content-Type": "multipart/form-data; boundary=B"})
    assert req.body == b"n.txt:hello:hi"


def test_missing_required_argument_is_400_naming_it(site):
    req, result = call(site, "/funcs.py/both", args="b=2")
    assert result == DONE and req.status == 400
    assert req.content_type.startswith("text/html")
    assert b"'a'" in req.body and b"both()" in req.body


def test_a_typeerror_inside_the_function_is_not_a_400(site):
    with pytest.raises(TypeError):
        handler(FakeRequest(filename=str(site / "funcs.py"), path_info="/inner", args="x=1"))


def test_results(site):
    req, _ = call(site, "/funcs.py/nothing")
    assert req.written == [] and req.content_type == "text/x-python"
    req, _ = call(site, "/funcs.py/writer")
    assert req.written == [(b"written;", 1), (b"returned", 0)] and req.content_type == "text/x-python"
    req, _ = call(site, "/funcs.py/headers")
    assert req.content_type == "text/csv" and req.headers_out["X-Custom"] == "yes"
    req, _ = call(site, "/funcs.py/CONST")
    assert req.body == b"a module-level string" and req.content_type == "text/plain"


def test_returned_callable_is_called_with_the_same_form(site):
    assert call(site, "/funcs.py/remember")[0].body == b"same form"


def test_an_object_whose_call_returns_itself_fails_instead_of_spinning(site):
    with pytest.raises(RecursionError, match="loop still returned a callable after 100 calls"):
        call(site, "/funcs.py/loop")


def test_decorated_function_needs_credentials(site):
    req, result = call(site, "/funcs.py/secret")
    assert result == 401 and req.err_headers_out["WWW-Authenticate"] == 'Basic realm="Funcs"'
    req, result = call(site, "/funcs.py/secret", headers={"Authorization": "Basic c3BhbTplZ2dz"})
    assert result == OK and req.body == b"secret"


def test_autoreload_settings_are_passed_to_the_loader(site, monkeypatch):
    import plugins.publisher.content_handler as module
    seen = []
    real = module.load_file
    monkeypatch.setattr(module, "load_file", lambda path, autoreload, log, check_interval: seen.append(
        (autoreload, check_interval)) or real(path, autoreload))
    call(site, "/funcs.py")
    call(site, "/funcs.py", config={"PythonAutoReload": False})
    call(site, "/funcs.py", config={"PythonAutoReloadInterval": 0})
    call(site, "/funcs.py", config={"PythonAutoReloadInterval": 7.5})
    # (FakeRequest's own configuration declares no interval: 0, every use)
    assert seen == [(True, 0), (False, 0), (True, 0), (True, 7.5)]


def test_debug_logs_module_loading(site):
    req, _ = call(site, "/index.py", config={"PythonDebug": True})
    assert any("index.py" in message for message, _ in req.logged)
