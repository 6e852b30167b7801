"""mod_remoteip's rule without a server: which hop is believed, what stays in the header,
and the directives' syntax (errors with file:line)."""

import ipaddress
from types import SimpleNamespace

import pytest

from kernel.testing import FakeRequest, build_site
from plugins.remoteip.directives import PROXIES
from plugins.remoteip.walk import Proxy, address, is_private, walk


def proxies(*specs):
    """'127.0.0.1' (trusted) or 'internal:10.0.0.0/8'."""
    out = []
    for spec in specs:
        internal = spec.startswith("internal:")
        out.append(Proxy(ipaddress.ip_network(spec.split(":", 1)[1] if internal else spec), internal))
    return tuple(out)


def ip(text):
    return address(text)


def test_untrusted_peer_changes_nothing():
    assert walk(ip("192.0.2.1"), "203.0.113.9", proxies("198.51.100.1")) is None


def test_trusted_proxy_presents_a_public_client():
    out = walk(ip("198.51.100.1"), "203.0.113.9", proxies("198.51.100.1"))
    assert out.client == "203.0.113.9"
    assert out.remaining is None
    assert out.proxies == ["198.51.100.1"]


def test_walk_goes_right_to_left_while_the_hop_is_trusted():
    chain = proxies("198.51.100.1", "198.51.100.2")
    out = walk(ip("198.51.100.1"), "203.0.113.7, 203.0.113.9, 198.51.100.2", chain)
    # 198.51.100.2 is a proxy too, so what it presented (203.0.113.9) is the client; the
    # client's own claim (203.0.113.7) is not believed and stays in the header.
    assert out.client == "203.0.113.9"
    assert out.remaining == "203.0.113.7"
    assert out.proxies == ["198.51.100.1", "198.51.100.2"]


def test_trusted_proxy_may_not_present_a_private_address():
    for private in ("10.1.2.3", "127.0.0.2", "169.254.1.1", "172.16.5.5", "192.168.1.1", "::1",
                    "fd00::1", "fe80::1"):
        assert walk(ip("198.51.100.1"), private, proxies("198.51.100.1")) is None, private


def test_internal_proxy_may_present_a_private_address():
    out = walk(ip("127.0.0.1"), "10.1.2.3", proxies("internal:127.0.0.0/8"))
    assert out.client == "10.1.2.3" and out.proxies == []     # internal proxies are not listed


def test_external_proxy_cannot_make_a_later_hop_internal():
    chain = proxies("198.51.100.1", "internal:203.0.113.0/24")
    # 203.0.113.5 is an internal proxy, but an external one presented it: what it presents
    # is judged as from an external proxy, so its private claim is refused.
    out = walk(ip("198.51.100.1"), "192.168.7.7, 203.0.113.5", chain)
    assert out.client == "203.0.113.5" and out.remaining == "192.168.7.7"


def test_internal_proxy_may_present_an_external_one():
    chain = proxies("internal:10.0.0.0/8", "198.51.100.1")
    out = walk(ip("10.0.0.1"), "203.0.113.9, 198.51.100.1", chain)
    assert out.client == "203.0.113.9" and out.remaining is None
    assert out.proxies == ["198.51.100.1"]          # only the external proxy is recorded


def test_without_a_proxy_list_every_peer_is_trusted_as_external():
    out = walk(ip("192.0.2.1"), "203.0.113.9", ())
    assert out.client == "203.0.113.9"
    assert walk(ip("192.0.2.1"), "10.0.0.1", ()) is None


def test_garbage_and_empty_items_stop_the_walk():
    chain = proxies("internal:127.0.0.1")
    assert walk(ip("127.0.0.1"), "not-an-ip", chain) is None
    assert walk(ip("127.0.0.1"), "10.0.0.1, ", chain) is None
    out = walk(ip("127.0.0.1"), "bogus, 10.0.0.1", proxies("internal:127.0.0.1", "internal:10.0.0.1"))
    assert out.client == "10.0.0.1" and out.remaining == "bogus"


def test_ipv4_mapped_addresses_count_as_ipv4():
    assert str(address("::ffff:127.0.0.1")) == "127.0.0.1"
    assert is_private(address("::ffff:10.0.0.1"))
    assert not is_private(address("2001:db8::1")) and is_private(address("fc00::1"))


def site(tmp_path, text):
    return build_site(tmp_path, "Listen 127.0.0.1:1\n" + text, plugins=["remoteip"], check=False)


def test_directives_build_one_proxy_list(tmp_path):
    (tmp_path / "proxies.txt").write_text("# ours\n192.0.2.0/24 198.51.100.7  # edge\n\n")
    s = site(tmp_path, "RemoteIPHeader X-Forwarded-For\n"
                       "RemoteIPInternalProxy 10.1 127.0.0.1\n"
                       "RemoteIPTrustedProxy 203.0.113.0/255.255.255.0\n"
                       "RemoteIPTrustedProxyList proxies.txt\n"
                       "<VirtualHost *:1>\nRemoteIPTrustedProxy 198.51.100.9\n</VirtualHost>\n")
    assert not s.errors, s.errors
    got = [(str(p.network), p.internal) for p in s.main_server.config[PROXIES]]
    assert got == [("10.1.0.0/16", True), ("127.0.0.1/32", True), ("203.0.113.0/24", False),
                   ("192.0.2.0/24", False), ("198.51.100.7/32", False)]
    assert s.main_server.config["RemoteIPHeader"] == "X-Forwarded-For"
    vhost = s.vhosts[0].config
    assert [str(p.network) for p in vhost[PROXIES]] == ["198.51.100.9/32"]    # replaces
    assert vhost["RemoteIPHeader"] == "X-Forwarded-For"                       # inherits


@pytest.mark.parametrize("line, expected", [
    ("RemoteIPTrustedProxy 10.0.0.1/8", "not a usable address or subnet"),
    ("RemoteIPTrustedProxy 300.1.1.1", "not a usable address"),
    ("RemoteIPTrustedProxy no-such-host.invalid", "cannot resolve"),
    ("RemoteIPInternalProxyList missing.txt", "could not open file"),
    ("RemoteIPHeader", "RemoteIPHeader takes"),
    ("RemoteIPHeader 'X Forwarded'", "is not a header name"),
    ("RemoteIPProxyProtocol On", "not supported"),
    ("<Location /x>\nRemoteIPHeader X-Forwarded-For\n</Location>", "not allowed in <Location>"),
])
def test_bad_lines_name_file_line_and_what_was_expected(tmp_path, line, expected):
    s = site(tmp_path, line + "\n")
    messages = [str(e) for e in s.errors]
    assert len(messages) == 1 and expected in messages[0], messages
    offending = 2 + line.count("\n") // 2        # the one inside a section is its second line
    assert messages[0].startswith("%s/site.conf:%d" % (tmp_path, offending))


def test_bad_line_in_a_proxy_list_file_names_it(tmp_path):
    (tmp_path / "list").write_text("192.0.2.1\n192.0.2.300\n")
    s = site(tmp_path, "RemoteIPTrustedProxyList list\n")
    assert len(s.errors) == 1 and "at line 2 of %s/list" % tmp_path in str(s.errors[0])


def Req(peer, config, headers):
    """A fake request from ``peer`` to a server configured with ``config``."""
    return FakeRequest(ip=peer, headers=list(headers), server=SimpleNamespace(config=config))


def test_plugin_rewrites_the_header_and_records_the_proxies(tmp_path):
    from plugins.remoteip import post_read_request
    config = site(tmp_path, "RemoteIPHeader X-Forwarded-For\nRemoteIPProxiesHeader X-Forwarded-By\n"
                            "RemoteIPTrustedProxy 198.51.100.0/24\n").main_server.config
    req = Req("198.51.100.1", config, [("X-Forwarded-For", "192.0.2.66, 203.0.113.9"),
                                       ("X-Forwarded-For", "198.51.100.2")])
    post_read_request(req)
    assert req.useragent_addr == ("203.0.113.9", 0) and req.useragent_ip == "203.0.113.9"
    assert req.headers_in.getlist("X-Forwarded-For") == ["192.0.2.66"]    # two lines, one list
    assert req.headers_in["X-Forwarded-By"] == "198.51.100.1, 198.51.100.2"
    assert req.notes["remoteip-proxy-ip-list"] == "198.51.100.1, 198.51.100.2"
    assert [m for m, _ in req.logged] == [
        "Using 203.0.113.9 as client's IP by proxies 198.51.100.1, 198.51.100.2"]


def test_plugin_proto_header_only_from_a_listed_proxy(tmp_path):
    from plugins.remoteip import post_read_request
    listed = site(tmp_path, "RemoteIPProtoHeader X-Forwarded-Proto\n"
                            "RemoteIPInternalProxy 127.0.0.1\n").main_server.config
    unlisted = site(tmp_path, "RemoteIPProtoHeader X-Forwarded-Proto\n").main_server.config
    for peer, config, proto, https in (("127.0.0.1", listed, "https", True),
                                       ("127.0.0.1", listed, "http, https", True),
                                       ("127.0.0.1", listed, "HTTP", False),
                                       ("127.0.0.2", listed, "https", False),
                                       ("127.0.0.1", unlisted, "https", False)):
        req = Req(peer, config, [("X-Forwarded-Proto", proto)])
        post_read_request(req)
        assert req.is_https() == (1 if https else 0), (peer, proto)
        assert ("HTTPS" in req.subprocess_env) is https
