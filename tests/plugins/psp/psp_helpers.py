"""Helpers of the PSP tests: a request stand-in that runs pages, and a page runner."""

import os

from kernel.testing import FakeRequest

from plugins.psp.compiler import compile_template, parse_string


class PageRequest(FakeRequest):
    """FakeRequest plus what a PSP page touches: document_root, flush, the site's hook."""

    def __init__(self, document_root="/nonexistent", site=None, **kw):
        super().__init__(**kw)
        self._document_root = document_root
        self.flushed = 0
        if site is not None:
            self.site = site

    def document_root(self):
        return self._document_root

    def flush(self):
        self.flushed += 1

    @property
    def text(self):
        return self.body.decode("utf-8")


def run_string(text, directory=None, **names):
    """Output of the template ``text`` run with ``req`` and ``names`` as globals."""
    source, line_map, files = parse_string(text, directory)
    template = compile_template("<test>", source, line_map, files, page_text=text)
    req = PageRequest()
    exec(template.code, dict(names, req=req))  # noqa: S102
    return req.text


def write(path, text, mtime_ns=None):
    """Write ``text`` to ``path``; with ``mtime_ns``, set that modification time."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    if mtime_ns is not None:
        os.utime(path, ns=(mtime_ns, mtime_ns))
    return str(path)
