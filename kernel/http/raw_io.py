"""A connection handler's view of the socket (mod_python's ``conn.read``, ``readline``,
``write``): bytes as the client sends them, before (and instead of) any HTTP parsing.

Reads wait at most the server's ``Timeout``; a client that went away reads as EOF (``b""``)
once, and reading again raises ``ClientGone``, which ends the handler: mod_python's own echo
example loops ``conn.write(conn.readline())`` forever and relied on Apache failing the write.
"""

import time

from ..lifecycle.errors import ClientGone

RAW_CHUNK = 8192


class RawIO:
    """Mixed into ``Connection``; ``self._raw_in`` holds what was received but not yet read."""

    _raw_in = b""
    _raw_eof = False

    def _recv_some(self):
        if self._raw_eof:
            raise ClientGone("the client closed the connection")
        self.deadline = time.monotonic() + self.base_server.timeout
        try:
            data = self.sock.recv(RAW_CHUNK)
        except OSError:
            data = b""
        finally:
            self.deadline = 0.0
        if not data:
            self._raw_eof = True
        return data

    def read(self, length=-1):
        """Up to ``length`` bytes (all until EOF when negative); at least one byte unless
        the client closed, as mod_python's ``conn.read`` blocks for some input."""
        if length is None or length < 0:
            chunks = [self._raw_in]
            self._raw_in = b""
            while data := self._recv_some():
                chunks.append(data)
            return b"".join(chunks)
        if not self._raw_in:
            self._raw_in = self._recv_some()
        data, self._raw_in = self._raw_in[:length], self._raw_in[length:]
        return data

    def readline(self, length=-1):
        """One line with its ``\\n`` (or fewer bytes at EOF, or ``length`` bytes at most)."""
        buf = self._raw_in
        while b"\n" not in buf and (length < 0 or len(buf) < length):
            data = self._recv_some()
            if not data:
                break
            buf += data
        end = buf.find(b"\n") + 1 or len(buf)
        if length >= 0:
            end = min(end, length)
        line, self._raw_in = buf[:end], buf[end:]
        return line

    def write(self, data):
        if isinstance(data, str):
            data = data.encode("latin-1")
        self.deadline = time.monotonic() + self.base_server.timeout
        self.sending = True
        try:
            self.sock.sendall(data)
        except OSError as exc:
            raise ClientGone(str(exc)) from None
        finally:
            self.sending = False
            self.deadline = 0.0
