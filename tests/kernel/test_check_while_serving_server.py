"""`greenphase check` before a reload: the running server's own Listen address is not "taken";
an address some other process holds still is."""

import socket
import subprocess
import sys
from pathlib import Path

GREENPHASE = str(Path(sys.executable).parent / "greenphase")


def check(config):
    return subprocess.run([GREENPHASE, "check", "--config", str(config)], capture_output=True,
                          text=True, timeout=60)


def test_check_passes_while_the_site_it_checks_is_serving(serve, tmp_path):
    (tmp_path / "htdocs").mkdir()
    server = serve('DocumentRoot "%s/htdocs"\n' % tmp_path, cwd=str(tmp_path))
    result = check(server.config_file)
    assert result.returncode == 0, result.stderr
    assert ("Listen 127.0.0.1:%d: held by the greenphase serving this configuration (pid "
            % server.port) in result.stderr


def test_check_refuses_an_address_another_process_holds(tmp_path):
    (tmp_path / "htdocs").mkdir()
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        conf = tmp_path / "site.conf"
        conf.write_text('Listen 127.0.0.1:%d\nDocumentRoot "%s/htdocs"\n' % (port, tmp_path))
        result = check(conf)
    assert result.returncode == 1
    assert "Listen 127.0.0.1:%d: the address is held by another process" % port in result.stderr
