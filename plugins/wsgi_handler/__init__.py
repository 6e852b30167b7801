"""The wsgi_handler plugin: ``PythonHandler mod_python.wsgi`` runs a WSGI application.

Configured as in mod_python 3.5::

    <Location /wsgiapps>
        SetHandler mod_python
        PythonHandler mod_python.wsgi
        PythonOption mod_python.wsgi.application mysite.wsgi::application
    </Location>

``mod_python.wsgi.application`` is ``module[::callable]`` (callable ``application`` by
default), imported like a handler module: from the directive's directory and ``PythonPath``,
reloaded when its file changes unless ``PythonAutoReload Off``. ``SCRIPT_NAME`` is
``mod_python.wsgi.base_uri`` when set, else the path of the ``<Location>`` that configures
the handler (trailing ``/`` removed), else ``''``; ``PATH_INFO`` is the rest of the URI.
A request outside the base URI, or a missing option or callable, is logged and declined.
"""

from greenphase import hookimpl

from .handler import handler

NAME = "mod_python.wsgi"

__all__ = ["handler"]


@hookimpl
def named_handler(name):
    return handler if name == NAME else None
