"""mod_python.wsgi: ``PythonHandler mod_python.wsgi`` runs a WSGI application.

The handler is the wsgi_handler plugin's (``plugins/wsgi_handler``): options
``mod_python.wsgi.application`` (``module[::callable]``) and ``mod_python.wsgi.base_uri``,
``SCRIPT_NAME`` from the ``<Location>`` path as in mod_python 3.5.
"""

from plugins.wsgi_handler import handler

__all__ = ["handler"]
