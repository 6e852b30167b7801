"""What ``req.server`` reports about a server beyond its name: ``ServerAdmin`` (the contact
address Apache puts in error pages and ``SERVER_ADMIN``) and ``ServerPath`` (a virtual host's
legacy URL prefix). Both are recorded for ``req.server.server_admin`` / ``req.server.path``;
greenphase does not select a virtual host by ``ServerPath`` (every HTTP/1.1 client sends Host).
"""

from .directives import VHOST, RSRC_CONF, Directive

# Apache's DEFAULT_ADMIN, what req.server.server_admin answers when none is set.
NO_ADMIN = "[no address given]"


def _server_path(ctx, args, previous):
    path = args[0]
    if not path.startswith("/"):
        raise ctx.error("ServerPath takes a URL path starting with /, not %r" % path)
    return path


SERVER_DIRECTIVES = [
    Directive("ServerAdmin", (1, 1), RSRC_CONF, syntax="email-address|URL"),
    Directive("ServerPath", (1, 1), VHOST, syntax="URL-path", parse=_server_path),
]
