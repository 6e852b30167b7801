"""The static plugin: Apache's default handler, serving ``req.filename`` as it is.

It answers last in the content phase, for every request no other plugin answered: with
``req.handler`` unset or ``default-handler``, and also (as Apache's core does) for a handler
name nobody serves (``SetHandler text_html``, ``SetHandler mod_python`` without a
``PythonHandler``), with Apache's warning ``handler "x" not found for: file`` in the error log.
That fallback never sends Python or PSP source (403): mod_python's Apache would have.
Validators (Last-Modified, ETag), conditional requests, byte ranges and HEAD are handled;
files are streamed in blocks with their length announced, so a large file never sits in memory.
A small file is kept in memory with its validators (``cache.py``): while the path walk's stat
of this request shows the same file, it is served without opening it.
"""

import os
import stat

from greenphase import hookimpl
from greenphase import constants as C
from greenphase import options_of

from .cache import FileCache
from .listing import listing
from .sending import send_file

ALLOWED = ("GET", "HEAD", "OPTIONS")
CACHE = FileCache()         # per process: each worker keeps its own


@hookimpl(trylast=True)
def handler(req):
    """Apache's default handler: send the file (conditional requests, ranges, HEAD,
    OPTIONS)."""
    if req.handler not in (None, C.DEFAULT_HANDLER):
        refused = unclaimed(req)
        if refused is not None:
            return refused
    req.allow_methods(ALLOWED)      # the kernel's 405/501 answers send them as Allow
    if req.method not in C.METHODS and req.method != "HEAD":
        return C.HTTP_NOT_IMPLEMENTED
    if req.method == "OPTIONS":
        req.headers_out["Allow"] = ", ".join(ALLOWED)
        req.set_content_length(0)
        return C.OK
    st = req.finfo
    if st is None:
        CACHE.forget(req.filename)
        req.log_error("File does not exist: %s" % req.filename, C.APLOG_INFO)
        return C.HTTP_NOT_FOUND
    if stat.S_ISDIR(st.st_mode):
        if req.method not in ("GET", "HEAD"):
            req.discard_request_body()
            return C.HTTP_METHOD_NOT_ALLOWED
        page = listing(req) if "indexes" in options_of(req.dir_config) else None
        if page is None:
            req.log_error("Cannot serve directory %s: no DirectoryIndex file found" % req.filename)
            return C.HTTP_FORBIDDEN
        req.content_type = "text/html;charset=UTF-8"
        req.write(page, 0)
        return C.OK
    if req.path_info and not accepts_path_info(req):
        req.log_error("File does not exist: %s%s" % (req.filename, req.path_info), C.APLOG_INFO)
        return C.HTTP_NOT_FOUND
    if req.method not in ("GET", "HEAD"):
        req.discard_request_body()
        return C.HTTP_METHOD_NOT_ALLOWED
    if not stat.S_ISREG(st.st_mode):
        # A FIFO or a device would block the whole process on open() or read().
        req.log_error("Not a regular file: %s" % req.filename)
        return C.HTTP_FORBIDDEN
    entry = CACHE.get(req.filename, st)
    if entry is not None:
        return send_file(req, entry.body, st, entry)
    try:
        fd = os.open(req.filename, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        req.log_error("Cannot read %s: %s" % (req.filename, exc.strerror))
        return C.HTTP_FORBIDDEN
    try:    # the bare descriptor, read with pread: no file object, no seek
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):     # replaced since the stat
            return C.HTTP_FORBIDDEN
        if st.st_size <= CACHE.max_file:
            body = os.pread(fd, st.st_size, 0)
            if len(body) == st.st_size:     # else it shrank: streamed, and the loss logged
                entry = CACHE.keep(req.filename, st, opened, body, req.request_time)
                return send_file(req, body, st, entry)
        return send_file(req, fd, st)
    finally:
        os.close(fd)


# What the fallback for an unserved handler name never sends (a file mod_python would run).
SOURCE_SUFFIXES = (".py", ".pyc", ".pyo", ".psp", ".psp_")


def unclaimed(req):
    """A handler name no plugin served: Apache's warning, then None to serve the file as the
    default handler would, or 403 for source code."""
    filename = req.filename
    if filename:
        req.log_error('handler "%s" not found for: %s' % (req.handler, filename), C.APLOG_WARNING)
        if filename.endswith(SOURCE_SUFFIXES) and req.finfo is not None:   # else the 404
            req.log_error("client denied: %s is source for handler %s, not sent by the "
                          "default handler" % (filename, req.handler), C.APLOG_INFO)
            return C.HTTP_FORBIDDEN
    return None


def accepts_path_info(req):
    """A handler's choice in ``req.used_path_info`` wins, else ``AcceptPathInfo``."""
    if req.used_path_info != C.AP_REQ_DEFAULT_PATH_INFO:
        return req.used_path_info == C.AP_REQ_ACCEPT_PATH_INFO
    return req.dir_config["AcceptPathInfo"] == "on"
