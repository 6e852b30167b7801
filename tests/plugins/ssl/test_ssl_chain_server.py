"""SSLCertificateChainFile: the server sends the intermediate certificate, so a client that
trusts only the root verifies the leaf (without the chain file it cannot)."""

import os
import shutil
import subprocess

import pytest

from tests.plugins.ssl.test_ssl_server import site, tls_get
from tests.support.server import Server

pytestmark = pytest.mark.skipif(
    not shutil.which("openssl") and os.environ.get("CI") != "true",
    reason="needs openssl: apt-get install openssl curl")


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=cwd)


def make_chain(folder):
    """root.pem (self-signed CA) -> inter.pem (CA) -> a.test.pem/.key (the leaf)."""
    (folder / "ca.ext").write_text("basicConstraints=critical,CA:TRUE\nkeyUsage=keyCertSign,cRLSign\n")
    (folder / "leaf.ext").write_text("subjectAltName=DNS:a.test\n")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=root",
            "-addext", "basicConstraints=critical,CA:TRUE", "-keyout", "root.key",
            "-out", "root.pem", cwd=folder)
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=inter", "-keyout", "inter.key",
            "-out", "inter.csr", cwd=folder)
    openssl("x509", "-req", "-in", "inter.csr", "-CA", "root.pem", "-CAkey", "root.key",
            "-CAcreateserial", "-days", "2", "-extfile", "ca.ext", "-out", "inter.pem", cwd=folder)
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=a.test", "-keyout", "a.test.key",
            "-out", "leaf.csr", cwd=folder)
    openssl("x509", "-req", "-in", "leaf.csr", "-CA", "inter.pem", "-CAkey", "inter.key",
            "-CAcreateserial", "-days", "2", "-extfile", "leaf.ext", "-out", "a.test.pem",
            cwd=folder)


def test_the_chain_file_lets_a_client_that_trusts_the_root_verify(tmp_path):
    make_chain(tmp_path)
    conf, plain, tls = site(tmp_path, extra_a="SSLCertificateChainFile %s/inter.pem" % tmp_path)
    with Server(conf, plain):
        cn, body = tls_get(tls, "a.test", tmp_path / "root.pem")
        assert cn == "a.test" and body.startswith("https=1 server=a.test")


def test_without_the_chain_file_the_root_alone_does_not_verify(tmp_path):
    import ssl
    make_chain(tmp_path)
    conf, plain, tls = site(tmp_path)
    with Server(conf, plain):
        with pytest.raises(ssl.SSLCertVerificationError):
            tls_get(tls, "a.test", tmp_path / "root.pem")
