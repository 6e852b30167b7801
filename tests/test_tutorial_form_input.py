"""The tutorial's feedback form with input a browser's form would not send: each field twice,
a file instead of text, a non-ASCII address. Each gets the form's own refusal, never a 500."""

import urllib.parse

import pytest

from support.httpclient import get

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
BOUNDARY = "gpboundary"


def multipart(fields, upload):
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
             for name, value in fields]
    name, filename, data = upload
    parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; '
                 f'filename="{filename}"\r\nContent-Type: text/plain\r\n\r\n{data}\r\n')
    return "".join(parts) + f"--{BOUNDARY}--\r\n"


@pytest.mark.parametrize("field", ["name", "email", "comment"])
def test_a_field_sent_twice_is_refused(tutorial, field):
    server, sink = tutorial
    fields = [("name", "Joe"), ("email", "joe@example.com"), ("comment", "hi"), (field, "again")]
    response = get(server.port, "/feedback/form.py/email", FORM, "POST",
                   urllib.parse.urlencode(fields))
    assert (response.status, response.text.split(",")[0]) == (200, "Each field must be given once")
    assert sink.snapshot() == []


def test_an_uploaded_file_is_not_a_comment(tutorial):
    server, sink = tutorial
    body = multipart([("name", "Joe"), ("email", "joe@example.com")], ("comment", "c.txt", "hi"))
    response = get(server.port, "/feedback/form.py/email",
                   {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}, "POST", body)
    assert (response.status, response.text.split(",")[0]) == (200, "Each field must be given once")
    assert sink.snapshot() == []


def test_a_non_ascii_address_is_refused(tutorial):
    server, sink = tutorial
    response = get(server.port, "/feedback/form.py/email", FORM, "POST", urllib.parse.urlencode(
        {"name": "Jörg", "email": "jörg@example.com", "comment": "hi"}))
    assert response.status == 200, response.text
    assert "single line of ASCII text" in response.text
    assert sink.snapshot() == []
