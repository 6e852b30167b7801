"""What the HTTP layer remembers between requests (parsed targets, Content-Type and
Keep-Alive lines) answers each request as if it were computed afresh: in-process client over
the real connection code."""

from kernel.http import head as head_module
from kernel.http import head_lines
from kernel.testing import Client, build_site


def site_of(tmp_path):
    docs = tmp_path / "docs"
    for folder in ("plain", "utf"):
        (docs / folder).mkdir(parents=True)
        (docs / folder / "a.txt").write_text("text\n")
    return build_site(tmp_path, f"""
DocumentRoot "{docs}"
ErrorLog "{tmp_path}/error_log"
<Directory "{docs}">
    Require all granted
</Directory>
<Directory "{docs}/utf">
    AddDefaultCharset utf-8
</Directory>
""")


def request(path, version="1.1", method="GET", extra=""):
    return f"{method} {path} HTTP/{version}\r\nHost: x\r\n{extra}\r\n".encode()


def test_one_content_type_under_two_charsets(tmp_path):
    client = Client(site_of(tmp_path))
    for _ in range(2):      # the second time from the remembered lines
        assert client.request(request("/utf/a.txt")).header("Content-Type") == \
            "text/plain; charset=utf-8"
        assert client.request(request("/plain/a.txt")).header("Content-Type") == "text/plain"


def test_keep_alive_counts_down_on_each_connection(tmp_path):
    client = Client(site_of(tmp_path))
    for _ in range(2):      # a second connection starts again from the top
        replies = client.exchange(request("/plain/a.txt") * 3, replies=3)
        assert [r.header("Keep-Alive") for r in replies] == \
            ["timeout=5, max=99", "timeout=5, max=98", "timeout=5, max=97"]
    reply = client.request(request("/plain/a.txt", "1.0", extra="Connection: keep-alive\r\n"))
    assert reply.header("Connection") == "Keep-Alive" and reply.header("Keep-Alive")
    reply = client.request(request("/plain/a.txt"))
    assert reply.header("Connection") is None


def test_a_remembered_target_parses_as_a_fresh_one(tmp_path):
    client = Client(site_of(tmp_path))
    head_module._targets.clear()
    for _ in range(2):
        assert client.request(request("/plain/./x/../a.txt?q=1")).body == b"text\n"
        # OPTIONS * is the server; the same target with another method is a bad path
        assert client.request(request("*", method="OPTIONS")).status == 200
        assert client.request(request("*")).status == 400
        assert client.request(request("/plain/%2Fa.txt")).status == 404
        absolute = client.request(b"GET http://y/plain/a.txt HTTP/1.1\r\nHost: x\r\n\r\n")
        assert absolute.body == b"text\n"
    assert "/plain/./x/../a.txt?q=1".encode() in head_module._targets
    assert b"*" not in head_module._targets and b"/plain/%2Fa.txt" not in head_module._targets


def test_memos_stay_bounded(tmp_path):
    client = Client(site_of(tmp_path))
    head_module._targets.clear()
    for i in range(head_module.TARGETS_KEPT):
        head_module._targets[b"/filler%d" % i] = ("/filler", None, "/filler", None)
    assert client.request(request("/plain/a.txt?bounded")).status == 200
    assert len(head_module._targets) == 1       # full: emptied before the new one went in
    assert len(head_lines.TYPE_LINES) <= head_lines.LINES_KEPT
