"""The built-in core plugin: Apache's core mapping, mod_alias, mod_mime and mod_dir.

A plain plugin (entry point ``core`` of the ``greenphase`` group) that imports only the
kernel's public names; the Site always enables it. Its phase hooks are ``trylast``: they
apply when no plugin answered first.
"""

from greenphase import hookimpl

from .directives import MAPPING_DIRECTIVES
from .mapping import fixups, map_to_storage, translate_name
from .mime import type_checker

__all__ = ["fixups", "map_to_storage", "translate_name", "type_checker"]

# What <IfModule> finds loaded whatever the plugins: the parts of Apache the kernel is.
EMULATED_MODULES = {"core", "http", "so", "mime", "dir", "alias", "log_config", "mpm_event",
                    "unixd", "env", "setenvif", "filter"}


@hookimpl
def register_directives():
    return MAPPING_DIRECTIVES


@hookimpl
def apache_modules():
    return EMULATED_MODULES


@hookimpl(tryfirst=True)
def post_read_request(req):
    """TRACE answered 405 unless TraceEnable On."""
    # TraceEnable Off (the default): TRACE would echo cookies and credentials back to a
    # script (cross-site tracing); Apache answers 405.
    if req.method == "TRACE" and not req.server.config["TraceEnable"]:
        req.err_headers_out["Allow"] = "GET, HEAD, POST, OPTIONS"
        return 405
    return None
