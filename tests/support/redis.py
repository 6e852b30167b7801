"""A real ``redis-server`` on a free loopback port, ready when it answers PING."""

import shutil
import socket
import subprocess
import time

INSTALL_HINT = "apt-get install redis-server"
START_TIMEOUT = 20.0


def missing():
    return shutil.which("redis-server") is None


def _ping(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0) as s:
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """``redis-server --port P`` without persistence, in ``directory``; ``url`` for clients."""

    def __init__(self, port, directory):
        self.port = port
        self.url = "redis://127.0.0.1:%d/0" % port
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(directory)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while not _ping(port):      # polls a condition, bounded: not a fixed sleep
            if self.proc.poll() is not None:
                raise RuntimeError("redis-server exited: %s" % self.proc.stdout.read().decode())
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("redis-server did not answer PING within %ss" % START_TIMEOUT)
            time.sleep(0.02)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc.stdout.close()
