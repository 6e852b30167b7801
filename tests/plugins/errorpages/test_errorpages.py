"""Unit tests of the errorpages plugin: page rendering, ErrorDocument parsing, dispatch."""

import sys

import pytest

from kernel import APLOG_WARNING, REASONS
from kernel import ParseContext
from kernel import ConfigError, HandlerFailure
from kernel.testing import FakeRequest
from plugins import errorpages
from plugins.errorpages import errordocument as ed
from plugins.errorpages.pages import plain_page, traceback_page


# -- pages ------------------------------------------------------------------------------

@pytest.mark.parametrize("status", sorted(s for s in REASONS if s >= 300 and s != 304))
def test_plain_page_names_status_and_reason(status):
    page = plain_page(status)
    reason = REASONS[status]
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>%d %s</title>" % (status, reason.replace("'", "&#x27;")) in page
    assert "<h1>%s</h1>" % reason.replace("'", "&#x27;") in page
    assert page.isascii()


def test_plain_page_for_unregistered_status_uses_class_reason():
    page = plain_page(499)
    assert "<title>499 Client Error</title>" in page
    assert "cannot be answered" in page


@pytest.mark.parametrize("status", [204, 304])
def test_bodyless_statuses_get_no_page(status):
    assert plain_page(status) == ""


def test_method_and_location_are_escaped():
    assert "The method &lt;X&gt; is not allowed" in plain_page(405, method="<X>")
    page = plain_page(302, location='/a?b=1&c="2"')
    assert 'href="/a?b=1&amp;c=&quot;2&quot;"' in page


def test_additional_error_note():
    page = plain_page(500, also=404)
    assert "<title>500 Internal Server Error</title>" in page
    assert "failed with 404 Not Found" in page


def _failure(exc, where="PythonHandler boom", debug=True):
    try:
        raise exc
    except Exception:
        return HandlerFailure(sys.exc_info(), where, debug)


def test_traceback_page_shape_and_escaping():
    body = traceback_page(_failure(ValueError("<b>'x' & \"y\"</b>")))
    text = body.decode("ascii")
    assert text.startswith('\n<pre>\nMod_python error: "PythonHandler boom"\n\nTraceback (most recent call last):\n')
    assert text.endswith("\n</pre>\n")
    assert "ValueError: &lt;b&gt;&#x27;x&#x27; &amp; &quot;y&quot;&lt;/b&gt;" in text
    assert "test_errorpages.py" in text


def test_traceback_page_is_ascii_even_for_non_ascii_messages():
    body = traceback_page(_failure(RuntimeError("grüße"), where="PythonHandler <x>"))
    assert b"gr&#252;&#223;e" in body
    assert b'"PythonHandler &lt;x&gt;"' in body


# -- ErrorDocument parsing --------------------------------------------------------------

@pytest.mark.parametrize("action, kind, value", [
    ("Custom ErrorDocument text for 404", ed.TEXT, "Custom ErrorDocument text for 404"),
    ("/errors/404.html", ed.LOCAL, "/errors/404.html"),
    ("/cgi/handler.py?x=1", ed.LOCAL, "/cgi/handler.py?x=1"),
    ("http://example.com/lost", ed.REMOTE, "http://example.com/lost"),
    ("https://example.com/", ed.REMOTE, "https://example.com/"),
    ("default", ed.DEFAULT, ""),
    ("DEFAULT", ed.DEFAULT, ""),
    ("oops", ed.TEXT, "oops"),
    ("/ with space", ed.TEXT, "/ with space"),
])
def test_classify(action, kind, value):
    assert ed.classify(action) == ed.ErrorAction(kind, value)


def _ctx():
    return ParseContext(file="site.conf", line=7, context=1)


def test_parse_accumulates_codes_without_touching_previous():
    first = ed.parse(_ctx(), ["404", "/nf.html"], None)
    second = ed.parse(_ctx(), ["500", "oops there"], first)
    assert first == {404: ed.ErrorAction(ed.LOCAL, "/nf.html")}
    assert second == {404: ed.ErrorAction(ed.LOCAL, "/nf.html"),
                      500: ed.ErrorAction(ed.TEXT, "oops there")}


@pytest.mark.parametrize("code", ["abc", "200", "302", "600", "-404", "4o4"])
def test_parse_rejects_non_error_codes(code):
    with pytest.raises(ConfigError) as info:
        ed.parse(_ctx(), [code, "text here"], None)
    assert str(info.value).startswith("site.conf:7: ErrorDocument")


def test_directive_declaration():
    d = ed.ERROR_DOCUMENT
    assert (d.name, d.args, d.override) == ("ErrorDocument", (2, 2), "FileInfo")
    outer = {404: ed.classify("/a"), 500: ed.classify("x")}
    assert d.merge(outer, {404: ed.classify("default")}) == {404: ed.classify("default"),
                                                             500: ed.classify("x")}
    assert errorpages.register_directives() == [d]


# -- dispatch ---------------------------------------------------------------------------

def Req(documents=None, method="GET", prev=None, sent=False, status=404):
    """The fake request with just what errorpages reads set."""
    req = FakeRequest(method, config={"ErrorDocument": documents or {}}, prev=prev,
                      sent_bodyct=1 if sent else 0, status=status)
    req.content_type = "text/html; charset=iso-8859-1"
    return req


def docs(**by_code):
    return {int(code[1:]): ed.classify(action) for code, action in by_code.items()}


def test_plain_page_when_nothing_configured():
    req = Req()
    body = errorpages.error_page(req, 404, None)
    assert b"<title>404 Not Found</title>" in body
    assert req.content_type == "text/html; charset=iso-8859-1"


def test_location_of_a_redirect_status_is_linked():
    req = Req(status=301)
    req.err_headers_out["Location"] = "http://h/new/"
    assert b'href="http://h/new/"' in errorpages.error_page(req, 301, None)


def test_text_document_is_the_body():
    req = Req(docs(s404="Custom text for 404 \u00e9\u20ac"))
    assert errorpages.error_page(req, 404, None) == b"Custom text for 404 \xe9&#8364;"


def test_default_document_is_the_plain_page():
    req = Req(docs(s404="default"))
    assert b"<h1>Not Found</h1>" in errorpages.error_page(req, 404, None)


def test_document_for_another_status_is_ignored():
    req = Req(docs(s500="/oops.html"))
    assert b"<h1>Not Found</h1>" in errorpages.error_page(req, 404, None)
    assert req.redirects == []


def test_local_document_is_an_internal_get_redirect():
    req = Req(docs(s404="/errors/nf.html"), method="POST")
    assert errorpages.error_page(req, 404, None) is True
    assert req.redirects == [("/errors/nf.html", "GET")]
    assert req.notes[errorpages.REDIRECTED_NOTE] == "404"


def test_failing_document_falls_back_to_the_original_plain_page():
    original = Req(docs(s500="/broken.html"), status=500)
    errorpages.error_page(original, 500, None)
    document = Req(docs(s404="/also-missing.html"), prev=original, status=404)
    assert errorpages.error_page(document, 404, None) is True
    assert document.redirects == []
    assert document.status == 500
    [(page, flush)] = document.written
    assert flush == 0
    assert b"<title>500 Internal Server Error</title>" in page and b"404 Not Found" in page


def test_internal_redirect_by_a_handler_is_not_a_failing_document():
    previous = Req()
    req = Req(docs(s404="the text"), prev=previous)
    assert errorpages.error_page(req, 404, None) == b"the text"


def test_remote_document_is_a_302():
    req = Req(docs(s404="http://example.com/lost?x=1&y=2"))
    assert errorpages.error_page(req, 404, None) is True
    assert req.status == 302
    assert req.err_headers_out["Location"] == "http://example.com/lost?x=1&y=2"
    [(page, flush)] = req.written
    assert b"<title>302 Found</title>" in page and b"x=1&amp;y=2" in page and flush == 0


def test_remote_document_for_401_is_refused_with_a_warning():
    req = Req(docs(s401="http://example.com/login"), status=401)
    req.err_headers_out["WWW-Authenticate"] = 'Basic realm="r"'
    body = errorpages.error_page(req, 401, None)
    assert b"<title>401 Unauthorized</title>" in body
    assert req.status == 401 and "Location" not in req.err_headers_out
    assert [level for _, level in req.logged] == [APLOG_WARNING]


def test_remote_document_after_output_was_sent_appends_the_plain_page():
    req = Req(docs(s404="http://example.com/lost"), sent=True)
    assert b"<h1>Not Found</h1>" in errorpages.error_page(req, 404, None)
    assert "Location" not in req.err_headers_out and req.status == 404


def test_debug_failure_shows_the_traceback_and_skips_the_document():
    req = Req(docs(s500="/oops.html"), status=500)
    body = errorpages.error_page(req, 500, _failure(KeyError("k")))
    assert b"KeyError: &#x27;k&#x27;" in body
    assert req.content_type == "text/html"
    assert req.redirects == []


def test_failure_without_debug_is_the_plain_page_or_the_document():
    failure = _failure(KeyError("k"), debug=False)
    body = errorpages.error_page(Req(status=500), 500, failure)
    assert b"<h1>Internal Server Error</h1>" in body and b"KeyError" not in body
    assert errorpages.error_page(Req(docs(s500="sorry about that"), status=500), 500, failure) \
        == b"sorry about that"


def test_error_page_is_trylast():
    assert errorpages.error_page.greenphase_impl["trylast"] is True
