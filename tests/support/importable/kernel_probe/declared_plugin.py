"""A plugin that declares (phases_used) it takes part in fixups only: its access_checker must
never be called."""

from kernel import hookimpl


@hookimpl
def phases_used(site):
    return ("fixups",)


@hookimpl
def fixups(req):
    req.err_headers_out["X-Fixups"] = "called"


@hookimpl
def access_checker(req):
    req.err_headers_out["X-Access-Checker"] = "called"
