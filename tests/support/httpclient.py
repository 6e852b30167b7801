"""Raw HTTP over a socket: send exact bytes, read one complete response.

The golden cases are recorded as raw request bytes, so tests must be able to send them
unchanged and see the framing (chunked, Content-Length, close-delimited) the server chose.
"""

import socket
from dataclasses import dataclass, field

NO_BODY_STATUSES = {204, 304}


@dataclass
class Response:
    status: int
    reason: str
    version: str
    headers: list                    # [(name, value)] in wire order
    body: bytes                      # de-chunked
    framing: str                     # 'chunked' | 'length' | 'close' | 'none'
    raw: bytes = b""                 # exactly what was read for this response
    trailers: list = field(default_factory=list)

    def header(self, name, default=None):
        """Last value of header `name` (case-insensitive)."""
        name = name.lower()
        for key, value in reversed(self.headers):
            if key.lower() == name:
                return value
        return default

    def header_all(self, name):
        name = name.lower()
        return [value for key, value in self.headers if key.lower() == name]

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


def build_request(method, path, port, headers=None, body=None, version="HTTP/1.1", close=True):
    """Request bytes shaped like the recorder's (Host, then headers, Content-Length)."""
    lines = [f"{method} {path} {version}", f"Host: 127.0.0.1:{port}"]
    for key, value in (headers or {}).items():
        lines.append(f"{key}: {value}")
    data = b""
    if body is not None:
        data = body.encode() if isinstance(body, str) else body
        lines.append(f"Content-Length: {len(data)}")
    if close and version == "HTTP/1.1":
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + data


class Connection:
    """One client connection; several requests may be sent on it (keep-alive)."""

    def __init__(self, port, host="127.0.0.1", timeout=10.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buffer = b""

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, raw):
        self.sock.sendall(raw)

    def _fill(self):
        data = self.sock.recv(65536)
        self.buffer += data
        return bool(data)

    def _read_until(self, marker):
        while marker not in self.buffer:
            if not self._fill():
                raise ConnectionError(f"connection closed before {marker!r}; got {self.buffer[:200]!r}")
        head, _, self.buffer = self.buffer.partition(marker)
        return head

    def _read_exact(self, n):
        while len(self.buffer) < n:
            if not self._fill():
                raise ConnectionError(f"connection closed with {len(self.buffer)} of {n} body bytes")
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def read_to_close(self):
        while self._fill():
            pass
        data, self.buffer = self.buffer, b""
        return data

    def read_response(self, method="GET"):
        raw_parts = []
        head = self._read_until(b"\r\n\r\n")
        raw_parts.append(head + b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        version, _, rest = lines[0].partition(" ")
        code, _, reason = rest.partition(" ")
        headers = []
        for line in lines[1:]:
            key, _, value = line.partition(":")
            headers.append((key.strip(), value.strip()))
        response = Response(int(code), reason, version, headers, b"", "none")
        te = (response.header("Transfer-Encoding") or "").lower()
        length = response.header("Content-Length")
        if method == "HEAD" or response.status in NO_BODY_STATUSES or 100 <= response.status < 200:
            pass
        elif "chunked" in te:
            response.framing = "chunked"
            response.body, response.trailers, raw_body = self._read_chunked()
            raw_parts.append(raw_body)
        elif length is not None:
            response.framing = "length"
            response.body = self._read_exact(int(length))
            raw_parts.append(response.body)
        else:
            response.framing = "close"
            response.body = self.read_to_close()
            raw_parts.append(response.body)
        response.raw = b"".join(raw_parts)
        return response

    def _read_chunked(self):
        body, raw = [], []
        while True:
            size_line = self._read_until(b"\r\n")
            raw.append(size_line + b"\r\n")
            size = int(size_line.split(b";")[0].strip(), 16)
            if size == 0:
                break
            chunk = self._read_exact(size + 2)
            raw.append(chunk)
            if chunk[-2:] != b"\r\n":
                raise ValueError(f"chunk of {size} bytes not followed by CRLF")
            body.append(chunk[:-2])
        trailers = []
        while True:
            line = self._read_until(b"\r\n")
            raw.append(line + b"\r\n")
            if not line:
                break
            key, _, value = line.decode("latin-1").partition(":")
            trailers.append((key.strip(), value.strip()))
        return b"".join(body), trailers, b"".join(raw)

    def request(self, raw, method=None):
        """Send raw request bytes and read its response."""
        self.send(raw)
        return self.read_response(method or raw.split(b" ", 1)[0].decode())


def exchange(port, raw, timeout=10.0):
    """Send exact bytes on a fresh connection and return the parsed response."""
    with Connection(port, timeout=timeout) as conn:
        return conn.request(raw)


def get(port, path, headers=None, method="GET", body=None, version="HTTP/1.1"):
    """Convenience: one request on a fresh connection (Connection: close)."""
    return exchange(port, build_request(method, path, port, headers, body, version))

