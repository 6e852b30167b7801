"""Python source beside its handlers is never sent as a plain file.

A directory that configures ``PythonHandler errhandler`` for ``.html`` files only still holds
``errhandler.py``; Apache's default handler would send it (and mod_python 3.5 with it). Here a
``.py`` (or compiled) file in a directory where any ``Python*Handler`` is configured is
refused with 403, as ``.ht*`` files are, when no handler claimed the request.
"""

from greenphase import APLOG_INFO, DEFAULT_HANDLER, HTTP_FORBIDDEN

from .directives import HANDLER_DIRECTIVES

SOURCE_SUFFIXES = (".py", ".pyc", ".pyo")


def refuse_source(req):
    """403 for handler source the default handler would send; None otherwise."""
    filename = req.filename
    if req.handler not in (None, DEFAULT_HANDLER) or not filename \
            or not filename.endswith(SOURCE_SUFFIXES):
        return None
    config = req.dir_config
    if not (config["PythonHandlerModule"] or any(config[name] for name in HANDLER_DIRECTIVES)):
        return None
    req.log_error("client denied: %s is Python source in a handler directory" % filename,
                  APLOG_INFO)
    return HTTP_FORBIDDEN
