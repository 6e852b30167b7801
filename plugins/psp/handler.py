"""``PythonHandler mod_python.psp``: run the requested ``.psp`` file.

With ``PythonDebug On`` a file name ending in ``_`` (``page.psp_``, mapped with
``AddHandler mod_python .psp .psp_``) shows the generated code of ``page.psp`` instead of
running it. That discloses the page's source, so only then: with ``PythonDebug Off`` the
name is taken as it is, and no ``page.psp_`` file exists, so the answer is 404.
"""

from greenphase import OK

from .page import PSP, display_page


def make_handler(page_class):
    """The handler function running pages with ``page_class`` (the face passes its own)."""

    def handler(req):
        req.content_type = "text/html"
        if req.dir_config["PythonDebug"] and req.filename and req.filename.endswith("_"):
            display_page(req, req.filename[:-1])
        else:
            page_class(req).run()
        return OK

    handler.__doc__ = __doc__
    return handler


handler = make_handler(PSP)
