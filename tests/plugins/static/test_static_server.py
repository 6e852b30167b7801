"""The static plugin through a real server: Apache's default handler over HTTP.

Only the plugins under test are enabled (``--plugins static,errorpages``), so these tests
show the default handler itself, not another plugin answering first.
"""

import email
import email.policy
import os
from email.utils import formatdate

import pytest

from support.httpclient import Connection, build_request, get

PLUGINS = ("--plugins", "static,errorpages")
SMALL = b"hello static\n"


@pytest.fixture
def site(tmp_path, serve):
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "withindex").mkdir()
    (docs / "claimed").mkdir()
    (docs / "forced").mkdir()
    (docs / "pathinfo").mkdir()
    (docs / "listed" / "inner").mkdir(parents=True)
    (docs / "listed" / "b <&> c.txt").write_bytes(b"b\n")
    (docs / "listed" / ".secret").write_bytes(b"hidden\n")
    (docs / "small.txt").write_bytes(SMALL)
    # Older than a second: Apache's ETag of a file changed just now is weak (W/)
    old = os.stat(docs / "small.txt").st_mtime - 60
    os.utime(docs / "small.txt", (old, old))
    (docs / "withindex" / "index.html").write_bytes(b"<html><body>static index</body></html>\n")
    (docs / "claimed" / "a.txt").write_bytes(b"claimed\n")
    (docs / "forced" / "a.txt").write_bytes(b"forced\n")
    (docs / "pathinfo" / "a.txt").write_bytes(b"path info\n")
    (docs / "nf.html").write_bytes(b"<html>custom not found</html>\n")
    (docs / "big.bin").write_bytes(os.urandom(3 * 1024 * 1024 + 17))
    server = serve(f"""
DocumentRoot "{docs}"
<Directory "{docs}/claimed">
    AddHandler nobody-serves-this .txt
</Directory>
<Directory "{docs}/forced">
    AddHandler nobody-serves-this .txt
    SetHandler default-handler
</Directory>
<Directory "{docs}/pathinfo">
    AcceptPathInfo On
</Directory>
<Directory "{docs}/listed">
    Options +Indexes
</Directory>
<Directory "{docs}/sub">
    ErrorDocument 404 /nf.html
</Directory>
""", args=PLUGINS)
    server.docs = docs
    return server


def etag_of(path):
    st = os.stat(path)
    return '"%x-%x"' % (st.st_size, int(st.st_mtime * 1000000))


def test_file_with_validators_and_length(site):
    r = get(site.port, "/small.txt")
    assert (r.status, r.body, r.framing) == (200, SMALL, "length")
    assert r.header("Content-Type") == "text/plain"
    assert r.header("Content-Length") == "13"
    assert r.header("Accept-Ranges") == "bytes"
    assert r.header("ETag") == etag_of(site.docs / "small.txt")
    assert r.header("Last-Modified") == formatdate(int(os.stat(site.docs / "small.txt").st_mtime),
                                                   usegmt=True)


def test_directory_index(site):
    r = get(site.port, "/withindex/")
    assert (r.status, r.body) == (200, b"<html><body>static index</body></html>\n")
    assert r.header("Content-Type") == "text/html" and r.header("Content-Length") == "39"


def test_head_has_the_headers_and_no_body(site):
    with Connection(site.port) as conn:
        head = conn.request(build_request("HEAD", "/small.txt", site.port, close=False))
        after = conn.request(build_request("GET", "/withindex/", site.port))
    assert head.status == 200 and head.body == b""
    assert head.header("Content-Length") == "13" and head.header("ETag")
    # Had the HEAD response carried a body, it would have been read as this response.
    assert after.status == 200 and after.body.startswith(b"<html>")


def test_keep_alive_serves_several_files(site):
    with Connection(site.port) as conn:
        first = conn.request(build_request("GET", "/small.txt", site.port, close=False))
        second = conn.request(build_request("GET", "/small.txt", site.port))
    assert first.body == second.body == SMALL


def test_big_file_is_complete(site):
    r = get(site.port, "/big.bin")
    data = (site.docs / "big.bin").read_bytes()
    assert r.status == 200 and r.framing == "length" and r.body == data
    assert r.header("Content-Length") == str(len(data))


@pytest.mark.parametrize("path", ["/missing.txt", "/nodir/x.txt", "/small.txt/extra"])
def test_not_found(site, path):
    r = get(site.port, path)
    assert r.status == 404
    assert b"<title>404 Not Found</title>" in r.body
    assert r.header("Content-Type") == "text/html; charset=iso-8859-1"


def test_path_info_accepted_where_configured(site):
    r = get(site.port, "/pathinfo/a.txt/more/path")
    assert (r.status, r.body) == (200, b"path info\n")


def test_directory_without_index_is_forbidden(site):
    r = get(site.port, "/sub/")
    assert r.status == 403 and b"<title>403 Forbidden</title>" in r.body


def test_options_indexes_lists_the_directory(site):
    r = get(site.port, "/listed/")
    assert r.status == 200 and r.header("Content-Type") == "text/html;charset=UTF-8"
    page = r.text
    assert "<title>Index of /listed/</title>" in page
    assert '<a href="inner/">inner/</a>' in page
    assert '<a href="b%20%3C%26%3E%20c.txt">b &lt;&amp;&gt; c.txt</a>' in page
    assert ".secret" not in page and page.index("inner/") < page.index("b &lt;")


def test_directory_without_slash_is_redirected(site):
    r = get(site.port, "/sub")
    assert r.status == 301 and r.header("Location").endswith("/sub/")


def test_file_claimed_by_an_unknown_handler_falls_back_to_the_default_handler(site):
    r = get(site.port, "/claimed/a.txt")
    assert (r.status, r.body) == (200, b"claimed\n")


def test_set_handler_default_handler_serves(site):
    r = get(site.port, "/forced/a.txt")
    assert (r.status, r.body) == (200, b"forced\n")


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_other_methods_are_not_allowed(site, method):
    r = get(site.port, "/small.txt", method=method, body="a=1")
    assert r.status == 405
    assert r.header("Allow") == "GET, HEAD, OPTIONS"
    assert b"The method %s is not allowed" % method.encode() in r.body


def test_unknown_method_is_not_implemented(site):
    r = get(site.port, "/small.txt", method="PURGE")
    assert r.status == 501 and r.header("Allow") == "GET, HEAD, OPTIONS"


def test_options(site):
    r = get(site.port, "/small.txt", method="OPTIONS")
    assert (r.status, r.body) == (200, b"")
    assert r.header("Allow") == "GET, HEAD, OPTIONS"


# -- conditional requests ---------------------------------------------------------------

def test_if_none_match(site):
    etag = etag_of(site.docs / "small.txt")
    r = get(site.port, "/small.txt", headers={"If-None-Match": etag})
    assert (r.status, r.body) == (304, b"")
    assert r.header("ETag") == etag
    assert get(site.port, "/small.txt", headers={"If-None-Match": '"nope"'}).status == 200


def test_if_modified_since(site):
    mtime = os.stat(site.docs / "small.txt").st_mtime
    assert get(site.port, "/small.txt",
               headers={"If-Modified-Since": formatdate(mtime, usegmt=True)}).status == 304
    # A date later than the request is ignored, as Apache does (the client's clock is wrong)
    r = get(site.port, "/small.txt", headers={"If-Modified-Since": formatdate(mtime + 3600, usegmt=True)})
    assert (r.status, r.body) == (200, SMALL)
    r = get(site.port, "/small.txt", headers={"If-Modified-Since": formatdate(mtime - 3600, usegmt=True)})
    assert (r.status, r.body) == (200, SMALL)


def test_if_match(site):
    r = get(site.port, "/small.txt", headers={"If-Match": '"other"'})
    assert r.status == 412 and b"<title>412 Precondition Failed</title>" in r.body
    assert get(site.port, "/small.txt", headers={"If-Match": "*"}).status == 200


def test_error_document_file_keeps_the_error_status(site):
    etag = etag_of(site.docs / "nf.html")
    r = get(site.port, "/sub/missing.html", headers={"If-None-Match": etag, "Range": "bytes=0-3"})
    assert (r.status, r.body) == (404, b"<html>custom not found</html>\n")


# -- ranges -----------------------------------------------------------------------------

@pytest.mark.parametrize("spec, body, content_range", [
    ("bytes=0-4", b"hello", "bytes 0-4/13"),
    ("bytes=6-", b"static\n", "bytes 6-12/13"),
    ("bytes=-7", b"static\n", "bytes 6-12/13"),
    ("bytes=10-99", b"ic\n", "bytes 10-12/13"),
])
def test_single_range(site, spec, body, content_range):
    r = get(site.port, "/small.txt", headers={"Range": spec})
    assert (r.status, r.body) == (206, body)
    assert r.header("Content-Range") == content_range
    assert r.header("Content-Length") == str(len(body))
    assert r.header("Content-Type") == "text/plain"


def test_unsatisfiable_range(site):
    r = get(site.port, "/small.txt", headers={"Range": "bytes=13-20"})
    assert r.status == 416 and r.header("Content-Range") == "bytes */13"


def test_malformed_range_is_ignored(site):
    r = get(site.port, "/small.txt", headers={"Range": "bytes=9-3"})
    assert (r.status, r.body) == (200, SMALL)


def test_multiple_ranges(site):
    r = get(site.port, "/small.txt", headers={"Range": "bytes=0-1,-3"})
    assert r.status == 206
    assert r.header("Content-Type").startswith("multipart/byteranges; boundary=")
    assert r.header("Content-Length") == str(len(r.body))
    message = email.message_from_bytes(
        b"Content-Type: " + r.header("Content-Type").encode() + b"\r\n\r\n" + r.body,
        policy=email.policy.HTTP)
    parts = [(p["Content-Range"], p["Content-Type"], p.get_payload(decode=True))
             for p in message.iter_parts()]
    assert parts == [("bytes 0-1/13", "text/plain", b"he"), ("bytes 10-12/13", "text/plain", b"ic\n")]


def test_range_of_a_big_file(site):
    data = (site.docs / "big.bin").read_bytes()
    r = get(site.port, "/big.bin", headers={"Range": "bytes=100000-2200000"})
    assert r.status == 206 and r.body == data[100000:2200001]


def test_if_range(site):
    etag = etag_of(site.docs / "small.txt")
    r = get(site.port, "/small.txt", headers={"Range": "bytes=0-4", "If-Range": etag})
    assert (r.status, r.body) == (206, b"hello")
    r = get(site.port, "/small.txt", headers={"Range": "bytes=0-4", "If-Range": '"stale"'})
    assert (r.status, r.body) == (200, SMALL)


def test_a_fifo_is_refused_without_blocking_the_server(site):
    os.mkfifo(site.docs / "fifo")
    assert get(site.port, "/fifo").status == 403
    assert get(site.port, "/small.txt").body == SMALL
