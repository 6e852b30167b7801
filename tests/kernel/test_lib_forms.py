"""kernel.lib.forms and kernel.lib.arguments (mod_python.util): query strings, FieldStorage, argument matching, redirect."""

import io

import pytest

from kernel.testing import FakeRequest
from kernel import DONE, SERVER_RETURN
from kernel import (Field, FieldStorage, MissingArgument, StringField, accepted_parameters,
                          apply_fs_data, bind_form, parse_qs, parse_qsl, redirect)

URLENCODED = {"Content-Type": "application/x-www-form-urlencoded"}


def status_of(excinfo):
    return excinfo.value.args[0]


def multipart_body(*parts, boundary="XyZ"):
    """parts: (headers, data) -> bytes of a multipart body."""
    out = b""
    for headers, data in parts:
        out += b"--" + boundary.encode() + b"\r\n"
        out += b"".join(h.encode() + b"\r\n" for h in headers) + b"\r\n" + data + b"\r\n"
    return out + b"--" + boundary.encode() + b"--\r\n"


def multipart_request(body, boundary="XyZ", **kw):
    headers = {"Content-Type": 'multipart/form-data; boundary="%s"' % boundary}
    return FakeRequest("POST", body=body, headers=headers, **kw)


# -- parse_qs / parse_qsl -------------------------------------------------------------------

def test_parse_qsl_splits_on_ampersand_and_semicolon_and_decodes():
    assert parse_qsl("a=1&b=x+y;c=%41%42") == [("a", "1"), ("b", "x y"), ("c", "AB")]


def test_parse_qsl_short_keys_stay_keys():
    # mod_python 3.5's C parser turned a=1 into ('1', '1').
    assert parse_qsl("a=1&x=2") == [("a", "1"), ("x", "2")]


def test_parse_qsl_blank_values():
    assert parse_qsl("a=&b&c=3") == [("c", "3")]
    assert parse_qsl("a=&b&c=3", keep_blank_values=1) == [("a", ""), ("b", ""), ("c", "3")]


def test_parse_qsl_strict_refuses_field_without_equals():
    with pytest.raises(ValueError):
        parse_qsl("a=1&b", keep_blank_values=1, strict_parsing=1)


def test_parse_qsl_utf8_with_latin1_fallback():
    assert parse_qsl("n=J%C3%B6rg&m=%F6") == [("n", "Jörg"), ("m", "ö")]


def test_parse_qsl_bytes_in_bytes_out():
    assert parse_qsl(b"a=1&%C3%A9=x+y") == [(b"a", b"1"), (b"\xc3\xa9", b"x y")]


def test_parse_qs_groups_repeated_names():
    assert parse_qs("a=1&b=2&a=3") == {"a": ["1", "3"], "b": ["2"]}


# -- FieldStorage: query string and urlencoded body ------------------------------------------

def test_query_string_then_body_with_str_names_and_values():
    req = FakeRequest("POST", args="q=1", body=b"name=Joe+Doe&email=joe%40example.com&comment=",
                      headers=URLENCODED)
    fs = FieldStorage(req, keep_blank_values=1)
    assert [(f.name, f) for f in fs.list] == [
        ("q", "1"), ("name", "Joe Doe"), ("email", "joe@example.com"), ("comment", "")]
    assert all(type(f.name) is str and isinstance(f, StringField) for f in fs.list)


def test_blank_body_values_dropped_by_default():
    fs = FieldStorage(FakeRequest("POST", body=b"a=&b=2", headers=URLENCODED))
    assert fs.keys() == ["b"]


def test_missing_content_type_means_urlencoded():
    fs = FieldStorage(FakeRequest("POST", body=b"a=1"))
    assert fs["a"] == "1"


def test_urlencoded_charset_parameter():
    req = FakeRequest("POST", body=b"a=%E9",
                      headers={"Content-Type": "application/x-www-form-urlencoded; charset=iso-8859-1"})
    assert FieldStorage(req)["a"] == "é"


def test_get_body_is_not_read():
    req = FakeRequest("GET", args="a=1", body=b"b=2", headers=URLENCODED)
    fs = FieldStorage(req)
    assert fs.keys() == ["a"] and req.bytes_read == 0


def test_post_without_length_is_411():
    req = FakeRequest("POST", headers=URLENCODED)
    with pytest.raises(SERVER_RETURN) as exc:
        FieldStorage(req)
    assert status_of(exc) == 411


def test_chunked_post_needs_no_length():
    fs = FieldStorage(FakeRequest("POST", body=b"a=1", headers=URLENCODED, chunked=True))
    assert fs["a"] == "1"


def test_other_content_type_is_501():
    req = FakeRequest("POST", body=b"{}", headers={"Content-Type": "application/json"})
    with pytest.raises(SERVER_RETURN) as exc:
        FieldStorage(req)
    assert status_of(exc) == 501


def test_strict_parsing_refusal_is_400():
    with pytest.raises(SERVER_RETURN) as exc:
        FieldStorage(FakeRequest(args="a=1&b"), strict_parsing=1)
    assert status_of(exc) == 400


# -- limits ---------------------------------------------------------------------------------

def test_declared_length_over_limit_is_413_before_reading():
    req = FakeRequest("POST", body=b"a=" + b"x" * 100, headers=URLENCODED,
                      config={"LimitRequestBody": 50})
    with pytest.raises(SERVER_RETURN) as exc:
        FieldStorage(req)
    assert status_of(exc) == 413 and req.bytes_read == 0


def test_chunked_body_over_limit_is_413():
    req = FakeRequest("POST", body=b"a=" + b"x" * 200000, headers=URLENCODED, chunked=True,
                      config={"LimitRequestBody": 100000})
    with pytest.raises(SERVER_RETURN) as exc:
        FieldStorage(req)
    assert status_of(exc) == 413 and req.bytes_read < 200002


def test_limit_zero_is_unlimited():
    req = FakeRequest("POST", body=b"a=" + b"x" * 300000, headers=URLENCODED,
                      config={"LimitRequestBody": 0})
    assert len(FieldStorage(req)["a"]) == 300000


def test_body_at_limit_is_accepted():
    req = FakeRequest("POST", body=b"a=123", headers=URLENCODED, config={"LimitRequestBody": 5})
    assert FieldStorage(req)["a"] == "123"


def test_multipart_over_limit_is_413():
    body = multipart_body((['Content-Disposition: form-data; name="f"; filename="big"'], b"x" * 200000))
    req = multipart_request(body, chunked=True, config={"LimitRequestBody": 65536})
    with pytest.raises(SERVER_RETURN) as exc:
        FieldStorage(req)
    assert status_of(exc) == 413


# -- multipart ------------------------------------------------------------------------------

def test_multipart_fields_and_upload():
    body = multipart_body(
        (['Content-Disposition: form-data; name="name"'], "Jörg".encode()),
        (['Content-Disposition: form-data; name="up"; filename="notes.txt"',
          "Content-Type: text/plain; charset=us-ascii"], b"line 1\r\nline 2\r\n"),
        (['Content-Disposition: form-data; name="tag"'], b"a"),
        (['Content-Disposition: form-data; name="tag"'], b"b"))
    fs = FieldStorage(multipart_request(body, args="q=0"))
    assert fs.keys() == ["q", "name", "up", "tag"]
    assert fs["name"] == "Jörg" and fs["name"].type == "text/plain"
    up = fs["up"]
    assert isinstance(up, Field) and up.filename == "notes.txt"
    assert up.value == b"line 1\r\nline 2\r\n"      # CRLF before the boundary is not data
    assert up.file.read() == b"line 1\r\nline 2\r\n"
    assert up.type == "text/plain" and up.type_options == {"charset": "us-ascii"}
    assert up.disposition == "form-data"
    assert up.disposition_options == {"name": "up", "filename": "notes.txt"}
    assert up.headers["content-type"] == "text/plain; charset=us-ascii"
    assert fs["tag"] == ["a", "b"] and fs.getlist("tag") == ["a", "b"]


def test_upload_streams_to_an_anonymous_temporary_file():
    data = bytes(range(256)) * 2000
    body = multipart_body((['Content-Disposition: form-data; name="f"; filename="b.bin"'], data))
    up = FieldStorage(multipart_request(body))["f"]
    assert up.file._rolled and up.file.fileno() >= 0       # past 64 KiB: on disk
    assert up.value == data


def test_small_uploads_stay_in_memory_and_parts_are_capped():
    body = multipart_body(*[(['Content-Disposition: form-data; name="f"; filename="t%d"' % n], b"x")
                            for n in range(50)])
    fs = FieldStorage(multipart_request(body))
    assert len(fs.getlist("f")) == 50 and not any(f.file._rolled for f in fs.getlist("f"))
    flood = multipart_body(*[(['Content-Disposition: form-data; name="f"; filename="t"'], b"x")] * 1001)
    with pytest.raises(SERVER_RETURN) as exc:
        FieldStorage(multipart_request(flood))
    assert status_of(exc) == 400


def test_file_and_field_callbacks_receive_the_data():
    made = []

    def file_callback(filename):
        made.append(("file", filename))
        return io.BytesIO()

    def field_callback():
        made.append(("field",))
        return io.BytesIO()

    body = multipart_body((['Content-Disposition: form-data; name="a"'], b"plain"),
                          (['Content-Disposition: form-data; name="f"; filename="x.dat"'], b"bin"))
    fs = FieldStorage(multipart_request(body), file_callback=file_callback, field_callback=field_callback)
    assert made == [("field",), ("file", "x.dat")]
    assert fs["a"] == "plain" and fs["a"].file.read() == b"plain"
    assert fs["f"].value == b"bin"


def test_part_content_type_defaults():
    body = multipart_body((['Content-Disposition: form-data; name="a"'], b"1"),
                          (['Content-Disposition: form-data; name="b"; filename="x"',
                            "Content-Type: weird"], b"2"))
    fs = FieldStorage(multipart_request(body))
    assert fs["a"].type == "text/plain"
    assert fs["b"].type == "application/octet-stream"


def test_multipart_without_boundary_is_400():
    req = FakeRequest("POST", body=b"x", headers={"Content-Type": "multipart/form-data"})
    with pytest.raises(SERVER_RETURN) as exc:
        FieldStorage(req)
    assert status_of(exc) == 400


def test_truncated_multipart_is_400():
    body = multipart_body((['Content-Disposition: form-data; name="a"'], b"1"))[:-10]
    with pytest.raises(SERVER_RETURN) as exc:
        FieldStorage(multipart_request(body))
    assert status_of(exc) == 400


# -- mapping interface ----------------------------------------------------------------------

def test_mapping_interface():
    fs = FieldStorage(FakeRequest(args="a=1&b=2&a=3"))
    assert fs["a"] == ["1", "3"] and fs["b"] == "2"
    with pytest.raises(KeyError):
        fs["zz"]
    assert fs.get("zz", "d") == "d" and fs.get("b") == "2"
    assert fs.getfirst("a") == "1" and fs.getfirst("zz", "d") == "d"
    assert fs.getlist("zz") == []
    assert fs.keys() == ["a", "b"] and list(fs) == ["a", "b"] and len(fs) == 2
    assert fs.has_key("a") and "b" in fs and "zz" not in fs
    assert fs.items() == [("a", ["1", "3"]), ("b", "2")]
    fs.add_field("b", "4")
    assert fs["b"] == ["2", "4"] and fs.list[-1].name == "b"
    fs["a"] = "9"
    assert fs["a"] == "9"
    del fs["a"]
    assert "a" not in fs
    with pytest.raises(KeyError):
        del fs["a"]
    fs.clear()
    assert fs.list == [] and len(fs) == 0


def test_string_field_attributes():
    field = FieldStorage(FakeRequest(args="a=x"))["a"]
    assert field.value == "x" and field.name == "a" and field.filename is None
    assert field.file.read() == "x"
    assert repr(field) == "Field('a', 'x')"        # mod_python's repr


# -- argument matching ----------------------------------------------------------------------

def form(args="", **kw):
    return FieldStorage(FakeRequest(args=args, **kw), keep_blank_values=1)


def test_only_accepted_arguments_are_passed():
    def f(req, name, comment="none"):
        return req, name, comment
    assert apply_fs_data(f, form("name=a&extra=1"), req="R") == ("R", "a", "none")


def test_req_only_when_accepted_and_kwargs_get_the_fields():
    def f(**kw):                # as in mod_python, **kwargs receives req too
        return kw
    assert apply_fs_data(f, form("x=1&y=2&req=evil"), req="R") == {"x": "1", "y": "2", "req": "R"}

    def g(x):
        return x
    assert apply_fs_data(g, form("x=1"), req="R") == "1"


def test_a_field_named_req_cannot_replace_the_request():
    def f(req, **kw):
        return req, kw
    assert apply_fs_data(f, form("req=evil&x=1"), req="R") == ("R", {"x": "1"})

    def g(x):
        return x
    assert apply_fs_data(g, form("req=evil&x=1"), req="R") == "1"


def test_repeated_fields_become_a_list_and_blanks_stay():
    def f(a, b):
        return a, b
    assert apply_fs_data(f, form("a=1&a=2&b=")) == (["1", "2"], "")


def test_uploads_are_passed_as_field_objects():
    body = multipart_body((['Content-Disposition: form-data; name="f"; filename="x"'], b"data"))
    fs = FieldStorage(multipart_request(body), keep_blank_values=1)

    def upload(f):
        return f
    got = apply_fs_data(upload, fs)
    assert isinstance(got, Field) and got.value == b"data"


def test_missing_required_arguments_are_named_before_calling():
    calls = []

    def email(req, name, email, comment):
        calls.append(1)
    with pytest.raises(MissingArgument) as exc:
        bind_form(email, form("email=x"), req="R")
    assert exc.value.names == ["name", "comment"] and calls == []
    assert "'name'" in str(exc.value) and "'comment'" in str(exc.value)
    assert isinstance(exc.value, TypeError)


def test_methods_and_callable_instances():
    class Thing:
        def method(self, req, a):
            return a

        def __call__(self, b, c=3):
            return b, c

    assert apply_fs_data(Thing().method, form("a=1&self=x"), req="R") == "1"
    assert apply_fs_data(Thing(), form("b=2")) == ("2", 3)
    assert accepted_parameters(Thing()).names == {"b", "c"}


def test_keyword_only_parameters_are_filled_too():
    def f(*, a, b=2):
        return a, b
    assert apply_fs_data(f, form("a=1")) == ("1", 2)


def test_positional_only_required_parameter_is_reported_missing():
    def f(a, /):
        return a
    with pytest.raises(MissingArgument):
        bind_form(f, form("a=1"))


# -- redirect -------------------------------------------------------------------------------

def test_redirect_temporary():
    req = FakeRequest()
    with pytest.raises(SERVER_RETURN) as exc:
        redirect(req, "/new?a=1&b=<2>")
    assert status_of(exc) == DONE
    assert req.status == 302 and req.err_headers_out["Location"] == "/new?a=1&b=<2>"
    assert b'href="/new?a=1&amp;b=&lt;2&gt;"' in req.body
    assert req.written[0][1] == 0 and req.content_type == "text/html"


def test_redirect_permanent_with_text():
    req = FakeRequest()
    with pytest.raises(SERVER_RETURN):
        redirect(req, "http://example.com/", permanent=1, text="moved")
    assert req.status == 301 and req.body == b"moved"


def test_redirect_refuses_bad_locations_and_late_calls():
    with pytest.raises(TypeError):
        redirect(FakeRequest(), b"/x")
    with pytest.raises(ValueError):
        redirect(FakeRequest(), "/x\r\nSet-Cookie: a=b")
    req = FakeRequest()
    req.write("already")
    with pytest.raises(IOError):
        redirect(req, "/x")
