"""The bundled tutorial site (examples/tutorial) over plain HTTP, and run.py (`make serve`)."""

import sys
import urllib.parse

from support import TUTORIAL_CONFIG
from support.httpclient import get
from support.server import Server, free_port, write_config
from kernel.testing import basic_auth_header

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def post_form(port, fields):
    return get(port, "/feedback/form.py/email", FORM, "POST", urllib.parse.urlencode(fields))


def test_index_links_every_example(tutorial):
    server, _ = tutorial
    page = get(server.port, "/").text
    for href in ("/mywebdir/myscript.py", "/feedback/form.html", "/protected/myscript.py",
                 "/errors/handler-error.html"):
        assert f'href="{href}"' in page


def test_hello_any_py_name(tutorial):
    server, _ = tutorial
    for path in ("/mywebdir/myscript.py", "/mywebdir/montypython.py", "/mywebdir/"):
        response = get(server.port, path)
        assert (response.status, response.body, response.header("Content-Type")) == \
            (200, b"Hello World!", "text/plain"), path


def test_protected_needs_spam_eggs(tutorial):
    server, _ = tutorial
    refused = get(server.port, "/protected/myscript.py", {"Authorization": basic_auth_header("spam", "ham")})
    assert refused.status == 401
    assert refused.header("WWW-Authenticate") == 'Basic realm="Restricted Area"'
    assert get(server.port, "/protected/myscript.py").status == 401
    for path in ("/protected/myscript.py", "/protected/"):
        granted = get(server.port, path, {"Authorization": basic_auth_header("spam", "eggs")})
        assert (granted.status, granted.body) == (200, b"Hello World!"), path


def test_feedback_mails_the_webmaster(tutorial):
    server, sink = tutorial
    response = post_form(server.port, {"name": "Jörg <b>", "email": "jorg@example.com",
                                       "comment": "Grüße!"})
    assert response.status == 200, response.text
    assert response.header("Content-Type").startswith("text/html")
    assert "Dear Jörg &lt;b&gt;,<br>" in response.text
    (mail,) = sink.wait_for(1)
    assert (mail.mail_from, mail.rcpt_tos) == ("jorg@example.com", ["webmaster"])
    assert mail.message["Subject"] == "feedback"
    assert mail.message.get_content_charset() == "utf-8"
    assert b"\n" not in mail.data.replace(b"\r\n", b""), "SMTP lines must end in CRLF"
    assert mail.body == "I have the following comment:\n\nGrüße!\n\nThank You,\n\nJörg <b>\n\n"


def test_feedback_refuses_header_injection(tutorial):
    server, sink = tutorial
    response = post_form(server.port, {"name": "Eve", "comment": "hi",
                                       "email": "eve@example.com\r\nBcc: victim@example.com"})
    assert response.status == 200
    assert "single line" in response.text
    assert sink.snapshot() == []


def test_feedback_missing_value_uses_the_tutorial_guard(tutorial):
    server, sink = tutorial
    response = post_form(server.port, {"name": "Joe", "email": "joe@example.com", "comment": ""})
    assert (response.status, response.text.split(",")[0]) == (200, "A required parameter is missing")
    assert sink.snapshot() == []


def test_run_py_serves_and_prints_mail(tmp_path):
    """`make serve` = run.py: an SMTP sink on a free port printing mails, then greenphase serve."""
    port = free_port()
    config = write_config(TUTORIAL_CONFIG, port, tmp_path)
    run_py = [sys.executable, str(TUTORIAL_CONFIG.parent / "run.py"), "--config", str(config)]
    with Server(config, port, command=run_py) as server:
        response = post_form(port, {"name": "Ann", "email": "ann@example.com", "comment": "Nice"})
        assert response.status == 200, response.text
        server.wait_for_output(r"^--- mail from ann@example.com to webmaster ---")
        assert server.wait_for_output(r"^Nice$")
    assert server.proc.returncode == 0, server.stderr


def test_own_404_handler(tutorial):
    server, _ = tutorial
    own = get(server.port, "/errors/handler-error.html")
    assert (own.status, own.body) == (404, b"Page not here.  Page left, not know where gone.")
    server_page = get(server.port, "/errors/apache-error.html")
    assert server_page.status == 404 and b"<html" in server_page.body.lower()
    real = get(server.port, "/errors/real.html")
    real_file = TUTORIAL_CONFIG.parent / "errors" / "real.html"
    assert (real.status, real.body) == (200, real_file.read_bytes())
