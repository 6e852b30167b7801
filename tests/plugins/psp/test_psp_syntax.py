"""PSP markup and code generation: each syntax rule, the indentation rules, includes,
comments and parse errors with their template file and line."""

import textwrap

import pytest

from plugins.psp import parse, parsestring
from plugins.psp.codegen import escape_text
from plugins.psp.syntax import CODE, EXPR, TEXT, PSPSyntaxError, Tokenizer

from psp_helpers import run_string, write


def tokens(text, directory=None):
    return [(t.kind, t.value, t.where.line) for t in Tokenizer(directory).string(text)]


# -- markup ----------------------------------------------------------------------------------

def test_text_code_expression_comment_are_told_apart_with_their_lines():
    assert tokens("a\n<% x = 1 %>b<%= x %>\n<%-- gone\n--%>c") == [
        (TEXT, "a\n", 1), (CODE, " x = 1 ", 2), (TEXT, "b", 2), (EXPR, " x ", 2),
        (TEXT, "\n", 2), (TEXT, "c", 4)]


def test_a_comment_is_dropped_even_when_it_holds_markup():
    assert run_string("a<%-- <% raise 1 %> <%= boom %> --%>b") == "ab"


def test_plain_text_is_written_exactly_as_it_stands():
    text = 'q"uo"te """ \\ back \\n \\x41 \\t\ttab \r cr\n'
    assert run_string(text) == text


def test_text_escaping_keeps_newlines_for_the_line_structure():
    assert escape_text('a\\b"c\nd\r\0') == 'a\\\\b\\"c\nd\\r\\x00'


def test_crlf_line_ends_become_lf_as_in_mod_python():
    assert run_string("a\r\nb<%\r\nx = 1\r\n%>\r\n") == "a\nb\n"


def test_mod_python_parser_test_page_literal_escapes_stay_literal():
    # mod_python's own test page (psp_parser.psp): \n, \r, \t in text are not control chars
    page = 'test:-n:\\n$\ntest:-r:\\r$\ntest:-t:\\t$\ntest:-r-n:\\r\\n$\n<%\nreq.write("test:-n:\\\\n$")\n%>\n'
    out = run_string(page)
    assert out == 'test:-n:\\n$\ntest:-r:\\r$\ntest:-t:\\t$\ntest:-r-n:\\r\\n$\ntest:-n:\\n$\n'
    quoted = "<%\ntest_str='double_quotes'\n%>\n" + 'test:"double_quotes":"<%= test_str %>"$'
    assert run_string(quoted).strip() == 'test:"double_quotes":"double_quotes"$'


def test_expression_writes_str_of_its_value():
    assert run_string("<%= 6 * 7 %>|<%= None %>|<%= [1] %>") == "42|None|[1]"


def test_expression_may_span_lines():
    assert run_string("<%= (1 +\n   2) %>!") == "3!"


def test_expression_with_a_comment():
    assert run_string("<%= 1 + 1  # two %>|<%= 3 %>") == "2|3"


def test_one_line_code_stays_on_the_current_line():
    assert run_string("a<% x = 1 %>b<% y = x + 1; z = y * 2 %><%= z %>") == "ab4"


def test_one_line_code_with_a_comment_does_not_swallow_what_follows():
    assert run_string("<% x = 1  # set x %>[<%= x %>]") == "[1]"


def test_empty_template_and_empty_blocks():
    assert run_string("") == ""
    assert run_string("<%%>a<% %>b<%\n%>c") == "abc"


# -- the documentation's examples ---------------------------------------------------------------

DOC_LOOP = textwrap.dedent("""\
    <html>
    <%
    for n in range(3):
        # This indent will persist
    %>
    <p>This paragraph will be
    repeated 3 times.</p>
    <%
    # This line will cause the block to end
    %>
    This line will only be shown once.<br>
    </html>
    """)

DOC_LOOP_SHORT = textwrap.dedent("""\
    <html>
    <%
    for n in range(3):
    %>
    <p>This paragraph will be
    repeated 3 times.</p>
    <%
    %>
    This line will only be shown once.<br>
    </html>
    """)

REPEATED = ("<html>\n" + "\n<p>This paragraph will be\nrepeated 3 times.</p>\n" * 3
            + "\nThis line will only be shown once.<br>\n</html>\n")


def test_doc_hello_world_translation():
    page = ('<html>\n<%\nimport time\n%>\nHello world, the time is: '
            '<%=time.strftime("%Y-%m-%d, %H:%M:%S")%>\n</html>\n')
    assert parsestring(page) == (
        'req.write("""<html>\n""",0)\nimport time\nreq.write("""\nHello world, the time is: '
        '""",0); req.write(str(time.strftime("%Y-%m-%d, %H:%M:%S")),0); req.write("""\n'
        '</html>\n""",0)\n')
    out = run_string(page)
    assert out.startswith("<html>\n\nHello world, the time is: 20") and out.endswith("\n</html>\n")


def test_doc_comment_indentation_persists_then_a_comment_at_column_0_ends_the_block():
    assert parsestring(DOC_LOOP) == textwrap.dedent('''\
        req.write("""<html>
        """,0)
        for n in range(3):
            # This indent will persist
            req.write("""
        <p>This paragraph will be
        repeated 3 times.</p>
        """,0)
        # This line will cause the block to end
        req.write("""
        This line will only be shown once.<br>
        </html>
        """,0)
        ''')
    assert run_string(DOC_LOOP) == REPEATED


def test_doc_colon_indents_and_an_empty_block_ends_it():
    assert run_string(DOC_LOOP_SHORT) == REPEATED


# -- indentation rules --------------------------------------------------------------------------

def test_last_line_with_code_sets_the_indentation():
    # (mod_python 3.5 puts the text on that line: a syntax error)
    page = "<%\nfor i in range(2):\n    j = i * 10 %>[<%= j %>]<%\n%>end"
    assert run_string(page) == "[0][10]end"


def test_code_on_the_last_line_ending_with_colon_opens_a_block():
    page = "<%\nfor i in range(2):\n    if i: %>odd <%\n%>end"
    assert run_string(page) == "odd end"


def test_whitespace_before_the_closing_marker_counts_twice_as_in_mod_python():
    loops = "<%\nfor i in range(2):\n    for k in range(2):\n        pass\n"
    assert run_string(loops + "  %><%= i %><%= k %> <%\n%>.") == "01 11 ."   # 4: outer loop
    assert run_string(loops + "    %><%= i %><%= k %> <%\n%>.") == "00 01 10 11 ."  # 8


def test_whitespace_before_the_closing_marker_after_a_header_is_the_body():
    assert run_string("<%\nfor i in range(2):\n    %><%= i %><%\n%>.") == "01."


def test_closing_marker_at_column_0_keeps_the_indentation_of_the_line_before():
    page = "<%\nfor i in range(2):\n    x = i\n%><%= x %><%\n%>."
    assert run_string(page) == "01."


def test_a_blank_line_before_the_closing_marker_ends_the_block():
    page = "<%\nfor i in range(2):\n    x = i\n\n%><%= x %>"
    assert run_string(page) == "1"


def test_lines_continuing_a_statement_do_not_set_the_indentation():
    page = "<%\nvalues = [1,\n          2]\n%><%= sum(values) %>"
    assert run_string(page) == "3"


def test_nested_blocks_and_a_dedent_to_the_outer_one():
    page = ("<%\nfor i in range(2):\n    for k in range(2):\n%><%= i %><%= k %> <%\n"
            "    # back in the outer loop\n%>| <%\n%>done")
    assert run_string(page) == "00 01 | 10 11 | done"


def test_if_else_with_text_in_each_branch():
    page = "<%\nif flag:\n%>yes<%\nelse:\n%>no<%\n%>."
    assert run_string(page, flag=True) == "yes."
    assert run_string(page, flag=False) == "no."


def test_first_line_of_a_block_may_be_a_header():
    assert run_string("<% for i in range(3):\n    x = i * 2\n%><%= x %><%\n%>.") == "024."


def test_tabs_indent_as_the_template_does():
    page = "<%\nfor i in range(2):\n\tx = i\n%><%= x %><%\n%>."
    assert run_string(page) == "01."
    page = "<%\nfor i in range(2):\n%><%= i %><%\n\tpass\n%>|<%\n%>."
    assert run_string(page) == "0|1|."


def test_block_header_with_nothing_after_it_gets_an_empty_body():
    assert run_string("a<%\nfor i in range(3):\n%>") == "a"


# One-line block headers: a syntax error in mod_python 3.5; here they open a block.

def test_one_line_header_opens_a_block_until_an_empty_block():
    page = "<ul><% for i in range(3): %><li><%= i %></li><% %></ul>"
    assert run_string(page) == "<ul><li>0</li><li>1</li><li>2</li></ul>"


def test_one_line_else_and_nested_headers():
    page = '<% if x: %>yes<% else: %>no<% %>|<% for a in "ab": %><% for b in "xy": %><%= a+b %> <% %>;<% %>'
    assert run_string(page, x=0) == "no|ax ay ;bx by ;"
    assert run_string(page, x=1).startswith("yes|")


def test_comment_only_one_line_block_closes_a_one_line_header():
    assert run_string("<% for i in range(2): %><%= i %><% # end %>.") == "01."


# -- includes -----------------------------------------------------------------------------------

def test_include_is_textual_and_relative_to_the_page_directory(tmp_path):
    write(tmp_path / "head.psp", "<h1><%= title %></h1>\n")
    (tmp_path / "parts").mkdir()
    write(tmp_path / "parts" / "row.psp", '<li><%= i %></li><%@ include file="leaf.psp" %>')
    write(tmp_path / "leaf.psp", "!")      # nested includes resolve in the page's directory
    page = ('<%@ include file="head.psp" %><%\nfor i in range(2):\n%>'
            '<%@ include file="parts/row.psp" %><%\n%>end')
    assert run_string(page, str(tmp_path), title="T") == "<h1>T</h1>\n<li>0</li>!<li>1</li>!end"


def test_include_by_absolute_name_and_with_single_quotes(tmp_path):
    inc = write(tmp_path / "x.txt", "X")
    assert run_string("a<%@ include file='" + inc + "' %>b") == "aXb"
    assert run_string('a<%@include file = "' + inc + '"%>b') == "aXb"


def test_relative_include_without_a_directory_is_an_error():
    with pytest.raises(PSPSyntaxError, match="relative name 'x.psp' needs a directory") as info:
        parsestring('line1\n<%@ include file="x.psp" %>')
    assert info.value.lineno == 2


def test_missing_include_names_the_including_file_and_line(tmp_path):
    page = write(tmp_path / "page.psp", 'one\ntwo <%@ include file="nope.psp" %>\n')
    with pytest.raises(PSPSyntaxError) as info:
        parse("page.psp", str(tmp_path) + "/")
    err = info.value
    assert (err.filename, err.lineno) == (page, 2)
    assert "cannot include %s/nope.psp" % tmp_path in str(err)
    assert str(err).startswith("%s:2: " % page)


def test_include_cycle_is_an_error(tmp_path):
    write(tmp_path / "a.psp", '<%@ include file="b.psp" %>')
    write(tmp_path / "b.psp", 'x\n<%@ include file="a.psp" %>')
    with pytest.raises(PSPSyntaxError, match="includes itself") as info:
        parse("a.psp", str(tmp_path) + "/")
    assert (info.value.filename, info.value.lineno) == (str(tmp_path / "b.psp"), 2)
    assert "included from %s:1" % (tmp_path / "a.psp") in str(info.value)


def test_unknown_directive_is_an_error():
    with pytest.raises(PSPSyntaxError, match="unknown PSP directive") as info:
        parsestring('a\nb\n<%@ page language="python" %>')
    assert info.value.lineno == 3


# -- parse errors -------------------------------------------------------------------------------

@pytest.mark.parametrize("page, line, message", [
    ("a\n<% x = 1\n", 2, "<% opened here is never closed"),
    ("a\nb\n<%= x\n", 3, "<% opened here is never closed"),
    ("<%-- x\n\n", 1, "<%-- opened here is never closed with --%>"),
])
def test_unterminated_markup_names_the_line_it_opened(page, line, message):
    with pytest.raises(PSPSyntaxError, match=message) as info:
        parsestring(page)
    assert info.value.lineno == line


def test_python_syntax_error_names_the_template_file_and_line(tmp_path):
    from plugins.psp.compiler import cache
    page = write(tmp_path / "bad.psp", "ok\n<%\nx = 1\nif x\n    y = 2\n%>\n")
    with pytest.raises(PSPSyntaxError) as info:
        cache.page(page)
    err = info.value
    assert isinstance(err, SyntaxError)
    assert (err.filename, err.lineno, err.text) == (page, 4, "if x")
    assert str(err).startswith(page + ":4: ")


def test_syntax_error_in_an_included_file_names_that_file(tmp_path):
    from plugins.psp.compiler import cache
    inc = write(tmp_path / "inc.psp", "fine\n<%= 1 + %>\n")
    page = write(tmp_path / "page.psp", 'a\nb\n<%@ include file="inc.psp" %>\n')
    with pytest.raises(PSPSyntaxError) as info:
        cache.page(page)
    assert (info.value.filename, info.value.lineno) == (inc, 2)
    assert "included from %s:3" % page in str(info.value)


def test_compile_stage_error_is_mapped_too(tmp_path):
    from plugins.psp.compiler import cache
    page = write(tmp_path / "ret.psp", "a\nb\n<% return 1 %>\n")
    with pytest.raises(PSPSyntaxError, match="'return' outside function") as info:
        cache.page(page)
    assert info.value.lineno == 3


def test_template_that_is_not_utf8_is_an_error_with_its_line(tmp_path):
    from plugins.psp.compiler import cache
    path = tmp_path / "latin.psp"
    path.write_bytes(b"a\nb\xe9\n")
    with pytest.raises(PSPSyntaxError, match="not valid UTF-8") as info:
        cache.page(str(path))
    assert info.value.lineno == 2


def test_parse_concatenates_dir_and_filename_as_mod_python(tmp_path):
    write(tmp_path / "p.psp", "<%= 1 %>")
    assert parse("p.psp", str(tmp_path) + "/") == 'req.write(str( 1 ),0)\n'
    assert parse(str(tmp_path / "p.psp")) == 'req.write(str( 1 ),0)\n'
