"""A greenphase site as a WSGI application, for any WSGI server (gunicorn's own workers,
uWSGI, mod_wsgi)::

    gunicorn 'kernel.deploy.wsgi:make_app("site.conf")'
    GREENPHASE_CONFIG=site.conf gunicorn kernel.deploy.wsgi:application

Each WSGI request runs the whole pipeline (every phase, every plugin); ``req.write`` streams
through the returned iterable as the handler flushes, and ``req.read`` reads ``wsgi.input``.
What only our own server can do: connection handlers and keep-alive (the WSGI server owns the
connection), the timing of ``100 Continue`` (the WSGI server sends it), raw framing
(``req.assbackwards``, ``Connection`` headers), and the kernel's limits on the request head.
"""

import itertools
import os
import threading

from .probe import SiteOptions
from .wsgiconn import ResponseBody, WsgiConnection

__all__ = ["make_app", "application"]


class Application:
    """The WSGI callable for one site, built once per process."""

    def __init__(self, site):
        self.site = site
        self.ids = itertools.count(1)
        site.stopping = False
        site.open_logs()
        for warning in site.warnings:
            site.log.warning(warning)
        site.hook.server_start(site=site)       # PythonImport and the like, before requests

    def __call__(self, environ, start_response):
        from ..http.head import BadRequest
        from ..lifecycle.error_response import minimal_page
        conn = WsgiConnection(self.site, environ, next(self.ids))
        try:
            req = conn.request()
        except BadRequest as exc:
            from ..lifecycle import constants as C
            body = minimal_page(exc.status).encode()
            start_response("%d %s" % (exc.status, C.reason(exc.status)),
                           [("Content-Type", "text/html; charset=iso-8859-1"),
                            ("Content-Length", str(len(body)))])
            return [body]
        threading.Thread(target=conn.run, args=(req,), daemon=True,
                         name="greenphase request %d" % conn.id).start()
        status, headers = conn.outbox.get()
        start_response(status, headers)
        return ResponseBody(conn)


def make_app(config_file, plugins=None, extra_plugins=(), defines=None):
    """A WSGI application serving ``config_file`` (``plugins``: names to enable, default all)."""
    from ..config.errors import ConfigError
    options = SiteOptions(os.path.abspath(config_file), plugins, list(extra_plugins), defines or {})
    site = options.build()
    if site.errors:
        raise ConfigError("%s: %d configuration error(s):\n%s" % (
            config_file, len(site.errors), "\n".join(str(e) for e in site.errors)))
    return Application(site)


def __getattr__(name):
    """``application``: the site named by $GREENPHASE_CONFIG, built on first use."""
    if name != "application":
        raise AttributeError(name)
    config = os.environ.get("GREENPHASE_CONFIG")
    if not config:
        raise RuntimeError("set GREENPHASE_CONFIG to the configuration file to serve")
    app = globals()["application"] = make_app(config)
    return app
