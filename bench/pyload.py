"""Fallback load generator for run.py when wrk is missing.

N gevent greenlets, each with one keep-alive connection (renewed when the server ends it), send GET URL back to back for
DURATION seconds. Prints "<responses> <non-2xx responses> <seconds>".
Usage: pyload.py URL N DURATION [HEADER ...]   (e.g. "Authorization: Basic ...")
"""

import sys
import time
from urllib.parse import urlsplit

import gevent
import httptools
from gevent import socket


class Client:
    def __init__(self, host, port, request):
        self.address = (host, port)
        self.request = request
        self.done = self.bad = 0
        self.connect()

    def connect(self):
        """A new connection (also after the server ends one, e.g. MaxKeepAliveRequests)."""
        self.sock = socket.create_connection(self.address)
        self.parser = httptools.HttpResponseParser(self)
        self.complete = False

    def on_message_complete(self):
        self.complete = True
        if not 200 <= self.parser.get_status_code() < 300:
            self.bad += 1

    def loop(self, deadline):
        while time.monotonic() < deadline:
            self.complete = False
            self.sock.sendall(self.request)
            while not self.complete:
                data = self.sock.recv(65536)
                if not data:
                    raise ConnectionError("server closed the connection before answering")
                self.parser.feed_data(data)
            self.done += 1
            if not self.parser.should_keep_alive():
                self.sock.close()
                self.connect()


def main():
    url, count, duration = urlsplit(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    target = url.path + ("?" + url.query if url.query else "")
    extra = "".join(header + "\r\n" for header in sys.argv[4:])
    request = f"GET {target} HTTP/1.1\r\nHost: {url.netloc}\r\n{extra}\r\n".encode()
    clients = [Client(url.hostname, url.port, request) for _ in range(count)]
    start = time.monotonic()
    gevent.joinall([gevent.spawn(c.loop, start + duration) for c in clients], raise_error=True)
    elapsed = time.monotonic() - start
    print(sum(c.done for c in clients), sum(c.bad for c in clients), f"{elapsed:.3f}")


if __name__ == "__main__":
    main()
