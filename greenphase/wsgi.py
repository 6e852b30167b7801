"""A greenphase site as a WSGI application (implemented in ``kernel.deploy.wsgi``)::

    gunicorn 'greenphase.wsgi:make_app("site.conf")'
    GREENPHASE_CONFIG=site.conf gunicorn greenphase.wsgi:application
"""

from kernel.deploy import wsgi as _wsgi

make_app = _wsgi.make_app
__all__ = ["make_app", "application"]


def __getattr__(name):
    """``application``: the site named by $GREENPHASE_CONFIG, built on first use."""
    if name != "application":
        raise AttributeError(name)
    app = globals()["application"] = _wsgi.application
    return app
