"""A CGI script's standard input and output, over one request.

``CGIStdin`` reads the request body (text, and bytes through ``.buffer``: the standard
library's ``cgi.FieldStorage`` reads ``sys.stdin.buffer``). ``CGIStdout`` takes the CGI
header block the script prints first (``Status:``, ``Content-Type:``, ``Location:``, any
other header), then sends the rest as the body.
"""

import io

BODY_FLUSH = 1 << 16    # buffered body bytes before they are pushed to the client


class NullIO(io.TextIOBase):
    """A stream that reads nothing and swallows what is written."""

    def read(self, size=-1):
        return ""

    def readline(self, size=-1):
        return ""

    def write(self, text):
        return len(text)

    def isatty(self):
        return False


class _Body(io.RawIOBase):
    def __init__(self, req):
        self._req = req

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self._req.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def CGIStdin(req, encoding="utf-8"):
    """The body of ``req`` as a text stream (``.buffer`` for bytes)."""
    return io.TextIOWrapper(io.BufferedReader(_Body(req)), encoding=encoding,
                            errors="surrogateescape", newline="")


class MalformedHeader(ValueError):
    """The script's header block has a line that is no ``Name: value``."""


class _Output(io.RawIOBase):
    """The byte side of stdout: header block first, then the body."""

    def __init__(self, req):
        self.req = req
        self.headers_done = False
        self._head = b""
        self._pending = 0
        self.finished = False

    def writable(self):
        return True

    def write(self, data):
        data = bytes(data)
        taken = len(data)       # all of it, always: a short count makes the caller re-send
        if not self.headers_done:
            self._head += data
            end, sep = _header_end(self._head)
            if end < 0:
                return taken
            head, body = self._head[:end], self._head[end + len(sep):]
            self._head = b""
            self._apply_headers(head)
            self.headers_done = True
            data = body
        if data:
            self._pending += len(data)
            flush = self._pending >= BODY_FLUSH
            self.req.write(data, 1 if flush else 0)
            if flush:
                self._pending = 0
        return taken

    def _apply_headers(self, head):
        req = self.req
        status = None
        for line in head.replace(b"\r\n", b"\n").split(b"\n"):
            name, colon, value = line.decode("latin-1").partition(":")
            name, value = name.strip(), value.strip()
            if not colon or not name:
                raise MalformedHeader("malformed header from script: %r" % line[:200])
            lower = name.lower()
            if lower == "status":
                status = value
            elif lower == "content-type":
                req.content_type = value
            else:
                req.headers_out.add(name, value)
        if status is not None:
            code = status.split(" ", 1)[0]
            if not (len(code) == 3 and code.isdigit()):
                raise MalformedHeader("malformed Status header from script: %r" % status)
            req.status = int(code)
            if " " in status:
                req.status_line = status
        elif "Location" in req.headers_out:
            req.status = 302        # as Apache's mod_cgi: a Location alone is a redirect

    def push(self):
        """The script flushed stdout: what it wrote goes to the client now."""
        if self.headers_done and not self.finished:
            self._pending = 0
            self.req.flush()

    def finish(self):
        """End of script: the header block must have ended."""
        self.finished = True
        if not self.headers_done:
            what = "an unfinished header block" if self._head.strip() else "no output"
            raise MalformedHeader("end of script output before headers (the script printed "
                                  "%s; a CGI script prints headers, a blank line, then the "
                                  "body)" % what)


def _header_end(head):
    """Where the header block ends (CRLF CRLF, or LF LF as many scripts print), or -1."""
    crlf, lf = head.find(b"\r\n\r\n"), head.find(b"\n\n")
    if crlf >= 0 and (lf < 0 or crlf < lf):
        return crlf, b"\r\n\r\n"
    return lf, b"\n\n"


class CGIStdout(io.TextIOWrapper):
    """What a CGI script prints goes to ``req``: headers, a blank line, the body."""

    def __init__(self, req, encoding="utf-8"):
        self.raw_output = _Output(req)
        super().__init__(io.BufferedWriter(self.raw_output), encoding=encoding,
                         errors="surrogateescape", newline="\n", write_through=True)

    def flush(self):
        super().flush()
        self.raw_output.push()

    def finish(self):
        """The script ended: send what is left (``MalformedHeader`` if it printed no header
        block)."""
        super().flush()
        self.raw_output.finish()
