"""Conditional requests answered by a handler: req.update_mtime, set_last_modified, set_etag,
meets_conditions (304/412 with Apache's validators), req.mtime and req.no_cache."""

import textwrap
from email.utils import formatdate, parsedate_to_datetime

import pytest

from support.httpclient import get

MTIME = 1700000000.25          # a fixed past date, with a fraction Apache keeps (usec)
HANDLER = f'''
    from mod_python import apache

    def handler(req):
        before = req.mtime
        req.update_mtime({MTIME})
        req.update_mtime(1000)          # older: no change
        req.set_last_modified()
        req.set_etag()
        if req.args == "nocache":
            req.no_cache = 1
        status = req.meets_conditions()
        if status != apache.OK:
            return status
        req.content_type = "text/plain"
        req.write("before=%r after=%r" % (before, req.mtime))
        return apache.OK
'''
LAST_MODIFIED = formatdate(int(MTIME), usegmt=True)
ETAG = '"%x"' % int(MTIME * 1000000)        # no file behind the response: the mtime alone


@pytest.fixture
def site(tmp_path, serve):
    (tmp_path / "h.py").write_text(textwrap.dedent(HANDLER))
    return serve(f"""
<Location "/">
    SetHandler mod_python
    PythonPath "['{tmp_path}'] + sys.path"
    PythonHandler h
</Location>
""")


def test_validators_and_mtime(site):
    r = get(site.port, "/x")
    assert r.status == 200
    assert r.body == ("before=0 after=%r" % MTIME).encode()
    assert r.header("Last-Modified") == LAST_MODIFIED
    assert r.header("ETag") == ETAG


@pytest.mark.parametrize("headers", [{"If-None-Match": ETAG}, {"If-None-Match": "*"},
                                     {"If-Modified-Since": LAST_MODIFIED}])
def test_not_modified_keeps_the_etag(site, headers):
    r = get(site.port, "/x", headers=headers)
    assert r.status == 304 and r.body == b""
    assert r.header("ETag") == ETAG


@pytest.mark.parametrize("headers", [{"If-None-Match": '"other"'},
                                     {"If-Modified-Since": formatdate(int(MTIME) - 10, usegmt=True)},
                                     {"If-Modified-Since": formatdate(4102444800, usegmt=True)}])
def test_changed_or_future_dates_send_the_body(site, headers):
    assert get(site.port, "/x", headers=headers).status == 200


@pytest.mark.parametrize("headers", [{"If-Match": '"other"'},
                                     {"If-Unmodified-Since": formatdate(int(MTIME) - 10, usegmt=True)}])
def test_failed_precondition(site, headers):
    r = get(site.port, "/x", headers=headers)
    assert r.status == 412
    assert r.header("ETag") is None


def test_if_match_holds(site):
    assert get(site.port, "/x", headers={"If-Match": ETAG}).status == 200


def test_no_cache_sends_expires_with_the_responses_date(site):
    r = get(site.port, "/x?nocache")
    assert r.status == 200
    # the request's time (the Date header is the sending time: the same second or the next)
    expires, date = (parsedate_to_datetime(r.header(h)).timestamp() for h in ("Expires", "Date"))
    assert 0 <= date - expires <= 1
    assert get(site.port, "/x").header("Expires") is None
