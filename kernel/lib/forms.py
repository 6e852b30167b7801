"""Form data shared by every plugin and the mod_python face (mod_python.util's model).

Query strings and urlencoded bodies are parsed by ``kernel.lib.query_strings`` (its
``parse_qs``/``parse_qsl`` are public from here); multipart bodies are streamed through
the ``multipart`` package, uploads into memory and, past 64 KiB, temporary files. Names and values come out
as ``str`` (UTF-8, or the part's charset, falling back to Latin-1 so nothing is lost), where
mod_python 3.5 on Python 3 produced bytes for POSTed fields.
"""

import html
import io
import tempfile
from functools import cached_property

import multipart

from ..lifecycle import constants as C
from ..lifecycle.errors import SERVER_RETURN
from ..lifecycle.tables import Table
from .query_strings import byte_pairs, decode_text, parse_qs, parse_qsl  # noqa: F401 (public here)

MAX_PARTS = 1000            # parts in one multipart body; more is a 400, not a descriptor flood
SPOOL_SIZE = 1 << 16        # an upload moves to a temporary file past this size
READ_BLOCK = 65536


# -- fields --------------------------------------------------------------------------------

class Field:
    """A file upload: ``file`` is positioned at 0, ``value`` reads it whole (bytes)."""

    def __init__(self, name, file=None, filename=None, type="text/plain", type_options=None,
                 disposition=None, disposition_options=None, headers=None):
        self.name = name
        self.file = file
        self.filename = filename
        self.type = type
        self.type_options = type_options or {}
        self.disposition = disposition
        self.disposition_options = disposition_options or {}
        self.headers = headers if headers is not None else Table()

    @property
    def value(self):
        if self.file is None:
            return None
        self.file.seek(0)
        data = self.file.read()
        self.file.seek(0)
        return data

    def __repr__(self):
        return "Field(%r, %r)" % (self.name, self.value)     # mod_python's (reads the file)


class StringField(str):
    """A plain form value: a ``str`` that also answers Field's attributes."""

    filename = None

    def __new__(cls, value, name=None, type="text/plain", type_options=None, disposition=None,
                disposition_options=None, headers=None, file=None):
        self = super().__new__(cls, value)
        self.name = name
        self.type = type
        self.type_options = type_options or {}
        self.disposition = disposition
        self.disposition_options = disposition_options or {}
        self.headers = headers if headers is not None else Table()
        if file is not None:
            self.file = file
        return self

    @property
    def value(self):
        return str(self)

    @cached_property
    def file(self):
        return io.StringIO(self)

    def __repr__(self):
        return "Field(%r, %r)" % (self.name, str(self))       # mod_python's


class FieldList(list):
    """``FieldStorage.list``: the fields in submission order; ``table()`` groups them as
    ``{name: [fields]}`` (mod_python's)."""

    def table(self):
        table = {}
        for field in self:
            table.setdefault(field.name, []).append(field)
        return table


# -- FieldStorage --------------------------------------------------------------------------

class FieldStorage:
    """All form fields of a request: the query string first, then a POST body.

    The body is consumed, so make one per request (the publisher keeps it in ``req.form``).
    ``file_callback(filename)`` / ``field_callback()`` may supply the file object a file
    upload / a plain multipart part is written into.
    """

    def __init__(self, req, keep_blank_values=0, strict_parsing=0, file_callback=None,
                 field_callback=None):
        args = req.args
        if req.method != "POST" and not strict_parsing and (not args or args.isascii()):
            # Nothing to read and nothing parsing could refuse: the fields are made from the
            # query string (as it is now) when first asked for, and the publisher binds its
            # arguments from the pairs without making them at all.
            self._list = None
            self._query = args, keep_blank_values
            return
        self._list = FieldList()
        try:
            if req.args:
                self._add_pairs(parse_qsl(req.args, keep_blank_values, strict_parsing))
            if req.method == "POST":
                self._read_body(req, keep_blank_values, strict_parsing, file_callback, field_callback)
        except ValueError:      # strict_parsing refused a field, or a broken multipart body
            raise SERVER_RETURN(C.HTTP_BAD_REQUEST) from None

    def _read_body(self, req, keep_blank_values, strict_parsing, file_callback, field_callback):
        ctype, options = multipart.parse_options_header(req.headers_in.getfirst("Content-Type") or "")
        length = _declared_length(req)
        limit = req.dir_config["LimitRequestBody"] or 0
        if limit and length is not None and length > limit:
            raise SERVER_RETURN(C.HTTP_REQUEST_ENTITY_TOO_LARGE)
        blocks = _body_blocks(req, limit)
        if ctype in ("", "application/x-www-form-urlencoded"):
            charset = options.get("charset")
            pairs = byte_pairs(b"".join(blocks), keep_blank_values, strict_parsing)
            self._add_pairs((decode_text(n, charset), decode_text(v, charset)) for n, v in pairs)
        elif ctype.startswith("multipart/"):
            if not options.get("boundary"):
                raise SERVER_RETURN(C.HTTP_BAD_REQUEST)
            self._read_multipart(blocks, options["boundary"], -1 if length is None else length,
                                 file_callback, field_callback)
        else:
            raise SERVER_RETURN(C.HTTP_NOT_IMPLEMENTED)

    def _add_pairs(self, pairs):
        self._list.extend([StringField(value, name) for name, value in pairs])

    @property
    def list(self):
        """The fields in submission order (a :class:`FieldList`)."""
        fields = self._list
        if fields is None:
            fields = self._list = FieldList()
            args, keep_blank_values = self._query
            if args:
                self._add_pairs(parse_qsl(args, keep_blank_values))
        return fields

    @list.setter
    def list(self, fields):
        self._list = fields

    def _unbuilt_pairs(self):
        """The (name, value) str pairs of a query-string-only form whose fields were never
        asked for (all plain values, in order), else None: binding arguments needs no more."""
        if self._list is not None:
            return None
        args, keep_blank_values = self._query
        return parse_qsl(args, keep_blank_values) if args else []

    def _read_multipart(self, blocks, boundary, length, file_callback, field_callback):
        """Stream the parts (multipart.MultipartError is a ValueError: 400)."""
        parser = multipart.PushMultipartParser(boundary, content_length=length,
                                               max_segment_count=MAX_PARTS)
        part = None
        for block in blocks:
            for event in parser.parse(block):
                if isinstance(event, multipart.MultipartSegment):
                    part = _Part(event, file_callback, field_callback)
                elif event is not None:
                    part.write(event)
                else:
                    field = part.finish()
                    if field is not None:
                        self.list.append(field)
        parser.close()

    # -- mapping interface ---------------------------------------------------------------
    def getlist(self, name):
        return [field for field in self.list if field.name == name]

    def __getitem__(self, name):
        found = self.getlist(name)
        if not found:
            raise KeyError(name)
        return found[0] if len(found) == 1 else found

    def get(self, name, default=None):
        try:
            return self[name]
        except KeyError:
            return default

    def getfirst(self, name, default=None):
        for field in self.list:
            if field.name == name:
                return field
        return default

    def keys(self):
        return list(dict.fromkeys(field.name for field in self.list))

    def items(self):
        """(name, value or list of values) for each distinct name, in submission order."""
        return [(name, self[name]) for name in self.keys()]

    def has_key(self, name):
        return any(field.name == name for field in self.list)

    __contains__ = has_key

    def __iter__(self):
        return iter(self.keys())

    def __len__(self):
        return len(self.keys())

    def add_field(self, name, value):
        if isinstance(value, Field):
            value.name = name
        else:
            value = StringField(value, name)
        self.list.append(value)

    def __setitem__(self, name, value):
        self.__delitem__(name, missing_ok=True)
        self.add_field(name, value)

    def __delitem__(self, name, missing_ok=False):
        kept = [field for field in self.list if field.name != name]
        if len(kept) == len(self.list) and not missing_ok:
            raise KeyError(name)
        self.list = FieldList(kept)

    def clear(self):
        self.list = FieldList()

    def __repr__(self):
        return repr(self.list.table())      # mod_python's: {name: [Field(...), ...]}


class _Part:
    """One multipart part while it streams: an upload goes to a file, a value to a buffer."""

    def __init__(self, segment, file_callback, field_callback):
        self.segment = segment
        self.own_buffer = False
        if segment.name is None:
            self.sink = None        # a nameless part cannot be addressed: read and dropped
        elif segment.filename is not None:
            # Small uploads stay in memory: a form of many tiny files costs no descriptors.
            self.sink = (file_callback(segment.filename) if file_callback
                         else tempfile.SpooledTemporaryFile(SPOOL_SIZE, "w+b"))
        elif field_callback:
            self.sink = field_callback()
        else:
            self.sink, self.own_buffer = io.BytesIO(), True

    def write(self, data):
        if self.sink is not None:
            self.sink.write(data)

    def finish(self):
        seg, sink = self.segment, self.sink
        if sink is None:
            return None
        sink.seek(0)
        ctype, type_options = multipart.parse_options_header(seg.header("Content-Type", ""))
        # Default text/plain; a type without '/' comes from a broken client (IE6).
        ctype = ctype or "text/plain"
        if "/" not in ctype:
            ctype = "application/octet-stream"
        _, disp_options = multipart.parse_options_header(
            seg.header("Content-Disposition", ""), unquote=multipart.content_disposition_unquote)
        common = dict(type=ctype, type_options=type_options, disposition=seg.disposition,
                      disposition_options=disp_options, headers=Table(seg.headerlist))
        if seg.filename is not None:
            return Field(seg.name, sink, seg.filename, **common)
        data = sink.read()
        sink.seek(0)
        value = decode_text(data, seg.charset) if isinstance(data, bytes) else data
        return StringField(value, seg.name, file=None if self.own_buffer else sink, **common)


def _declared_length(req):
    """The body length a POST announces; None for a chunked body; 411 without either."""
    if req.headers_in.getfirst("Transfer-Encoding"):
        return None
    text = req.headers_in.getfirst("Content-Length")
    if text is None or not text.strip().isdigit():
        raise SERVER_RETURN(C.HTTP_LENGTH_REQUIRED)
    return int(text)


def _body_blocks(req, limit):
    """The request body in blocks; 413 as soon as more than ``limit`` bytes (0: no limit) came."""
    total = 0
    while True:
        block = req.read(READ_BLOCK)
        if not block:
            return
        total += len(block)
        if limit and total > limit:
            raise SERVER_RETURN(C.HTTP_REQUEST_ENTITY_TOO_LARGE)
        yield block


# -- redirect ------------------------------------------------------------------------------

def redirect(req, location, permanent=0, text=None):
    """Answer 301 (``permanent``) or 302 to ``location`` and end the request (DONE)."""
    if not isinstance(location, str):
        raise TypeError("location must be a str, not %s" % type(location).__name__)
    if "\r" in location or "\n" in location:
        raise ValueError("line break in redirect location")
    if req.sent_bodyct:
        raise IOError("cannot redirect after headers have already been sent")
    req.err_headers_out["Location"] = location
    req.status = C.HTTP_MOVED_PERMANENTLY if permanent else C.HTTP_MOVED_TEMPORARILY
    if text is None:
        req.content_type = "text/html"
        text = '<p>The document has moved <a href="%s">here</a>.</p>\n' % html.escape(location)
    req.write(text, 0)
    raise SERVER_RETURN(C.DONE)
