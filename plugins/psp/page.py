"""Running a compiled template: ``PSP(req, filename=..., string=..., vars=...)``.

The page's globals are ``req``, ``psp`` (:class:`PSPInterface`), ``form`` and ``session``
plus the ``vars``. ``form`` (a FieldStorage, kept as ``req.form``) and ``session`` are made
only when the page's code names them, as mod_python does: a session sets a cookie and
locks, a form reads the request body.

Sessions come from whichever plugin provides ``mod_python.Session``: the page asks the
site's ``named_handler`` hook for ``mod_python.Session::Session`` (a callable
``f(req) -> session``). Subclasses (the ``mod_python.psp`` face) may override
:meth:`PSP.session_factory`.
"""

import os
import sys

from greenphase import HTTP_NOT_FOUND, SERVER_RETURN, FieldStorage, apply_fs_data, redirect

from .compiler import cache, parse_file, template_location
from .listing import code_listing
from .syntax import PSPSyntaxError

SESSION_PROVIDER = "mod_python.Session::Session"


class SessionUnavailable(RuntimeError):
    """The page names ``session`` and no enabled plugin provides sessions."""


class PSPInterface:
    """The ``psp`` object a page sees."""

    def __init__(self, req, filename, form, page_class=None):
        self.req = req
        self.filename = filename
        self.error_page = None
        self.form = form
        self._page_class = page_class or PSP

    def set_error_page(self, page):
        """The page run instead when this one raises; it gets ``exception`` (exc_info).
        An absolute name is under the document root, else next to this page."""
        if page and page[0] == "/":
            path = self.req.document_root().rstrip("/") + page
        else:
            path = os.path.join(os.path.dirname(self.filename or self.req.filename or ""), page)
        self.error_page = self._page_class(self.req, path)

    def apply_data(self, object, **kw):
        """Call ``object`` with the form fields it accepts (and ``req`` if it takes it)."""
        if not self.form:
            if not hasattr(self.req, "form"):
                self.req.form = FieldStorage(self.req, keep_blank_values=1)
            self.form = self.req.form
        return apply_fs_data(object, self.form, req=self.req, **kw)

    def redirect(self, location, permanent=0):
        redirect(self.req, location, permanent)


class PSP:
    """A PSP page from ``filename`` (default ``req.filename``; relative names are next to
    ``req.filename``) or from ``string``. A missing file answers 404."""

    def __init__(self, req, filename=None, string=None, vars={}):  # noqa: B006 (mod_python's)
        if string and filename:
            raise ValueError("Must specify either filename or string")
        self.req, self.vars = req, vars
        if not filename and not string:
            filename = req.filename
        self.filename, self.string = filename, string
        if filename and not os.path.isabs(filename):
            self.filename = os.path.join(os.path.dirname(req.filename or ""), filename)
        try:
            if filename:
                self.template = cache.page(self.filename)
            else:
                self.template = cache.string(string)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise SERVER_RETURN(HTTP_NOT_FOUND) from None
        except PSPSyntaxError as exc:
            raise exc.with_traceback(None) from None    # the parser's frames say nothing
        self.code = self.template.code

    # -- hooks for subclasses --------------------------------------------------------------
    def session_factory(self):
        """A callable ``f(req) -> session`` or None."""
        site = getattr(self.req, "site", None)
        if site is None:
            return None
        return site.hook.named_handler(name=SESSION_PROVIDER)

    def page_globals(self):
        """Names every page sees besides req, psp, form, session and the vars."""
        return {"__name__": "__psp__"}

    # -- running ---------------------------------------------------------------------------
    def run(self, vars={}, flush=0):  # noqa: B006
        req, names = self.req, self.template.names
        session = None
        if "session" in names and not hasattr(req, "session"):
            # kept on the request so an error page (or an included PSP) shares it
            req.session = session = self._new_session()
        form = None
        if "form" in names:
            if not hasattr(req, "form"):
                req.form = FieldStorage(req, keep_blank_values=1)
            form = req.form
        psp = PSPInterface(req, self.filename, form, type(self))
        scope = self.page_globals()
        scope.update(req=req, form=form, psp=psp, session=getattr(req, "session", None))
        scope.update(self.vars)
        scope.update(vars)
        scope["__file__"] = req.filename
        try:
            try:
                exec(self.code, scope)  # noqa: S102 (the page is the site's code)
                if flush:
                    req.flush()
                # a session changes by being used (its access time): always save it
                if hasattr(req, "session") and req.session is not None:
                    req.session.save()
            except SERVER_RETURN:
                raise           # psp.redirect() and friends end the request, no error page
            except Exception as exc:
                if psp.error_page is None:
                    self._note_location(exc)
                    raise
                psp.error_page.run({"exception": sys.exc_info()}, flush)
        finally:
            if session is not None:
                session.unlock()
                del req.session

    def _new_session(self):
        factory = self.session_factory()
        if factory is None:
            raise SessionUnavailable(
                "%s uses 'session', but no enabled plugin provides mod_python.Session "
                "(a sessions plugin answers the named_handler hook for %r)"
                % (self.filename or "this PSP page", SESSION_PROVIDER))
        return factory(self.req)

    def _note_location(self, exc):
        """Name the template line the exception left the page from (the frames already
        name the page; this adds the included file's own line)."""
        where, tb = None, exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == self.template.filename:
                where = template_location(self.template, tb.tb_frame.f_code, tb.tb_lasti) or where
            tb = tb.tb_next
        if where is not None:
            exc.add_note("PSP template %s" % (where,))

    def __str__(self):
        self.req.content_type = "text/html"
        self.run()
        return ""

    def display_code(self):
        """Write the generated Python next to the template lines it came from (HTML)."""
        t = self.template
        self.req.write(code_listing(t.source, t.line_map, t.filename, self.string or None))


def display_page(req, filename):
    """``display_code`` for the page ``filename`` without compiling it (PythonDebug's view
    of a page with a Python syntax error is when it is most needed). Missing: 404."""
    if not os.path.isfile(filename):
        raise SERVER_RETURN(HTTP_NOT_FOUND)
    source, line_map, _ = parse_file(filename)
    req.write(code_listing(source, line_map, filename))
