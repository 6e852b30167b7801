"""Tracing the phase calls: ``greenphase serve --trace-hooks`` (every request) and
``TraceHooks On`` (the requests of a server, ``<VirtualHost>``, ``<Directory>``,
``<Location>`` or ``<Files>``).

Each phase call of a traced request is one debug line in the error log::

    [..] [debug] [pid N] [client ip:port] trace: fixups plugin=pathguard result=OK 12us uri=/index.html

The lines are written whatever ``LogLevel`` says: asking for a trace is asking for them.
Off, tracing costs nothing: the Site picks ``TracedPipeline`` only when ``--trace-hooks`` was
given or some section of the configuration says ``TraceHooks On`` (the directive is not
allowed in .htaccess, so the configuration file is the whole answer); otherwise the plain
``Pipeline`` runs, untouched.
"""

import copy
import time

from ..config.directives import ACCESS_CONF, RSRC_CONF, Directive
from . import constants as C
from .errors import SERVER_RETURN
from .pipeline import Pipeline

TRACE_DIRECTIVES = [
    Directive("TraceHooks", (1, 1), RSRC_CONF | ACCESS_CONF, syntax="On|Off", flag=True,
              default=False),
]

_NAMES = {C.OK: "OK", C.DECLINED: "DECLINED", C.DONE: "DONE"}


def traced_anywhere(config):
    """Does any section of the parsed configuration say ``TraceHooks On``?"""
    def sections(block):
        for section in block.directories + block.directory_matches + block.files + block.locations:
            yield section
            yield from section.files
    for block in [config.main] + list(config.vhosts):
        if block.values.get("TraceHooks"):
            return True
        if any(s.values.get("TraceHooks") for s in sections(block)):
            return True
    return False


def describe(result):
    if result is None:
        return "None"
    if type(result) is int:
        return _NAMES.get(result, str(result))
    return repr(result)


def _traced(phase, name, function):
    def call(req):
        start = time.perf_counter()
        try:
            result = function(req)
        except SERVER_RETURN as exc:
            _line(req, phase, name, "raised SERVER_RETURN(%s)" % ", ".join(map(repr, exc.args)),
                  start)
            raise
        except BaseException as exc:
            _line(req, phase, name, "raised %s" % type(exc).__name__, start)
            raise
        _line(req, phase, name, "result=" + describe(result), start)
        return result
    return call


def _line(req, phase, name, what, start):
    micros = int((time.perf_counter() - start) * 1000000)
    req.site.log.debug_always("trace: %s plugin=%s %s %dus uri=%s"
                              % (phase, name, what, micros, req.uri), req)


class TracedPipeline(Pipeline):
    """A Pipeline that traces the requests ``--trace-hooks`` or ``TraceHooks On`` ask for.

    The traced calls go through ``Pipeline.run`` itself, over a copy of this pipeline whose
    implementations are wrapped, so the run rules are the plain pipeline's, not a second copy.
    """

    def __init__(self, site, everywhere):
        super().__init__(site)
        self.everywhere = everywhere
        self.tracer = copy.copy(self)
        self.tracer.impls = dict(self.impls)
        for phase in self.impls:
            if phase not in ("auth_required", "response_start"):
                self.tracer.impls[phase] = tuple(
                    (name, _traced(phase, name, function)) for name, function in self.impls[phase])

        self.tracer.plan_key = "kernel.plan.traced"

    def run(self, req, phase):
        if self.everywhere or req.dir_config["TraceHooks"]:
            return Pipeline.run(self.tracer, req, phase)
        return Pipeline.run(self, req, phase)

    def plan(self, req):
        # A traced configuration's plan holds the wrapped implementations.
        if self.everywhere or req.dir_config["TraceHooks"]:
            return Pipeline.plan(self.tracer, req)
        return Pipeline.plan(self, req)


def pipeline_for(site, trace_hooks):
    """The Site's pipeline: traced only when something asks for a trace."""
    if trace_hooks or traced_anywhere(site.config):
        return TracedPipeline(site, everywhere=trace_hooks)
    return Pipeline(site)
