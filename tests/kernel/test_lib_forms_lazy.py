"""FieldStorage of a request without a body: the query string's fields are made on first use,
and argument binding reads the pairs without making them. Nothing a caller can see differs
from parsing at once (kernel.lib.forms, kernel.lib.arguments)."""

import pytest

from kernel import FieldList, FieldStorage, StringField, bind_form, parse_qsl
from kernel.lib.arguments import form_arguments
from kernel.testing import FakeRequest

QUERIES = ["", "a=1", "a=1&b=2&a=3", "a=&b&c=3", "x=1;y=2&&z", "a=b=c", "=v&k=", "a=1&a=&a=2",
           "n=J%C3%B6rg&m=%F6", "q=x+y", "caf\u00e9=1"]


def eager(args, keep_blank_values=1):
    """The fields as parsed at once: a POST with an empty urlencoded body reads the query the
    eager way."""
    req = FakeRequest("POST", args=args, body=b"",
                      headers={"Content-Type": "application/x-www-form-urlencoded",
                               "Content-Length": "0"})
    return FieldStorage(req, keep_blank_values=keep_blank_values)


@pytest.mark.parametrize("args", QUERIES)
@pytest.mark.parametrize("keep", [0, 1])
def test_lazy_fields_are_the_eager_ones(args, keep):
    lazy = FieldStorage(FakeRequest(args=args), keep_blank_values=keep)
    expected = eager(args, keep)
    assert form_arguments(lazy) == form_arguments(expected)
    assert [(type(f), f.name, str(f)) for f in lazy.list] == \
        [(type(f), f.name, str(f)) for f in expected.list]
    assert type(lazy.list) is FieldList
    assert form_arguments(lazy) == form_arguments(expected)     # built now: the same again


@pytest.mark.parametrize("args", QUERIES)
@pytest.mark.parametrize("keep", [0, 1])
def test_text_fast_path_of_parse_qsl_matches_the_byte_path(args, keep):
    # the byte path is the reference: bytes in, bytes out, decoded as parse_qsl decodes
    as_bytes = parse_qsl(args.encode("utf-8"), keep)
    decoded = []
    for name, value in as_bytes:
        pair = []
        for raw in (name, value):
            try:
                pair.append(raw.decode("utf-8"))
            except UnicodeDecodeError:
                pair.append(raw.decode("latin-1"))
        decoded.append(tuple(pair))
    assert parse_qsl(args, keep) == decoded


def test_strict_parsing_message_is_the_same_on_both_paths():
    with pytest.raises(ValueError) as plain:
        parse_qsl("a=1&b", keep_blank_values=1, strict_parsing=1)
    with pytest.raises(ValueError) as escaped:
        parse_qsl("a=%31&b", keep_blank_values=1, strict_parsing=1)
    assert str(plain.value) == str(escaped.value) == "bad query field: b'b'"


def test_the_query_as_it_was_when_the_form_was_made():
    req = FakeRequest(args="a=1")
    fs = FieldStorage(req)
    req.args = "a=2"
    assert fs["a"] == "1" and form_arguments(fs) == {"a": "1"}


def test_changes_before_and_after_the_fields_are_made():
    fs = FieldStorage(FakeRequest(args="a=1&b=2"))
    fs.add_field("c", "3")          # the first use makes the query's fields, then adds
    assert [(f.name, f) for f in fs.list] == [("a", "1"), ("b", "2"), ("c", "3")]
    assert form_arguments(fs) == {"a": "1", "b": "2", "c": "3"}

    fs = FieldStorage(FakeRequest(args="a=1&b=2"))
    fs["a"] = "9"
    assert form_arguments(fs) == {"b": "2", "a": "9"}

    fs = FieldStorage(FakeRequest(args="a=1"))
    fs.clear()
    assert form_arguments(fs) == {} and len(fs) == 0

    fs = FieldStorage(FakeRequest(args="a=1"))
    fs.list = FieldList([StringField("x", "k")])
    assert form_arguments(fs) == {"k": "x"}


def test_binding_from_unmade_fields_is_binding_from_made_ones():
    def page(req, a, b="default", **rest):
        return a, b, rest
    for args in ("a=1&b=2&c=3&a=4", "a=1&req=evil", "b=2&a="):
        lazy = FieldStorage(FakeRequest(args=args), keep_blank_values=1)
        made = eager(args)
        assert bind_form(page, lazy, req="R") == bind_form(page, made, req="R")
        assert list(bind_form(page, lazy, req="R")) == list(bind_form(page, made, req="R"))
        assert lazy._list is None       # binding needed no fields

    def named(req, a, b="default"):         # no **kwargs: only the accepted names are read
        return a, b
    for args in ("a=1&a=2&b=3&a=4", "b=2&c=3", "req=evil&a=", "a=1&b=2&b=3"):
        lazy = FieldStorage(FakeRequest(args=args), keep_blank_values=1)
        made = eager(args)
        try:
            expected = bind_form(named, made, req="R")
        except TypeError as exc:            # MissingArgument: the same on both paths
            with pytest.raises(type(exc)) as raised:
                bind_form(named, lazy, req="R")
            assert str(raised.value) == str(exc)
            continue
        got = bind_form(named, lazy, req="R")
        assert got == expected and list(got) == list(expected)
        assert lazy._list is None


def test_a_post_still_reads_its_body_at_once():
    req = FakeRequest("POST", args="q=1", body=b"a=2",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    fs = FieldStorage(req)
    assert req.read() == b""        # consumed by the constructor, as mod_python's
    assert fs.keys() == ["q", "a"]
