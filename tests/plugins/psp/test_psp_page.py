"""Running pages: PSP(req, filename|string, vars), the globals a page sees, form and session
made only when named, the psp object, error pages, the mtime cache, run-time errors that
name the template file and line."""

import os
import traceback

import pytest

from kernel import SERVER_RETURN
from plugins.psp import PSP, SessionUnavailable, cache
from plugins.psp.compiler import CACHE_SIZE, TemplateCache

from psp_helpers import PageRequest, write


class Session(dict):
    """What a sessions plugin hands out, recording what the page did with it."""

    made = []

    def __init__(self, req):
        super().__init__()
        self.saved = self.unlocked = 0
        Session.made.append(self)

    def save(self):
        self.saved += 1

    def unlock(self):
        self.unlocked += 1


class Hook:
    def __init__(self, answers):
        self.answers = answers
        self.asked = []

    def named_handler(self, name):
        self.asked.append(name)
        return self.answers.get(name)


class Site:
    def __init__(self, answers=None):
        self.hook = Hook(answers or {})


@pytest.fixture
def page(tmp_path):
    """page(text, name='page.psp') -> (request for it, path)."""
    def make(text, name="page.psp", **kw):
        path = write(tmp_path / name, text)
        return PageRequest(filename=path, document_root=str(tmp_path), **kw), path
    return make


# -- sources ----------------------------------------------------------------------------------

def test_filename_defaults_to_req_filename(page):
    req, _ = page("hi <%= 1 + 1 %>")
    PSP(req).run()
    assert req.text == "hi 2"


def test_relative_filename_is_next_to_req_filename(page, tmp_path):
    req, _ = page("main")
    write(tmp_path / "template.html", "<h1>Hello, <%=what%>!</h1>")
    PSP(req, filename="template.html").run({"what": "world"})
    assert req.text == "<h1>Hello, world!</h1>"


def test_string_source():
    req = PageRequest()
    PSP(req, string="<%= a %>-<%= b %>", vars={"a": 1, "b": 2}).run({"b": 3})
    assert req.text == "1-3"     # run()'s vars win over the constructor's


def test_filename_and_string_together_is_an_error():
    with pytest.raises(ValueError):
        PSP(PageRequest(), filename="/x.psp", string="x")


@pytest.mark.parametrize("name", ["nope.psp", "", "file.txt/x.psp"])
def test_missing_file_or_a_directory_answers_404(tmp_path, name):
    write(tmp_path / "file.txt", "not a directory")
    with pytest.raises(SERVER_RETURN) as info:
        PSP(PageRequest(filename=str(tmp_path / name)))
    assert info.value.args[0] == 404


def test_str_runs_the_page_as_html_and_returns_empty(page):
    req, _ = page("body")
    assert str(PSP(req)) == ""
    assert req.text == "body" and req.content_type == "text/html"


def test_flush_argument(page):
    req, _ = page("x")
    PSP(req).run(flush=1)
    assert req.flushed == 1 and req.written == [(b"x", 0)]


# -- globals --------------------------------------------------------------------------------

def test_page_sees_req_psp_form_session_and_file(page):
    req, path = page("<%= sorted(n for n in ('req', 'psp', 'form', 'session', '__file__') "
                     "if n in globals()) %> <%= __file__ == req.filename %>")
    PSP(req).run()
    assert req.text == "['__file__', 'form', 'psp', 'req', 'session'] True"


def test_form_is_made_only_when_the_page_names_it(page):
    req, _ = page("plain")
    PSP(req).run()
    assert not hasattr(req, "form")
    req, _ = page("<%= form.getfirst('q') %>", args="q=42")
    PSP(req).run()
    assert req.text == "42" and req.form.getfirst("q") == "42"


def test_an_existing_req_form_is_reused(page):
    req, _ = page("<%= form is req.form %>", args="q=1")
    req.form = marker = type("F", (), {})()
    PSP(req).run()
    assert req.text == "True" and req.form is marker


def test_form_named_only_inside_a_function_of_the_page_counts(page):
    req, _ = page("<%\ndef first():\n    return form.getfirst('a')\n\n%><%= first() %>", args="a=x")
    PSP(req).run()
    assert req.text == "x"


# -- session --------------------------------------------------------------------------------

def test_session_comes_from_the_plugin_answering_named_handler(page):
    site = Site({"mod_python.Session::Session": Session})
    req, _ = page("<% session['n'] = 1 %><%= type(session).__name__ %>", site=site)
    Session.made.clear()
    PSP(req).run()
    assert req.text == "Session" and site.hook.asked == ["mod_python.Session::Session"]
    (made,) = Session.made
    assert made == {"n": 1} and made.saved == 1 and made.unlocked == 1
    assert not hasattr(req, "session")      # unlocked and not left behind


def test_no_session_is_made_when_the_page_does_not_name_it(page):
    site = Site({"mod_python.Session::Session": Session})
    req, _ = page("<%= 1 %>", site=site)
    PSP(req).run()
    assert site.hook.asked == [] and not hasattr(req, "session")


def test_an_existing_req_session_is_used_and_saved_but_not_unlocked(page):
    req, _ = page("<% session['x'] = 2 %>")
    req.session = existing = Session(req)
    PSP(req).run()
    assert existing == {"x": 2} and existing.saved == 1 and existing.unlocked == 0
    assert req.session is existing


def test_session_without_a_provider_says_so(page):
    req, path = page("<% session['x'] = 1 %>", site=Site())
    with pytest.raises(SessionUnavailable, match="no enabled plugin provides mod_python.Session"):
        PSP(req).run()


def test_the_face_falls_back_to_mod_python_session(page):
    from mod_python import psp as face
    from mod_python import Session as face_session
    req, _ = page("<%= 1 %>", site=Site())
    assert face.PSP(req).session_factory() is face_session.Session


# -- psp: error pages, redirect, apply_data -------------------------------------------------

def test_error_page_gets_the_exception_and_shares_the_output(page, tmp_path):
    write(tmp_path / "fail.psp", "fail <%= exception[0].__name__ %>: <%= exception[1] %>")
    req, _ = page("okay\n<%\npsp.set_error_page('fail.psp')\nraise ValueError('boom')\n%>")
    PSP(req).run()
    assert req.text.split() == ["okay", "fail", "ValueError:", "boom"]


def test_error_page_with_absolute_name_is_under_the_document_root(page, tmp_path):
    (tmp_path / "errors").mkdir()
    write(tmp_path / "errors" / "oops.psp", "oops")
    (tmp_path / "sub").mkdir()
    req, _ = page("<%\npsp.set_error_page('/errors/oops.psp')\n1/0\n%>", name="sub/p.psp")
    PSP(req).run()
    assert req.text == "oops"


def test_error_page_shares_the_session(page, tmp_path):
    write(tmp_path / "fail.psp", "<% session['seen'] = 1 %>fail")
    site = Site({"mod_python.Session::Session": Session})
    req, _ = page("<%\npsp.set_error_page('fail.psp')\nsession['dummy'] = 1\nraise 'fail'\n%>",
                  site=site)
    Session.made.clear()
    PSP(req).run()
    (made,) = Session.made
    assert req.text == "fail" and made == {"dummy": 1, "seen": 1} and made.unlocked == 1


def test_redirect_ends_the_request_without_the_error_page(page, tmp_path):
    write(tmp_path / "fail.psp", "fail")
    req, _ = page("<%\npsp.set_error_page('fail.psp')\npsp.redirect('http://www.modpython.org')\n%>")
    with pytest.raises(SERVER_RETURN):
        PSP(req).run()
    assert req.status == 302 and req.err_headers_out["Location"] == "http://www.modpython.org"
    assert b"fail" not in req.body


def test_permanent_redirect(page):
    req, _ = page("<% psp.redirect('/new', permanent=1) %>")
    with pytest.raises(SERVER_RETURN):
        PSP(req).run()
    assert req.status == 301


def test_apply_data_calls_with_the_form_fields(page):
    req, _ = page("<%\ndef greet(req, name, punct='!'):\n    return 'hi ' + name + punct\n"
                  "\n%><%= psp.apply_data(greet) %>", args="name=bob&other=1")
    PSP(req).run()
    assert req.text == "hi bob!" and req.form.getfirst("name") == "bob"


# -- run-time errors name the template ------------------------------------------------------

def test_run_time_error_traceback_names_the_template_file_and_line(page):
    req, path = page("line1\n<%\nx = 1\ny = x / 0\n%>\n")
    with pytest.raises(ZeroDivisionError) as info:
        PSP(req).run()
    frame = traceback.extract_tb(info.value.__traceback__)[-1]
    assert (frame.filename, frame.lineno, frame.line) == (path, 4, "y = x / 0")
    assert "PSP template %s:4" % path in info.value.__notes__


def test_error_in_an_expression_names_its_line(page):
    req, path = page("a\nb\nc <%= missing %>\n")
    with pytest.raises(NameError) as info:
        PSP(req).run()
    assert traceback.extract_tb(info.value.__traceback__)[-1].lineno == 3


def test_error_in_a_function_defined_by_the_page(page):
    req, path = page("<%\ndef f():\n    return {}['k']\n# end of f\n%>\n\n<%= f() %>")
    with pytest.raises(KeyError) as info:
        PSP(req).run()
    frames = traceback.extract_tb(info.value.__traceback__)
    assert [(f.filename, f.lineno) for f in frames[-2:]] == [(path, 7), (path, 3)]
    assert "PSP template %s:3" % path in info.value.__notes__


def test_error_in_included_text_names_the_included_file_and_line(page, tmp_path):
    inc = write(tmp_path / "inc.psp", "inc1\ninc2\n<%= undefined_name %>\n")
    req, path = page('a\n<%@ include file="inc.psp" %>\nb\n')
    with pytest.raises(NameError) as info:
        PSP(req).run()
    assert traceback.extract_tb(info.value.__traceback__)[-1].lineno == 2   # the include
    assert "PSP template %s:3 (included from %s:2)" % (inc, path) in info.value.__notes__


# -- cache ------------------------------------------------------------------------------------

def test_compiled_page_is_reused_until_its_mtime_changes(page):
    req, path = page("one")
    first = PSP(req).template
    assert PSP(req).template is first
    mtime = os.stat(path).st_mtime_ns
    write(path, "two", mtime_ns=mtime + 1_000_000_000)
    req2 = PageRequest(filename=path)
    PSP(req2).run()
    assert req2.text == "two"


def test_same_size_rewrite_with_new_mtime_is_seen(page):
    req, path = page("aaa")
    PSP(req).run()
    mtime = os.stat(path).st_mtime_ns
    write(path, "bbb", mtime_ns=mtime + 5_000)
    req2 = PageRequest(filename=path)
    PSP(req2).run()
    assert req2.text == "bbb"


def test_a_changed_include_recompiles_the_page(page, tmp_path):
    inc = write(tmp_path / "inc.psp", "old")
    req, path = page('[<%@ include file="inc.psp" %>]')
    PSP(req).run()
    mtime = os.stat(inc).st_mtime_ns
    write(inc, "new!", mtime_ns=mtime + 1_000_000_000)
    req2 = PageRequest(filename=path)
    PSP(req2).run()
    assert req.text == "[old]" and req2.text == "[new!]"


def test_string_templates_are_cached_by_text():
    assert PSP(PageRequest(), string="<%= 1 %>").code is PSP(PageRequest(), string="<%= 1 %>").code


def test_cache_is_bounded(tmp_path):
    small = TemplateCache(size=3)
    paths = [write(tmp_path / ("p%d.psp" % n), str(n)) for n in range(5)]
    for path in paths:
        small.page(path)
    assert len(small._pages) == 3 and CACHE_SIZE == 512
    assert cache.page(paths[0]) is cache.page(paths[0])


def test_display_code_shows_generated_python_beside_the_template(page):
    req, path = page("<html>\n<%\nfor n in range(3):\n%>row<%\n%></html>")
    PSP(req).display_code()
    html = req.text
    assert "PSP-produced Python code" in html and path in html
    assert '<td class="py">for n in range(3):</td><td class="n">3</td>' in html
    assert "&lt;html&gt;" in html and "<html>" not in html.replace("<html>\n<%", "")


def test_display_code_of_a_string_template_lists_the_string():
    req = PageRequest()
    PSP(req, string="<%= 'x' %>\nsecond line").display_code()
    assert "second line" in req.text and "&lt;%= &#x27;x&#x27; %&gt;" not in req.text
    assert "&lt;%= 'x' %&gt;" in req.text


def test_display_page_lists_a_page_that_does_not_compile(page):
    from plugins.psp.page import display_page
    req, path = page("<%\nif True\n    pass\n%>")
    display_page(req, path)
    assert '<td class="py">if True</td><td class="n">2</td>' in req.text
