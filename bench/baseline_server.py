"""The yardstick: the least a gevent + httptools server can do to answer "Hello World!".

Keep-alive, no routing, no request object. Prints `listening on http://HOST:PORT/` when ready.
Usage: baseline_server.py PORT
"""

import signal
import sys

import gevent
import httptools
from gevent.server import StreamServer

BODY = b"Hello World!"
KEEP = (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s"
        % (len(BODY), BODY))
CLOSE = KEEP.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n", 1)


class Connection:
    def __init__(self, sock):
        self.sock = sock
        self.parser = httptools.HttpRequestParser(self)
        self.pending = []

    def on_message_complete(self):
        self.pending.append(self.parser.should_keep_alive())

    def serve(self):
        while True:
            data = self.sock.recv(65536)
            if not data:
                return
            self.parser.feed_data(data)
            for keep_alive in self.pending:
                self.sock.sendall(KEEP if keep_alive else CLOSE)
                if not keep_alive:
                    return
            self.pending.clear()


def handle(sock, address):
    try:
        Connection(sock).serve()
    except (httptools.HttpParserError, OSError):
        pass


def main():
    server = StreamServer(("127.0.0.1", int(sys.argv[1])), handle, backlog=1024)
    server.start()
    print(f"listening on http://127.0.0.1:{server.server_port}/", flush=True)
    gevent.signal_handler(signal.SIGTERM, server.stop)
    server.serve_forever()


if __name__ == "__main__":
    main()
