"""``SetHandler mod_python`` without a ``PythonHandler``, and handler names no plugin serves:
Apache's default handler answers (with its warning), but never with Python or PSP source."""

import pytest

from support.httpclient import get


@pytest.fixture
def site(tmp_path, serve):
    docs = tmp_path / "docs"
    for name in ("py", "other"):
        (docs / name).mkdir(parents=True)
        (docs / name / "page.html").write_bytes(b"<p>plain</p>\n")
        (docs / name / "handler.py").write_bytes(b"SECRET = 'source'\n")
        (docs / name / "page.psp").write_bytes(b"<%= 'SECRET' %>\n")
    server = serve(f"""
ErrorLog "{tmp_path}/error_log"
DocumentRoot "{docs}"
<Directory "{docs}/py">
    SetHandler mod_python
</Directory>
<Directory "{docs}/other">
    SetHandler text_html
</Directory>
""")
    server.error_log = tmp_path / "error_log"
    return server


@pytest.mark.parametrize("directory, handler", [("py", "mod_python"), ("other", "text_html")])
def test_static_file_is_served_with_apaches_warning(site, directory, handler):
    r = get(site.port, f"/{directory}/page.html")
    assert (r.status, r.body) == (200, b"<p>plain</p>\n")
    assert r.header("Content-Type").startswith("text/html")
    # Apache's warning (AH00523), written before the response went out
    assert f'handler "{handler}" not found for: ' in site.error_log.read_text()


@pytest.mark.parametrize("directory", ["py", "other"])
@pytest.mark.parametrize("name", ["handler.py", "page.psp"])
def test_source_is_never_sent(site, directory, name):
    r = get(site.port, f"/{directory}/{name}")
    assert r.status == 403
    assert b"SECRET" not in r.body
