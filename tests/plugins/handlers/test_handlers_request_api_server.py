"""The request API through a real server: get_remote_host without DNS, a handler attribute
that is None."""

import textwrap

import pytest

from support.httpclient import get

HANDLER = '''
    from mod_python import apache

    handler_none = None

    def handler(req):
        req.content_type = "text/plain"
        for kind in ("REMOTE_HOST", "REMOTE_NAME", "REMOTE_NOLOOKUP", "REMOTE_DOUBLE_REV"):
            req.write("%s=%r %r\\n" % (kind, req.get_remote_host(getattr(apache, kind)),
                                       req.get_remote_host(getattr(apache, kind), 1)))
        req.write("default=%r\\n" % req.get_remote_host())
        return apache.OK
'''


@pytest.fixture
def site(tmp_path, serve):
    (tmp_path / "h.py").write_text(textwrap.dedent(HANDLER))
    common = f"""SetHandler mod_python
        PythonPath "['{tmp_path}'] + sys.path"
    """
    return serve(f"""
<Location "/host">
    {common}
    PythonHandler h
</Location>
<Location "/none">
    {common}
    PythonHandler h::handler_none
</Location>
""")


def test_remote_host_without_dns(site):
    body = get(site.port, "/host").body.decode()
    assert "REMOTE_HOST=None (None, 0)" in body
    assert "REMOTE_NAME='127.0.0.1' ('127.0.0.1', 1)" in body
    assert "REMOTE_NOLOOKUP='127.0.0.1' ('127.0.0.1', 1)" in body
    assert "REMOTE_DOUBLE_REV=None (None, 0)" in body
    assert "default='127.0.0.1'" in body


def test_a_none_handler_attribute_is_a_500(site):
    assert get(site.port, "/none").status == 500
