"""The deflate plugin: mod_deflate's ``DEFLATE`` output filter (gzip with the standard
library's zlib) and mod_filter's ``AddOutputFilterByType``.

``AddOutputFilterByType DEFLATE text/html text/plain`` compresses responses of those types
(the type is the one the handler set, looked at when the first byte is written);
``SetOutputFilter DEFLATE`` / ``AddOutputFilter DEFLATE .ext`` (the filters plugin) compress
whatever they select. ``DeflateCompressionLevel 1..9`` (default 6). What is compressed and
when is in ``plugins/deflate/gzip_stage.py``.
"""

from greenphase import UnknownFilter, add_output_filter, filters, hookimpl

from .directives import DIRECTIVES
from .gzip_stage import DeflateStage


@hookimpl
def register_directives():
    return DIRECTIVES


@hookimpl
def phases_used(site):
    """fixups only for a site with AddOutputFilterByType lines (or .htaccess)."""
    if site.config.allows_htaccess():
        return None
    if any(values.get("AddOutputFilterByType") for values in site.config.value_sets()):
        return ("fixups",)
    return ()


@hookimpl
def apache_modules():
    return ("deflate", "filter")


@hookimpl
def filter_for(req, name, is_input):
    if not is_input and name.upper() == "DEFLATE":
        return DeflateStage
    return None


class _ByType:
    """A stage that becomes the real filter only when the response's type is listed."""

    def __init__(self, factory, types):
        self.factory, self.types = factory, types
        self.ftype = getattr(factory, "ftype", filters.RESOURCE)

    def __call__(self, req, next):
        return _TypeGate(req, next, self.factory, self.types)


class _TypeGate(filters.OutputStage):
    def __init__(self, req, next, factory, types):
        super().__init__(req, next)
        self.factory, self.types, self.stage = factory, types, None

    def _choose(self):
        ctype = (self.req.content_type or "").split(";")[0].strip().lower()
        self.stage = self.factory(self.req, self.next) if ctype in self.types else self.next

    def write(self, data, flush):
        if self.stage is None:
            self._choose()
        self.stage.write(data, flush)

    def close(self):
        if self.stage is None:
            self._choose()
        self.stage.close()


@hookimpl(trylast=True)
def fixups(req):
    """AddOutputFilterByType: the filters (DEFLATE) that apply when the response has one of the types."""
    entries = req.dir_config["AddOutputFilterByType"]
    if not entries:
        return None
    hook = req.site.hook
    for names, types in entries:
        for name in names:
            factory = hook.filter_for(req=req, name=name, is_input=False)
            if factory is None:
                req.log_error("AddOutputFilterByType: %s" % UnknownFilter(
                    "no enabled plugin provides the output filter %r" % name))
                continue
            add_output_filter(req, name, _ByType(factory, types))
    return None
