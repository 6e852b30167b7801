"""pathguard: refuse requests whose URL path contains a word the site lists, per directory.

    LoadPlugin pathguard
    <Directory "/srv/www/private">
        PathGuardDeny .git backup
    </Directory>

* header_parser: a path containing a listed word is answered 403 (the errorpages plugin,
  or the kernel's minimal page, renders it);
* fixups: every request the guard checked and let through gets ``X-PathGuard: checked``;
* log_transaction: a refusal is logged to the error log (level warn, so the default
  ``LogLevel`` shows it).
"""

from greenphase import (APLOG_WARNING, HTTP_FORBIDDEN, OR_ALL, Directive, append,
                        hookimpl)

# In header_parser, refuse before the handlers plugin runs the site's PythonHeaderParserHandler.
greenphase_order = {"before": ["handlers"]}


def _words(ctx, args, previous):
    """Repeated lines in one section add up."""
    return (previous or []) + list(args)


@hookimpl
def register_directives():
    return [Directive("PathGuardDeny", (1, None), OR_ALL, override="Limit",
                      syntax="word [word ...]", parse=_words, merge=append, default=[])]


@hookimpl
def header_parser(req):
    for word in req.dir_config["PathGuardDeny"]:
        if word in req.uri:
            req.plugin_state["pathguard.refused"] = word
            return HTTP_FORBIDDEN
    return None


@hookimpl
def fixups(req):
    if req.dir_config["PathGuardDeny"]:
        req.headers_out["X-PathGuard"] = "checked"


@hookimpl
def log_transaction(req):
    word = req.plugin_state.get("pathguard.refused")
    if word is not None:
        req.log_error("pathguard: refused %s (it contains %r)" % (req.uri, word), APLOG_WARNING)
