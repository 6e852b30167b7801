"""The cgi_handler plugin: ``PythonHandler mod_python.cgihandler`` runs CGI-style Python
scripts in-process, as mod_python 3.5 did::

    <Directory /var/www/cgi>
        SetHandler mod_python
        PythonHandler mod_python.cgihandler
    </Directory>

The script named by the request (``req.filename``) runs top to bottom for each request with
the CGI variables in ``os.environ``, the request body on ``sys.stdin`` (POST forms work,
unlike 3.5 on Python 3) and ``sys.stdout`` going to the client: a header block
(``Content-Type:``, ``Status:``, ``Location:``...), a blank line, the body. A missing script
is a 404; a script that prints no header block is a 500 (logged).

Unlike 3.5, requests are not serialised by a global lock: stdin, stdout and the environment
are switched per greenlet (``switch.py``), so concurrent requests never see each other's
data. Only the working directory is shared: see ``script.DirectoryGate``.
"""

from greenphase import hookimpl
from greenphase import OK

from . import script, switch
from .streams import CGIStdin, CGIStdout, MalformedHeader, NullIO

NAME = "mod_python.cgihandler"

__all__ = ["CGIStdin", "CGIStdout", "MalformedHeader", "NullIO", "build_cgi_env", "handler",
           "script", "switch"]

build_cgi_env = script.build_cgi_env


def handler(req):
    path = script.script_path(req)
    hlist = req.hlist
    dirs = (hlist.directory,) if hlist is not None and hlist.directory else ()
    script.run(req, path, dirs)
    return OK


@hookimpl
def named_handler(name):
    return handler if name == NAME else None


@hookimpl(tryfirst=True)
def server_start(site):
    # Before start-up code imports anything (PythonImport): a module that keeps a reference
    # to os.environ (cgi.FieldStorage's default argument) gets the switch.
    switch.install()
