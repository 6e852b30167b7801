"""TLS as mod_ssl users write it: SSLEngine and certificates on <VirtualHost *:PORT>, SNI
picking the vhost's certificate, the HTTPS/SSL_* variables, clear config errors for what
Python's ssl cannot do, and certificates reread by a graceful reload's new workers. Real
certificates (openssl), real clients (Python's ssl, curl) on loopback."""

import os
import shutil
import signal
import socket
import ssl
import subprocess
import time

import pytest

from tests.support.server import Server, free_port, greenphase_command

pytestmark = pytest.mark.skipif(
    not shutil.which("openssl") and os.environ.get("CI") != "true",
    reason="needs openssl: apt-get install openssl curl")

APP = '''
from mod_python import apache
def handler(req):
    env = req.subprocess_env
    req.content_type = "text/plain"
    req.write("https=%s server=%s %s %s %s sni=%s" % (req.is_https(), req.server.server_hostname,
              env.get("HTTPS"), env.get("SSL_PROTOCOL"), bool(env.get("SSL_CIPHER")),
              env.get("SSL_TLS_SNI")))
    return apache.OK
'''


def make_cert(folder, name):
    cert, key = folder / ("%s.pem" % name), folder / ("%s.key" % name)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=%s" % name, "-addext", "subjectAltName=DNS:%s" % name,
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def site(tmp_path, extra_a="", tls_port=None):
    (tmp_path / "htdocs").mkdir(exist_ok=True)
    (tmp_path / "htdocs" / "app.py").write_text(APP)
    for name in ("a.test", "b.test"):
        if not (tmp_path / ("%s.pem" % name)).exists():
            make_cert(tmp_path, name)
    plain, tls = free_port(), tls_port or free_port()
    conf = tmp_path / "site.conf"
    conf.write_text(f"""Listen 127.0.0.1:{plain}
Listen 127.0.0.1:{tls}
DocumentRoot {tmp_path}/htdocs
ErrorLog {tmp_path}/error_log
<Location /env>
SetHandler mod_python
PythonHandler app
PythonPath "sys.path + ['{tmp_path}/htdocs']"
</Location>
<VirtualHost *:{tls}>
ServerName a.test
SSLEngine on
SSLCertificateFile {tmp_path}/a.test.pem
SSLCertificateKeyFile {tmp_path}/a.test.key
{extra_a}
</VirtualHost>
<VirtualHost *:{tls}>
ServerName b.test
SSLEngine on
SSLCertificateFile {tmp_path}/b.test.pem
SSLCertificateKeyFile {tmp_path}/b.test.key
</VirtualHost>
""")
    return conf, plain, tls


def tls_get(port, name, cafile, path="/env"):
    """(peer certificate's CN, response body) over a verified TLS connection with SNI."""
    context = ssl.create_default_context(cafile=str(cafile))
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname=name) as tls:
            cn = dict(x[0] for x in tls.getpeercert()["subject"])["commonName"]
            tls.sendall(("GET %s HTTP/1.0\r\nHost: %s\r\n\r\n"
                         % (path, name)).encode())
            data = b""
            while chunk := tls.recv(65536):
                data += chunk
    return cn, data.partition(b"\r\n\r\n")[2].decode()


def test_tls_vhosts_by_sni_and_the_ssl_variables(tmp_path):
    conf, plain, tls = site(tmp_path)
    with Server(conf, plain) as server:
        cn, body = tls_get(tls, "a.test", tmp_path / "a.test.pem")
        assert cn == "a.test"
        assert body.startswith("https=1 server=a.test on TLSv1.")
        assert body.endswith(" True sni=a.test")
        cn, body = tls_get(tls, "b.test", tmp_path / "b.test.pem")
        assert (cn, body.split()[1]) == ("b.test", "server=b.test")
        # a plain client on the TLS port: that connection fails, the server goes on
        with socket.create_connection(("127.0.0.1", tls), timeout=10) as raw:
            raw.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            try:
                assert b"HTTP/1.1" not in raw.recv(100)     # never answered in plain text
            except ConnectionResetError:
                pass
        assert tls_get(tls, "a.test", tmp_path / "a.test.pem")[0] == "a.test"
        # the plain port is plain: is_https() is 0 there
        with socket.create_connection(("127.0.0.1", plain), timeout=10) as raw:
            raw.sendall(b"GET /env HTTP/1.0\r\nHost: x\r\n\r\n")
            data = b""
            while chunk := raw.recv(65536):
                data += chunk
        assert b"https=0" in data and b"sni=None" in data
        assert "listening on https://127.0.0.1:%d/" % tls in server.stdout


@pytest.mark.skipif(not shutil.which("curl") and os.environ.get("CI") != "true",
                    reason="needs curl: apt-get install curl")
def test_curl_verifies_the_certificate(tmp_path):
    conf, plain, tls = site(tmp_path, extra_a="SSLProtocol -all +TLSv1.2\n"
                                              "SSLCipherSuite ECDHE-RSA-AES128-GCM-SHA256")
    with Server(conf, plain):
        done = subprocess.run(["curl", "-sS", "--cacert", str(tmp_path / "a.test.pem"),
                               "--resolve", "a.test:%d:127.0.0.1" % tls,
                               "https://a.test:%d/env" % tls],
                              capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("https=1 server=a.test on TLSv1.2 True")


@pytest.mark.parametrize("line, message", [
    ("SSLCipherSuite TLSv1.3 TLS_AES_256_GCM_SHA384", "Python's ssl cannot choose TLS 1.3 suites"),
    ("SSLCipherSuite TLS_AES_256_GCM_SHA384", "TLS 1.3 suites (TLS_...) cannot be set"),
    ("SSLCipherSuite NO-SUCH-CIPHER", "OpenSSL matches no cipher"),
    ("SSLProtocol TLSv1 TLSv1.3", "contiguous range"),
    ("SSLProtocol +SSLv3", "SSLv3 is not available"),
])
def test_what_python_ssl_cannot_express_is_a_config_error(tmp_path, line, message):
    conf, _, _ = site(tmp_path, extra_a=line)
    done = subprocess.run(greenphase_command() + ["check", "--config", str(conf)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    line_number = conf.read_text().splitlines().index(line) + 1
    assert "error: %s:%d: %s" % (conf, line_number, "") in done.stderr
    assert message in done.stderr


def test_a_key_that_does_not_match_is_a_config_error(tmp_path):
    conf, _, _ = site(tmp_path)
    conf.write_text(conf.read_text().replace("a.test.key", "b.test.key"))
    done = subprocess.run(greenphase_command() + ["check", "--config", str(conf)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "the certificate or key does not load" in done.stderr


def test_graceful_reload_rereads_the_certificates(tmp_path):
    conf, plain, tls = site(tmp_path)
    command = greenphase_command() + ["serve", "--config", str(conf), "--workers", "1"]
    with Server(conf, plain, command=command) as server:
        first = ssl.DER_cert_to_PEM_cert(
            ssl.PEM_cert_to_DER_cert((tmp_path / "a.test.pem").read_text()))
        assert tls_get(tls, "a.test", tmp_path / "a.test.pem")[0] == "a.test"
        make_cert(tmp_path, "a.test")       # a renewed certificate, same name
        assert (tmp_path / "a.test.pem").read_text() != first
        server.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 60
        while "reloaded: new workers" not in (tmp_path / "error_log").read_text():
            assert time.monotonic() < deadline, "no reload"
            time.sleep(0.05)
        # verified against the NEW certificate only: the new worker serves it
        assert tls_get(tls, "a.test", tmp_path / "a.test.pem")[0] == "a.test"
