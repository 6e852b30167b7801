"""The headers plugin: Apache 2.4's mod_headers (``Header``, ``RequestHeader``).

When each kind of line applies, as in Apache:

* ``RequestHeader`` (late): in ``fixups``, last, so the content handler sees the result
  (a ``PythonFixupHandler`` still sees the headers as the client sent them);
* ``Header`` (late): in ``response_start``, just before the status line and headers go out,
  so it sees what the handler set. On a normal response the ``always`` lines act on
  ``err_headers_out`` and then the ``onsuccess`` (default) lines on ``headers_out``; on the
  error path (a handler returned a status: 404, a redirect, a 401...) only the ``always``
  lines run, which is why HSTS and security headers are written ``Header always set``;
* ``early`` lines of either: in ``post_read_request``, first, with the server-scope lines.

Refused with a configuration error naming file and line: unknown actions, missing or extra
arguments, regexes that do not compile, ``expr=`` values and conditions, and value formats
other than ``%t``, ``%D``, ``%{NAME}e``, ``%{NAME}s``, ``%%``.
"""

from greenphase import hookimpl

from .actions import ERR, IN, OUT, apply
from .directives import DIRECTIVES

NAMES = ("Header", "RequestHeader")


@hookimpl
def register_directives():
    return DIRECTIVES


@hookimpl
def apache_modules():
    return ("headers",)


@hookimpl
def phases_used(site):
    """Only what the configuration asks for (everything when .htaccess may add lines)."""
    if site.config.allows_htaccess():
        return None
    used = set()
    for values in site.config.value_sets():
        for entry in values.get("Header", ()) + values.get("RequestHeader", ()):
            if entry.early:
                used.add("post_read_request")
            elif entry.table == IN:
                used.add("fixups")
            else:
                used.add("response_start")
    return tuple(used)


@hookimpl(tryfirst=True)
def post_read_request(req):
    """mod_headers' early entries (RequestHeader/Header ... early)."""
    config = req.dir_config
    inbound, outbound = config["RequestHeader"], config["Header"]
    if inbound:
        apply(req, inbound, IN, early=True)
    if outbound:
        apply(req, outbound, ERR, early=True)
        apply(req, outbound, OUT, early=True)


@hookimpl(trylast=True)
def fixups(req):
    """mod_headers' RequestHeader: edit the request headers before the handler reads them."""
    entries = req.dir_config["RequestHeader"]
    if entries:
        apply(req, entries, IN)


@hookimpl
def response_start(req, error):
    entries = req.dir_config["Header"]
    if entries:
        apply(req, entries, ERR)
        if not error:
            apply(req, entries, OUT)
