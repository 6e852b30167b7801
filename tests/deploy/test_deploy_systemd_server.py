"""systemd: readiness through a fake NOTIFY_SOCKET, socket activation through LISTEN_FDS."""

import functools
import signal
import socket
import subprocess

from conftest import serve_command
from support.server import Server


def test_notify_socket_gets_ready_reloading_stopping(site, arbiter, tmp_path):
    path = str(tmp_path / "notify")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as notify:
        notify.bind(path)
        notify.settimeout(30)
        server = arbiter(site, workers=1, env={"NOTIFY_SOCKET": path})
        assert notify.recv(4096).decode().splitlines()[0] == "READY=1"
        server.proc.send_signal(signal.SIGHUP)
        assert notify.recv(4096).decode().splitlines()[0] == "RELOADING=1"
        assert notify.recv(4096).decode().splitlines()[0] == "READY=1"
        server.proc.send_signal(signal.SIGTERM)
        assert notify.recv(4096).decode() == "STOPPING=1"
        assert server.proc.wait(30) == 0


def test_socket_activation_serves_the_passed_socket(site, monkeypatch):
    with socket.socket() as passed:
        passed.bind(("127.0.0.1", 0))
        passed.listen()
        port = passed.getsockname()[1]
        fd = passed.fileno()
        # As systemd does: the socket as descriptor 3, LISTEN_PID naming the server itself.
        script = 'exec 3<&%d %d<&-; LISTEN_PID=$$ LISTEN_FDS=1 exec "$@"' % (fd, fd)
        command = ["bash", "-c", script, "bash"] + serve_command(site.config, "--workers", "1")
        monkeypatch.setattr(subprocess, "Popen", functools.partial(subprocess.Popen, pass_fds=[fd]))
        server = Server(site.config, port, command=command)
        monkeypatch.undo()
        try:
            assert server.url == "http://127.0.0.1:%d/" % port
            assert site.get("/", port=port).status == 200
            with socket.socket() as probe:          # the Listen line was not bound
                assert probe.connect_ex(("127.0.0.1", site.port)) != 0
            assert "socket activation" in server.stderr
        finally:
            server.stop()
