"""apache.table behaves as mod_python 3.5's mp_table, down to its exceptions."""

import pytest

from mod_python import apache


def test_case_insensitive_and_several_values():
    t = apache.table()
    t["Set-Cookie"] = "a=1"
    t.add("set-cookie", "b=2")
    assert t["SET-COOKIE"] == ["a=1", "b=2"]           # several values: a list
    assert t.get("set-cookie") == "a=1"                # get: the first, never a list
    assert t.get("missing") is None and t.get("missing", "d") == "d"
    t["set-cookie"] = "c=3"                            # [] = replaces them all
    assert t["Set-Cookie"] == "c=3" and len(t) == 1


def test_entries_are_counted_one_by_one():
    t = apache.table([("Accept", "a"), ("X", "1"), ("accept", "b")])
    assert t.keys() == ["Accept", "X", "accept"]
    assert t.values() == ["a", "1", "b"]
    assert t.items() == [("Accept", "a"), ("X", "1"), ("accept", "b")]
    assert list(t) == t.keys() and list(t.iterkeys()) == t.keys()
    assert list(t.itervalues()) == t.values() and list(t.iteritems()) == t.items()
    assert len(t) == 3


def test_exceptions():
    t = apache.table({"A": "1"})
    with pytest.raises(KeyError):
        t["missing"]
    with pytest.raises(TypeError):
        t["n"] = 1
    with pytest.raises(TypeError):
        t[1] = "x"
    with pytest.raises(TypeError):
        t.add("k", None)
    with pytest.raises(TypeError):
        1 in t
    with pytest.raises(TypeError):
        hash(t)
    with pytest.raises(TypeError):
        {t: 1}
    del t["missing"]                                   # apr_table_unset: no error
    with pytest.raises(RuntimeError, match="changed size during iteration"):
        for key in t:
            t.add("more", "x")
    with pytest.raises(ValueError, match="element #0 has length 3"):
        apache.table([("a", "b", "c")])
    with pytest.raises(TypeError, match="element #0"):
        apache.table([5])


def test_popitem_setdefault_has_key_update_copy():
    t = apache.table([("a", "1"), ("b", "2")])
    assert t.popitem() == ("a", "1") and t.items() == [("b", "2")]
    assert t.setdefault("b", "x") == "2"
    assert t.setdefault("c") == "" and t["c"] == ""
    assert t.setdefault("d", "4") == "4"
    assert t.has_key("B") and not t.has_key("z")
    t.update({"E": 5, "b": b"bytes"})                 # values str()-ed, bytes as ISO-8859-1
    assert t["e"] == "5" and t["b"] == "bytes"
    copy = t.copy()
    copy["b"] = "changed"
    assert t["b"] == "bytes"
    t.clear()
    with pytest.raises(KeyError, match="table is empty"):
        t.popitem()


def test_bytes_keys_and_values_read_as_latin1():
    t = apache.table()
    t[b"X-Raw"] = b"caf\xe9"
    assert t["x-raw"] == "caf\xe9" and b"X-RAW" in t


def test_equality_and_repr():
    t = apache.table({"A": "1"})
    t.add("B", "2")
    t.add("B", "3")
    assert t == {"A": "1", "B": ["2", "3"]}
    assert t == apache.table([("A", "1"), ("B", "2"), ("B", "3")])
    assert t != {"A": "1"}
    assert repr(t) == "{'A': '1', 'B': '2', 'B': '3'}"


def test_request_tables_are_tables(tmp_path):
    from kernel import Table
    assert apache.table is Table and apache.make_table is Table
