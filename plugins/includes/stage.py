"""The INCLUDES output filter: finds ``<!--#element attr="value" ... -->`` in the stream and
runs each element, streaming the text between them (a tag cut across two writes is held
until its end arrives)."""

import re

from greenphase import filters, options_of

from .elements import Document, SSIError

START, END = b"<!--#", b"-->"
_ATTR = re.compile(r'\s*([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\'|`([^`]*)`|(\S+))',
                   re.S)


def parse_tag(text):
    """'echo var="X"' -> ('echo', [('var', 'X')]); raises SSIError for a malformed tag."""
    text = text.strip()
    m = re.match(r"([A-Za-z]+)", text)
    if not m:
        raise SSIError("malformed directive %r" % text[:40])
    element, pos, attrs = m.group(1).lower(), m.end(), []
    while pos < len(text):
        a = _ATTR.match(text, pos)
        if not a:
            if text[pos:].strip():
                raise SSIError("malformed attributes in %r" % text[:60])
            break
        value = next(v for v in a.groups()[1:] if v is not None)
        if a.group(2) is not None or a.group(3) is not None:
            value = re.sub(r"\\([\"'\\])", r"\1", value)
        attrs.append((a.group(1).lower(), value))
        pos = a.end()
    return element, attrs


class IncludesStage(filters.OutputStage):
    ftype = filters.RESOURCE

    def __init__(self, req, next):
        super().__init__(req, next)
        self.doc = None
        self.held = b""
        self.enabled = None

    def _start(self):
        req = self.req
        options = options_of(req.dir_config)
        self.enabled = "includes" in options or "includesnoexec" in options
        if not self.enabled:
            req.log_error("mod_include: Options +Includes (or IncludesNoExec) wasn't set, "
                          "INCLUDES filter removed (%s)" % req.uri)
            return
        self.doc = Document(req, allow_exec="includes" in options)
        out = req.headers_out
        for name in ("Content-Length", "ETag") + (() if req.dir_config["XBitHack"] == "full"
                                                 else ("Last-Modified",)):
            if name in out:
                del out[name]

    def write(self, data, flush):
        if self.enabled is None:
            self._start()
        if not self.enabled:
            self.next.write(data, flush)
            return
        buf = self.held + data
        out = []
        pos = 0
        while True:
            start = buf.find(START, pos)
            if start < 0:
                keep = _partial_start(buf, pos)
                self._text(out, buf[pos:keep])
                self.held = buf[keep:]
                break
            end = buf.find(END, start + len(START))
            if end < 0:
                self._text(out, buf[pos:start])
                self.held = buf[start:]
                break
            self._text(out, buf[pos:start])
            self._element(buf[start + len(START):end], out)
            pos = end + len(END)
        data = b"".join(out)
        if data or flush:
            self.next.write(data, flush)

    def _text(self, out, text):
        if text and self.doc.active:
            out.append(text)

    def _element(self, raw, out):
        doc = self.doc
        was_active = doc.active
        try:
            element, attrs = parse_tag(raw.decode("utf-8", "replace"))
            doc.run(element, attrs, out)
        except SSIError as exc:
            self.req.log_error("SSI error in %s: %s" % (self.req.filename, exc))
            if was_active:
                out.append(doc.errmsg.encode("utf-8"))

    def close(self):
        if self.enabled and self.held:
            held, self.held = self.held, b""
            if self.doc.active:
                self.next.write(held, False)
        if self.enabled and self.doc.stack:
            self.req.log_error("SSI error in %s: missing endif" % self.req.filename)
        self.next.close()


def _partial_start(buf, pos):
    """Where a possible beginning of ``<!--#`` at the end of ``buf`` starts."""
    for n in range(len(START) - 1, 0, -1):
        if len(buf) - pos >= n and buf.endswith(START[:n]):
            return len(buf) - n
    return len(buf)
