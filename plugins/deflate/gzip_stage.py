"""The DEFLATE output filter: gzip framing with zlib, decided at the first byte.

Compresses only when the client accepts gzip (``Accept-Encoding`` with q-values: ``gzip;q=0``
refuses, ``identity`` alone means no, ``*`` counts for gzip when gzip is not named), and the
response has a body to compress: not HEAD, not 204/304 (or any bodiless status), not a 206
or a response with ``Content-Range``, not one already ``Content-Encoding``-ed. ``Vary:
Accept-Encoding`` is added whenever the choice depended on the request header.
"""

import zlib

from greenphase import constants as C, filters


def accepts_gzip(header):
    """Does an ``Accept-Encoding`` value allow gzip?"""
    if not header:
        return False
    star = None
    for item in header.split(","):
        coding, _, params = item.strip().partition(";")
        coding = coding.strip().lower()
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if coding in ("gzip", "x-gzip"):
            return q > 0
        if coding == "*":
            star = q > 0
    return bool(star)


def _add_vary(req):
    vary = req.headers_out.get("Vary")
    if vary is None:
        req.headers_out["Vary"] = "Accept-Encoding"
    elif "accept-encoding" not in vary.lower() and vary.strip() != "*":
        req.headers_out["Vary"] = vary + ",Accept-Encoding"


class DeflateStage(filters.OutputStage):
    ftype = filters.CONTENT_SET

    def __init__(self, req, next):
        super().__init__(req, next)
        self.decided = False
        self.compressor = None

    def _decide(self):
        self.decided = True
        req = self.req
        out = req.headers_out
        encoding = (out.get("Content-Encoding") or req.err_headers_out.get("Content-Encoding") or "")
        if C.has_no_body(req.status) or req.status == 206 or "Content-Range" in out \
                or (encoding and encoding.lower() != "identity"):
            return
        _add_vary(req)
        if req.header_only or not accepts_gzip(req.headers_in.get("Accept-Encoding")):
            return
        out["Content-Encoding"] = "gzip"
        if "Content-Length" in out:
            del out["Content-Length"]
        etag = out.get("ETag")
        if etag and etag.endswith('"'):
            out["ETag"] = etag[:-1] + '-gzip"'
        level = req.dir_config["DeflateCompressionLevel"]
        self.compressor = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)

    def write(self, data, flush):
        if not self.decided:
            self._decide()
        c = self.compressor
        if c is None:
            self.next.write(data, flush)
            return
        piece = c.compress(data) if data else b""
        if flush:
            piece += c.flush(zlib.Z_SYNC_FLUSH)     # a flush reaches the client decodable
        if piece or flush:
            self.next.write(piece, flush)

    def close(self):
        if not self.decided:
            self._decide()
        if self.compressor is not None:
            self.next.write(self.compressor.flush(), False)
            self.compressor = None
        self.next.close()
