"""How a static file goes on the wire through the real connection code: the last block is
left to the end of the response (head and body in one send, Content-Length framing); under
an output filter every block is flushed, as the filter always saw it."""

import gzip
import os

import pytest

from kernel.testing import Client, build_site


@pytest.fixture
def docs(tmp_path):
    root = tmp_path / "docs"
    root.mkdir()
    (root / "small.txt").write_bytes(b"small file\n")
    (root / "big.bin").write_bytes(os.urandom(2 * 65536 + 3))
    return root


@pytest.mark.parametrize("name", ["small.txt", "big.bin"])
def test_content_length_framing_without_filters(tmp_path, docs, name):
    site = build_site(tmp_path, 'DocumentRoot "%s"\n' % docs, plugins=["static", "errorpages"])
    reply = Client(site).get("/" + name)
    data = (docs / name).read_bytes()
    assert reply.status == 200 and reply.body == data
    assert reply.header("Content-Length") == str(len(data))
    assert reply.header("Transfer-Encoding") is None


def test_under_an_output_filter_the_last_block_is_flushed_too(tmp_path, docs):
    site = build_site(tmp_path, 'DocumentRoot "%s"\nAddOutputFilterByType DEFLATE text/plain\n'
                      % docs, plugins=["static", "errorpages", "deflate", "filters"])
    reply = Client(site).get("/small.txt", {"Accept-Encoding": "gzip"})
    assert reply.status == 200 and reply.header("Content-Encoding") == "gzip"
    assert gzip.decompress(reply.body) == b"small file\n"
    # the flushed stream: its length unknown when the head went out
    assert reply.header("Transfer-Encoding") == "chunked" and reply.header("Content-Length") is None
