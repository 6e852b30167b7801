"""The static plugin's in-memory copies of small files: served while the request's stat shows
the same file, never stale (changed, replaced, removed, truncated files are read afresh), only
settled files kept, bounded; the validators they carry are those the request methods compute."""

import os
import time
from email.utils import formatdate

import pytest

from kernel import constants as C
from kernel.testing import Client, FakeRequest, build_site
from plugins import static
from plugins.static import cache as cache_module
from plugins.static.cache import FileCache

SETTLED_LATER = 10      # seconds: a request this much after the file's ctime finds it settled


def Req(path, method="GET", headers=None, later=SETTLED_LATER):
    """A request for ``path`` made ``later`` seconds from now (so the file has settled)."""
    return FakeRequest(method, filename=path, headers=headers, finfo=os.stat(path),
                       request_time=time.time() + later)


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch):
    monkeypatch.setattr(static, "CACHE", FileCache())
    return static.CACHE


@pytest.fixture
def page(tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes(b"<p>first</p>\n")
    old = time.time() - 60
    os.utime(path, (old, old))
    return str(path)


def serve(path, **kw):
    req = Req(path, **kw)
    assert static.handler(req) == C.OK
    return req


def ctime_moves(path, change):
    """Apply ``change`` until the file's ctime differs from before (a change in the same clock
    tick as the last one keeps it: exactly what the cache's settling guards against)."""
    before = os.stat(path).st_ctime_ns
    while True:
        change()
        if os.stat(path).st_ctime_ns != before:
            return


def no_open(monkeypatch):
    def refuse(*args):
        raise AssertionError("the file was opened")
    monkeypatch.setattr(static.os, "open", refuse)


def test_a_settled_file_is_served_again_without_opening_it(page, monkeypatch):
    assert serve(page).body == b"<p>first</p>\n"
    no_open(monkeypatch)
    again = serve(page)
    assert again.body == b"<p>first</p>\n" and again.clength == 13


def test_the_kept_validators_are_those_the_request_methods_compute(page):
    serve(page)
    cached = serve(page)
    assert static.CACHE.get(page, os.stat(page)) is not None
    computed = Req(page)
    computed.update_mtime(os.stat(page).st_mtime)
    computed.set_last_modified()
    computed.set_etag()
    assert cached.headers_out["ETag"] == computed.headers_out["ETag"]
    assert cached.headers_out["Last-Modified"] == computed.headers_out["Last-Modified"]
    assert cached.mtime == computed.mtime
    assert cached.headers_out.keys() == ["Last-Modified", "ETag", "Accept-Ranges", "Content-Length"]


def test_a_file_changed_in_place_is_served_afresh(page):
    serve(page)
    st = os.stat(page)

    def rewrite():      # same size, and the mtime put back: only the ctime tells
        with open(page, "r+b") as f:
            f.write(b"<p>other</p>\n")
        os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns))
    ctime_moves(page, rewrite)
    assert serve(page).body == b"<p>other</p>\n"


def test_a_file_replaced_by_rename_is_served_afresh(page, tmp_path):
    serve(page)
    new = tmp_path / "new.html"
    new.write_bytes(b"<p>renamed</p>\n")
    st = os.stat(page)
    os.utime(new, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(new, page)
    assert serve(page).body == b"<p>renamed</p>\n"


def test_a_truncated_or_grown_file_is_served_afresh(page):
    serve(page)
    with open(page, "r+b") as f:
        f.truncate(3)
    assert serve(page).body == b"<p>"
    with open(page, "ab") as f:
        f.write(b"grown")
    assert serve(page).body == b"<p>grown"


def test_a_removed_file_is_404_and_forgotten(page):
    serve(page)
    assert page in static.CACHE.entries
    os.unlink(page)
    req = FakeRequest("GET", filename=page, finfo=None)
    assert static.handler(req) == C.HTTP_NOT_FOUND
    assert page not in static.CACHE.entries and static.CACHE.bytes == 0


def test_a_file_changed_within_the_last_second_is_not_kept(page, monkeypatch):
    serve(page, later=0.2)      # its ctime is now: it may change again in the same tick
    assert page not in static.CACHE.entries
    calls = []
    real_open = os.open
    monkeypatch.setattr(static.os, "open", lambda *a: calls.append(a) or real_open(*a))
    assert serve(page, later=0.2).body == b"<p>first</p>\n"
    assert calls, "read from the disk again"


def test_a_file_changed_between_the_stat_and_the_open_is_sent_but_not_kept(page):
    req = Req(page)
    with open(page, "r+b") as f:     # same size, other content, after the walk's stat
        f.write(b"<p>later</p>\n")
    ctime_moves(page, lambda: os.utime(page, (time.time() - 60, time.time() - 60)))
    assert static.handler(req) == C.OK
    assert req.body == b"<p>later</p>\n"        # what the file holds, as without the cache
    assert page not in static.CACHE.entries


def test_a_file_larger_than_the_limit_is_streamed_and_not_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(static, "CACHE", FileCache(max_file=8))
    path = tmp_path / "big.txt"
    path.write_bytes(b"0123456789")
    req = serve(str(path))
    assert req.body == b"0123456789" and not static.CACHE.entries


def test_the_oldest_files_go_when_the_bounds_are_reached(tmp_path, monkeypatch):
    monkeypatch.setattr(static, "CACHE", FileCache(max_bytes=25, max_entries=3))
    paths = []
    for i in range(5):
        path = tmp_path / ("f%d.txt" % i)
        path.write_bytes(b"%d" % i * 10)
        paths.append(str(path))
        serve(str(path))
    assert list(static.CACHE.entries) == paths[3:] and static.CACHE.bytes == 20
    small = FileCache(max_bytes=100, max_entries=2)
    monkeypatch.setattr(static, "CACHE", small)
    for path in paths[:3]:
        serve(path)
    assert list(small.entries) == paths[1:3] and small.bytes == 20


def test_head_range_multipart_and_not_modified_from_a_kept_file(page, monkeypatch):
    serve(page)
    no_open(monkeypatch)
    head = serve(page, method="HEAD")
    assert head.written == [] and head.clength == 13
    part = serve(page, headers={"Range": "bytes=3-7"})
    assert (part.status, part.body) == (206, b"first")
    assert part.headers_out["Content-Range"] == "bytes 3-7/13"
    multi = serve(page, headers={"Range": "bytes=0-1,-2"})
    assert multi.status == 206 and b"<p" in multi.body and b">\n" in multi.body
    etag = multi.headers_out["ETag"]
    req = Req(page, headers={"If-None-Match": etag})
    assert static.handler(req) == C.HTTP_NOT_MODIFIED
    assert req.err_headers_out["ETag"] == etag and req.written == []
    req = Req(page, headers={"If-Match": '"nope"'})
    assert static.handler(req) == C.HTTP_PRECONDITION_FAILED


def test_a_kept_file_with_a_future_mtime_gets_the_computed_validators(page):
    future = time.time() + 3600
    os.utime(page, (future, future))
    serve(page)
    req = serve(page, later=SETTLED_LATER)
    assert page in static.CACHE.entries
    # set_last_modified caps the date at the request's time; the ETag is weak
    assert req.headers_out["Last-Modified"] == formatdate(int(req.request_time), usegmt=True)
    assert req.headers_out["ETag"].startswith('W/"')


def test_a_finfo_that_is_no_stat_result_is_served_uncached(page):
    import mod_python.apache as apache
    req = FakeRequest("GET", filename=page, finfo=apache.stat(page),
                      request_time=time.time() + SETTLED_LATER)
    assert static.handler(req) == C.OK
    assert req.body == b"<p>first</p>\n" and not static.CACHE.entries


def test_through_the_real_connection_a_changed_file_is_never_stale(tmp_path, monkeypatch):
    """The real request object and pipeline: the file is kept at once (settling disabled),
    then each change is seen by the next request."""
    monkeypatch.setattr(cache_module, "SETTLED", float("-inf"))
    docs = tmp_path / "docs"
    docs.mkdir()
    path = docs / "a.txt"
    path.write_bytes(b"one\n")
    site = build_site(tmp_path, 'DocumentRoot "%s"\n' % docs, plugins=["static", "errorpages"])
    client = Client(site)
    first = client.get("/a.txt")
    assert (first.status, first.body) == (200, b"one\n")
    assert str(path) in static.CACHE.entries
    assert first.header("ETag") == '"4-%x"' % int(os.stat(path).st_mtime * 1000000) \
        or first.header("ETag").startswith('W/"4-')
    ctime_moves(str(path), lambda: path.write_bytes(b"two\n"))
    assert client.get("/a.txt").body == b"two\n"
    path.unlink()
    assert client.get("/a.txt").status == 404
    path.write_bytes(b"three!\n")
    again = client.get("/a.txt")
    assert (again.body, again.header("Content-Length")) == (b"three!\n", "7")
