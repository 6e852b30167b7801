"""What llhttp (httptools) delivers for one connection, held to Apache's limits.

``RequestParsing`` is the parser's protocol object (the callbacks) and the feeding of received
bytes; ``kernel.http.connection.Connection`` is one. Limits: LimitRequestLine (414),
LimitRequestFieldSize and LimitRequestFields for header and trailer fields (400), and
LimitRequestFieldSize for a chunk-size line with its extensions (413, as Apache answers).
"""

import httptools

from .head import BadRequest

# The parser is fed at most this much at a time: httptools has no callback for chunk
# extensions, so a chunk-size line that runs on is noticed by the bytes that produce no event
# (within one slice past the limit).
FEED_SLICE = 4096


class Message:
    """One request as the parser delivers it: head, then body pieces."""

    __slots__ = ("url", "headers", "head_done", "body", "complete", "method", "version",
                 "keep_alive", "header_bytes", "url_bytes", "events", "framing", "in_trailers")

    def __init__(self):
        self.url = []
        self.headers = []
        self.head_done = False
        self.body = []
        self.complete = False
        self.header_bytes = 0       # raw bytes received before the head was complete
        self.url_bytes = 0
        self.events = 0             # parser events: head done, body pieces, chunks, trailers
        self.framing = 0            # bytes fed since the last event after the head
        self.in_trailers = False    # after the last (empty) chunk


class RequestParsing:
    """The httptools callbacks and feeding; needs ``limit_req_line``, ``limit_req_fieldsize``,
    ``limit_req_fields``, ``messages`` (heads ready to serve), ``msg``, ``current`` (the one
    being served) and ``failed``."""

    def on_message_begin(self):
        self.msg = Message()

    def on_url(self, url):
        msg = self.msg
        msg.url.append(url)
        msg.url_bytes += len(url)
        if msg.url_bytes > self.limit_req_line:
            raise BadRequest(414, "request line longer than LimitRequestLine")

    def on_header(self, name, value):
        msg = self.msg
        if len(name) + len(value) + 2 > self.limit_req_fieldsize:
            raise BadRequest(400, "Size of a request header field exceeds server limit.")
        msg.headers.append((name, value))
        msg.events += 1
        if len(msg.headers) > self.limit_req_fields:
            raise BadRequest(400, "The number of request header fields exceeds this server's limit.")

    def on_headers_complete(self):
        msg = self.msg
        msg.head_done = True
        msg.events += 1
        msg.method = self.parser.get_method().decode("ascii", "replace")
        msg.version = self.parser.get_http_version()
        if msg.version[0] == "0":
            # Answered as HTTP/1.1 it would need a Host; answered as 0.9 it has no head at all.
            raise BadRequest(400, "HTTP/0.9 request refused")
        msg.keep_alive = self.parser.should_keep_alive()
        self.messages.append(msg)

    def on_body(self, body):
        msg = self.msg
        msg.body.append(body)
        msg.events += 1
        msg.in_trailers = False

    def on_chunk_header(self):
        msg = self.msg
        msg.events += 1
        msg.in_trailers = True      # until a body piece shows it was not the last chunk

    def on_chunk_complete(self):
        msg = self.msg
        msg.events += 1
        msg.in_trailers = False

    def on_message_complete(self):
        self.msg.complete = True

    # -- feeding -------------------------------------------------------------------------
    def feed_parser(self, data):
        """Parse received bytes; a BadRequest for a request after complete ones is kept in
        ``failed`` until they are answered."""
        try:
            if len(data) <= FEED_SLICE:
                self._feed(data)
            else:
                view = memoryview(data)
                for start in range(0, len(data), FEED_SLICE):
                    self._feed(view[start:start + FEED_SLICE])
        except BadRequest as exc:
            if not self._defer(exc):
                raise

    def _feed(self, data):
        msg = self.msg
        mark = msg.events if msg is not None else 0
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            pass
        except httptools.HttpParserCallbackError as exc:
            cause = exc.__context__
            raise cause if isinstance(cause, BadRequest) else BadRequest(400, str(exc)) from None
        except httptools.HttpParserError as exc:
            raise BadRequest(400, str(exc)) from None
        if msg is None or msg is not self.msg or not msg.head_done or msg.complete:
            return
        # Bytes after the head that produced no event all belong to one chunked-framing line.
        if msg.events != mark:
            msg.framing = 0
            return
        msg.framing += len(data)
        if msg.framing > self.limit_req_fieldsize:
            if msg.in_trailers:
                raise BadRequest(400, "Size of a request trailer field exceeds server limit.")
            raise BadRequest(413, "chunk-size line longer than LimitRequestFieldSize")

    def _defer(self, exc):
        """A request later in a pipeline is malformed: the complete ones before it are answered
        first, then ``exc`` (Apache does the same). False when it is the one being served."""
        queued = [m for m in self.messages if m.complete]
        current = self.current
        if not queued and (current is None or not current.complete):
            return False
        self.messages = queued      # an incomplete one is the malformed request itself
        self.failed = exc
        return True
