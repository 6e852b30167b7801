"""Server-side includes through the real server: each element (include virtual/file, echo
with encodings, set, if/elif/else with Apache 2.4 expressions and the legacy parser,
config, printenv, fsize, flastmod), mod_python's #python exec/eval with req.ssi_globals,
IncludesNOEXEC, errors shown as the errmsg, XBitHack, and Options +Includes required."""

import os
import textwrap

import pytest

from support.httpclient import get

# mod_python 3.5's documentation ("Server Side Includes"), unchanged.
DOC_EXAMPLE = '''<html>
  <body>
    <pre>
<!--#python exec="
from mod_python import apache
import html, sys
s = html.escape(str(sys.version))
filter.write('Python %s' % s)
" -->
    </pre>
  </body>
</html>
'''

GEN = '''
    from mod_python import apache

    def handler(req):
        req.content_type = "text/html"
        req.write("a<!-")                   # a tag cut across flushed writes
        req.write("-#echo var=")
        req.write('"DOCUMENT_URI" -->b<!--#python eval="1+2" --><!')
        req.write("-- plain comment -->")
        return apache.OK
'''

FIXUP = '''
    from mod_python import apache

    def fixup(req):
        req.ssi_globals = {"greeting": "hi from fixup"}
        return apache.OK
'''

PAGES = {
    "doc.shtml": DOC_EXAMPLE,
    "echo.shtml": 'name=<!--#echo var="DOCUMENT_NAME" --> uri=<!--#echo var="DOCUMENT_URI" -->'
                  ' q=<!--#echo var="QUERY_STRING" --> none=<!--#echo var="NOPE" -->'
                  '<!--#set var="X" value="<a&b>" -->'
                  ' ent=<!--#echo var="X" --> raw=<!--#echo encoding="none" var="X" -->'
                  ' url=<!--#echo encoding="url" var="X" -->'
                  '<!--#set var="Y" value="${X}!" --> y=<!--#echo encoding="none" var="Y" -->',
    "include.shtml": "[<!--#include virtual=\"/part.html\" -->]"
                     "[<!--#include file=\"inner.shtml\" -->]"
                     "[<!--#include virtual=\"/missing.html\" -->]",
    "part.html": "PART",
    "inner.shtml": "inner:<!--#echo var=\"DOCUMENT_NAME\" -->",
    "if.shtml": '<!--#set var="V" value="foo" -->'
                '<!--#if expr="%{V} == \'bar\'" -->bar'
                '<!--#elif expr="-n v(\'V\') && %{V} =~ /^f/" -->matched'
                '<!--#else -->else<!--#endif -->'
                '|<!--#if expr="!(%{QUERY_STRING} == \'x\') || false" -->notx<!--#else -->x<!--#endif -->'
                '|<!--#if expr="%{V} foo" -->never<!--#endif -->',
    "legacy.shtml": '<!--#set var="V" value="foo" -->'
                    '<!--#if expr="$V = /^fo/ && ${V} != bar" -->legacy-ok<!--#else -->no<!--#endif -->',
    "config.shtml": '<!--#config errmsg="[oops]" --><!--#frobnicate -->'
                    '<!--#config sizefmt="bytes" -->size=<!--#fsize file="part.html" -->'
                    '<!--#config timefmt="%Y" -->year=<!--#flastmod virtual="/part.html" -->',
    "printenv.shtml": '<!--#set var="SHOWN" value="1" --><!--#printenv -->',
    "python.shtml": '<!--#python exec="total = 6 * 7" -->answer=<!--#python eval="total" -->'
                    ' greeting=<!--#python eval="greeting" -->'
                    ' uri=<!--#python eval="filter.req.uri" -->'
                    ' file=<!--#python eval="__file__.rsplit(\'/\', 1)[-1]" -->',
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from support.server import serve
    root = tmp_path_factory.mktemp("includes")
    docs = root / "docs"
    docs.mkdir()
    for name, text in PAGES.items():
        (docs / name).write_text(text)
    (root / "fix.py").write_text(textwrap.dedent(FIXUP))
    (root / "gen.py").write_text(textwrap.dedent(GEN))
    (root / "noexec").mkdir()
    (root / "noexec" / "p.shtml").write_text('<!--#python exec="x = 1" -->|<!--#python eval="1 + 1" -->')
    (root / "off").mkdir()
    (root / "off" / "p.shtml").write_text('<!--#echo var="DOCUMENT_NAME" -->')
    (root / "xbit").mkdir()
    (root / "xbit" / "on.html").write_text('x=<!--#echo var="DOCUMENT_NAME" -->')
    (root / "xbit" / "off.html").write_text('x=<!--#echo var="DOCUMENT_NAME" -->')
    os.chmod(root / "xbit" / "on.html", 0o744)
    (root / "site.conf").write_text(textwrap.dedent(f'''
        DocumentRoot "{docs}"
        ErrorLog "{root}/error_log"
        PythonPath "sys.path+['{root}']"
        AddType text/html .shtml
        AddOutputFilter INCLUDES .shtml
        <Directory "{docs}">
            Options +Includes
            PythonFixupHandler fix::fixup
        </Directory>
        <Location /gen>
            SetHandler mod_python
            PythonHandler gen
            SetOutputFilter INCLUDES
        </Location>
        <Location /legacy.shtml>
            SSILegacyExprParser On
        </Location>
        Alias /noexec "{root}/noexec"
        <Directory "{root}/noexec">
            Options +IncludesNOEXEC
        </Directory>
        Alias /off "{root}/off"
        Alias /xbit "{root}/xbit"
        <Directory "{root}/xbit">
            Options +Includes
            XBitHack On
        </Directory>
    '''))
    srv = serve(root / "site.conf", cwd=str(root), directory=str(tmp_path_factory.mktemp("conf")))
    srv.root = root
    yield srv
    srv.stop()


def body(server, path):
    r = get(server.port, path)
    assert r.status == 200, (path, r.status, r.body)
    return r.body.decode()


def test_documentation_example_python_exec(server):
    import sys
    text = body(server, "/doc.shtml")
    assert "Python %s" % sys.version.split()[0] in text
    assert "<!--#" not in text


def test_echo_and_set(server):
    text = body(server, "/echo.shtml?a=1")
    assert "name=echo.shtml uri=/echo.shtml q=a=1 none=(none)" in text
    assert "ent=&lt;a&amp;b&gt; raw=<a&b> url=%3Ca%26b%3E" in text
    assert "y=<a&b>!" in text


def test_include_virtual_file_and_a_failing_one(server):
    text = body(server, "/include.shtml")
    assert text == ("[PART][inner:inner.shtml]"
                    "[[an error occurred while processing this directive]]")


def test_if_elif_else_with_apache_24_expressions(server):
    assert body(server, "/if.shtml?y") == ("matched|notx|"
                                           "[an error occurred while processing this directive]")
    assert body(server, "/if.shtml?x").startswith("matched|x|")
    log = (server.root / "error_log").read_text()
    assert "a comparison is expected" in log


def test_legacy_expression_parser(server):
    assert body(server, "/legacy.shtml") == "legacy-ok"


def test_config_errmsg_sizefmt_timefmt(server):
    import time
    text = body(server, "/config.shtml")
    year = time.strftime("%Y", time.localtime(os.stat(server.root / "docs" / "part.html").st_mtime))
    assert text == "[oops]size=4year=" + year


def test_printenv(server):
    text = body(server, "/printenv.shtml")
    assert "SHOWN=1\n" in text and "DOCUMENT_URI=/printenv.shtml" in text


def test_python_eval_exec_and_ssi_globals(server):
    text = body(server, "/python.shtml")
    assert text == "answer=42 greeting=hi from fixup uri=/python.shtml file=python.shtml"


def test_includesnoexec_forbids_exec_not_eval(server):
    assert body(server, "/noexec/p.shtml") == \
        "[an error occurred while processing this directive]|2"


def test_without_options_includes_the_page_is_sent_as_is(server):
    assert body(server, "/off/p.shtml") == '<!--#echo var="DOCUMENT_NAME" -->'


def test_xbithack(server):
    assert body(server, "/xbit/on.html") == "x=on.html"
    assert body(server, "/xbit/off.html") == 'x=<!--#echo var="DOCUMENT_NAME" -->'


def test_parsed_pages_lose_their_length_and_validators(server):
    r = get(server.port, "/echo.shtml")
    assert r.header("ETag") is None and r.header("Last-Modified") is None


def test_handler_output_with_tags_cut_across_writes(server):
    r = get(server.port, "/gen")
    assert r.body == b"a/genb3<!-- plain comment -->"
    assert r.header("Transfer-Encoding") == "chunked"
