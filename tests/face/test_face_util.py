"""mod_python.util's FieldStorage as mod_python shows it: ``list`` holds the fields, each
with mod_python's repr, grouped by ``list.table()``; published functions get plain values."""

from kernel.testing import FakeRequest
from mod_python import util

MULTIPART = (b"--B\r\nContent-Disposition: form-data; name=\"up\"; filename=\"a.txt\"\r\n"
             b"Content-Type: text/plain\r\n\r\nfile body\r\n"
             b"--B\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--B--\r\n")


def test_list_items_have_mod_pythons_repr():
    fs = util.FieldStorage(FakeRequest(args="a=1&b=2&a=3"))
    assert isinstance(fs.list, util.FieldList)
    assert repr(fs.list) == "[Field('a', '1'), Field('b', '2'), Field('a', '3')]"
    assert {k: [str(f) for f in v] for k, v in fs.list.table().items()} == \
        {"a": ["1", "3"], "b": ["2"]}
    assert repr(fs) == "{'a': [Field('a', '1'), Field('a', '3')], 'b': [Field('b', '2')]}"


def test_uploads_are_field_objects_with_their_value_in_the_repr():
    fs = util.FieldStorage(FakeRequest("POST", body=MULTIPART, headers={
        "Content-Type": "multipart/form-data; boundary=B", "Content-Length": str(len(MULTIPART))}))
    upload, note = fs.list
    assert isinstance(upload, util.Field) and upload.filename == "a.txt"
    assert repr(upload) == "Field('up', b'file body')"
    assert repr(note) == "Field('note', 'hi')"
    assert upload.file.read() == b"file body"        # the repr left the file at 0


def test_apply_fs_data_passes_plain_values():
    fs = util.FieldStorage(FakeRequest(args="a=1&a=2&b=x"))
    seen = util.apply_fs_data(lambda a, b: (a, b), fs)
    assert seen == (["1", "2"], "x")
    assert type(seen[1]) is str                     # the value, not the field (as in 3.5)


def test_field_list_survives_changes():
    fs = util.FieldStorage(FakeRequest(args="a=1&b=2"))
    del fs["a"]
    fs.add_field("c", "3")
    assert isinstance(fs.list, util.FieldList) and list(fs.list.table()) == ["b", "c"]
    fs.clear()
    assert isinstance(fs.list, util.FieldList) and fs.list == []
