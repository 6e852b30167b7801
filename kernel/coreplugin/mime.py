"""mod_mime: a file's media type and handler from its extensions (AddType, AddHandler,
TypesConfig), then ForceType and SetHandler."""

import mimetypes
import stat

from greenphase import constants as C
from greenphase import hookimpl

DIRECTORY_TYPE = C.DIR_MAGIC_TYPE
MEMO_SIZE = 512             # file names remembered per merged configuration


class MimeTable:
    """Extension -> media type, from TypesConfig or Python's own table."""

    def __init__(self, path=None):
        table = mimetypes.MimeTypes()
        if path:
            table.read(path)
        self.types = {ext.lower(): t for ext, t in table.types_map[True].items()}
        self.types.setdefault(".py", "text/x-python")

    def lookup(self, ext):
        return self.types.get(ext)


_mime_tables = {}


def mime_table(req):
    path = req.server.config["TypesConfig"]
    table = _mime_tables.get(path)
    if table is None:
        table = _mime_tables[path] = MimeTable(path)
    return table


@hookimpl(trylast=True)
def type_checker(req):
    """mod_mime: type and handler from the extensions (AddType, AddHandler, the MIME table),
    then ForceType and SetHandler."""
    config = req.dir_config
    st = req.finfo
    if st is not None and stat.S_ISDIR(st.st_mode):
        req._content_type = DIRECTORY_TYPE
    elif req.filename:
        _types_by_extension(req, config)
    forced = config["ForceType"]
    if forced:
        req.content_type = forced
    handler = config["SetHandler"]
    if handler:
        req.handler = handler
    return C.OK


def _types_by_extension(req, config):
    """mod_mime: every dot-separated extension of the name may set the type and handler.
    The answer depends on the name and the merged configuration only: remembered there."""
    name = req.filename.rstrip("/").rpartition("/")[2]
    known = config.memo.get(name)
    if known is None:
        if len(config.memo) >= MEMO_SIZE:
            config.memo.clear()
        known = config.memo[name] = _lookup_types(req, config, name)
    kind, handler = known
    if kind:
        req._content_type = kind
    if handler:
        req.handler = handler


def _lookup_types(req, config, name):
    kind = handler = None
    handlers = config["AddHandler"]
    removed = config["RemoveHandler"]
    types = config["AddType"]
    table = mime_table(req)
    for ext in name.split(".")[1:]:
        ext = "." + ext.lower()
        kind = types.get(ext) or table.lookup(ext) or kind
        if ext in handlers and not (ext in removed and removed[ext] is None):
            handler = handlers[ext]
    return kind, handler
