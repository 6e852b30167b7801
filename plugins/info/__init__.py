"""The info plugin: Apache's mod_info. ``SetHandler server-info`` shows what
``greenphase plugins --json`` prints for the running site: every plugin (enabled or left out,
why, version, directives), each request phase with the plugins it calls in order, and the
service hooks. ``?json`` gives the same dict as JSON.

Access as the status page's: a client outside ``Require local``'s addresses is refused (403)
unless the section configures access control, which the access phase has then enforced.
"""

from greenphase import hookimpl

from .page import serve

HANDLER = "server-info"


@hookimpl
def apache_modules():
    return ("info",)


@hookimpl
def phases_used(site):
    return ("handler",)


@hookimpl
def handler(req):
    """mod_info: SetHandler server-info shows the plugins and their hooks (HTML, ?json)."""
    if req.handler != HANDLER:
        return None
    return serve(req)
