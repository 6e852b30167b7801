"""The response of one client exchange: status line, headers, framing and the write buffer.

One :class:`Response` is shared by a request and its internal redirects (one client, one
answer). The request object writes into it and the pipeline resets it for an error page; only
this module decides what goes on the wire and how it is framed (the lines of the head are
made in ``kernel.http.head_lines``). The connection does the socket I/O
(``kernel.http.sending``).
"""

from time import time as _time

from ..lifecycle import constants as C
# header_lines and set_server_header: imported from here by the WSGI entry and the listener
from .head_lines import (DATE_CACHE, KEEP_ALIVE_LINES, STATUS_LINES, TYPE_LINES,  # noqa: F401
                         content_type_line, date_and_server, header_lines, keep_alive_line,
                         set_server_header, status_line)


class Response:
    """What one client will receive, and what of it has gone out."""

    __slots__ = ("conn", "headers_sent", "chunked", "close", "out", "out_len", "bytes_sent",
                 "finished", "content_length", "status_sent", "header_only", "filter",
                 "filtered")

    def __init__(self, conn, header_only=False):
        self.conn = conn
        self.header_only = header_only  # the client asked HEAD (an ErrorDocument GET keeps it)
        self.headers_sent = False
        self.chunked = False
        self.close = False          # close-delimited body (HTTP/1.0 without a length)
        self.out = []               # buffered body pieces not yet on the wire
        self.out_len = 0
        self.bytes_sent = 0         # body bytes handed to the socket
        self.finished = False
        self.content_length = None  # set_content_length()
        self.status_sent = None
        self.filter = None          # the output filter chain (kernel.lib.filters), if any
        self.filtered = False       # a chain was set: lengths the handler declares do not hold

    # -- what the request and the pipeline ask -------------------------------------------
    def write(self, req, data, flush):
        """Buffer ``data`` (bytes); with ``flush``, send headers (first time) and the buffer.
        With an output filter chain the data goes through it first (it ends in raw_write)."""
        if self.filter is not None:
            self.filter.write(req, data, flush)
            return
        if data:
            # a copy of a bytearray or memoryview the caller may change; bytes stay as they are
            self.out.append(data if type(data) is bytes else bytes(data))
            self.out_len += len(data)
        if flush:
            self.flush(req)

    def raw_write(self, req, data, flush):
        """The end of an output filter chain: what the filters pass on, framed as usual."""
        if data:
            self.out.append(bytes(data))
            self.out_len += len(data)
        if flush:       # through flush(), which a framing of its own (WSGI) overrides
            chain, self.filter = self.filter, None
            try:
                self.flush(req)
            finally:
                self.filter = chain

    def set_filter(self, chain):
        """Route the body through ``chain`` (``write(req, data, flush)``, ``close(req)``).
        A length the handler declared no longer holds: the filtered length is framed."""
        self.filter = chain
        self.filtered = True
        self.content_length = None

    def drop_connection(self):
        """This exchange ends the connection (a refused body, or a status Apache closes on)."""
        self.conn.close_after = True

    def forget_length(self):
        """An internal redirect: the new request declares its own length."""
        if not self.headers_sent:
            self.content_length = None

    def reset_for_error(self, req, status):
        """Drop what the failed request prepared, for an error page with ``status``: its
        buffered body, declared length, headers_out (a Location of a redirect status survives
        in err_headers_out), status line and type. Nothing to drop once headers went out."""
        req._error_path = True      # response_start hooks are told (mod_headers' "always")
        if self.headers_sent:
            return
        self.filter = None          # an error page goes out unfiltered
        self.filtered = False
        self.out.clear()
        self.out_len = 0
        self.content_length = None
        if (300 <= status < 400 or status == 201) and "Location" in req.headers_out \
                and "Location" not in req.err_headers_out:
            req.err_headers_out["Location"] = req.headers_out.getfirst("Location")
        req.headers_out.clear()
        req.status = status
        req.status_line = None
        req._content_type = "text/html; charset=iso-8859-1"
        allowed = getattr(req, "allowed_methods", None)
        if status in (405, 501) and allowed:
            req.err_headers_out["Allow"] = ", ".join(allowed)

    # -- framing ---------------------------------------------------------------------------
    def _head_bytes(self, req, length):
        """Status line and headers; decides framing. ``length`` is the whole body's, if known."""
        pipeline = req.site.pipeline
        if pipeline.impls["response_start"]:
            pipeline.response_start(req)
        # headers_out and err_headers_out are made on first use: none made, none to send.
        fields = req.__dict__
        out = fields.get("headers_out")
        text = header_lines(req).encode("latin-1", "replace") \
            if out or fields.get("err_headers_out") else b""
        content_type = req._content_type
        if content_type:
            charset = req.dir_config["AddDefaultCharset"]
            type_line = TYPE_LINES.get((content_type, charset))
            if type_line is None:
                type_line = content_type_line(req, content_type, charset)
        conn = self.conn
        status = req.status
        no_body = status < 200 or status == 204 or status == 304
        if length is None and self.content_length is None and not self.filtered and out:
            declared = out.getfirst("Content-Length")    # set by hand, as old code does
            if declared is not None and declared.strip().isdigit():
                self.content_length = int(declared)
        if no_body:
            pass
        elif length is not None:
            text += b"Content-Length: %d\r\n" % length
        elif self.content_length is not None and not self.filtered:
            text += b"Content-Length: %d\r\n" % self.content_length
        elif self.header_only:
            pass
        elif req.proto_num >= 1001:
            self.chunked = True
            text += b"Transfer-Encoding: chunked\r\n"
        else:
            self.close = True
        server = req.server
        limit = server.keep_alive_max
        # Connection.keep_alive_ok, inlined: the head says what serve_request then does
        if not self.close and not conn.close_after and not conn.site.stopping \
                and req._head.keep_alive and server.keep_alive \
                and not (limit and conn.keepalives >= limit):
            left = max(limit - conn.keepalives, 0) if limit else None
            key = (req.proto_num < 1001, server.keep_alive_timeout, left)
            line = KEEP_ALIVE_LINES.get(key)
            if line is None:
                line = keep_alive_line(key)
            text += line
        else:
            self.close = True
            text += b"Connection: close\r\n"
        if content_type and not no_body:
            text += type_line
        self.headers_sent = True
        self.status_sent = status
        custom = req.status_line
        line = None if custom else STATUS_LINES.get(status)
        if line is None:
            line = status_line(status, custom)
        now = int(_time())
        if DATE_CACHE[0] != now:
            date_and_server()
        return line + DATE_CACHE[1] + text + b"\r\n"

    def flush(self, req):
        """Send the headers (first time) and whatever body is buffered."""
        if self.filter is not None:
            self.filter.write(req, b"", True)
            return
        self._send(req)

    def _send(self, req):
        out = self.out
        if out:
            data = out[0] if len(out) == 1 else b"".join(out)
            out.clear()
        else:
            data = b""
        self.out_len = 0
        head = b"" if self.headers_sent else self._head_bytes(req, None)
        status = self.status_sent
        if data and (self.header_only or status < 200 or status == 204 or status == 304):
            data = b""
        if data:
            self.bytes_sent += len(data)
            if self.chunked:
                data = b"%x\r\n%s\r\n" % (len(data), data)
        if head or data:
            self.conn.queue(head + data)

    def finish(self, req):
        """End the response: one send with Content-Length when nothing went out yet."""
        if self.finished:
            return
        if self.filter is not None:     # end of stream: the filters pass on what they hold
            chain, self.filter = self.filter, None
            chain.close(req)
            self.content_length = None      # the handler's length was the unfiltered body's
        if not self.headers_sent:
            length = self.out_len if self.content_length is None else None
            head = self._head_bytes(req, length)
            self.finished = True
            out = self.out
            body = (out[0] if len(out) == 1 else b"".join(out)) if out else b""
            out.clear()
            status = self.status_sent
            if body and (self.header_only or status < 200 or status == 204 or status == 304):
                body = b""
            self.bytes_sent += len(body)
            self.conn.send_raw(head + body)
        else:
            self.finished = True
            if self.out:
                self._send(req)
            self.conn.send_raw(b"0\r\n\r\n" if self.chunked else b"")
        if self.content_length is not None and not self.header_only \
                and not C.has_no_body(self.status_sent) and self.bytes_sent != self.content_length:
            # The body did not match its declared length: the client cannot find the next
            # response, so this connection ends here.
            self.conn.close_after = True
            req.log_error("response body of %d bytes, but Content-Length said %d"
                          % (self.bytes_sent, self.content_length))
