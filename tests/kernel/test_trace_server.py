"""Tracing the phase calls: `greenphase serve --trace-hooks` (one process and under the
arbiter) and `TraceHooks On` per directory; each call is one debug line with plugin, result
and microseconds, written even under `LogLevel warn`; off, the plain pipeline runs."""

import re

from kernel.lifecycle.pipeline import Pipeline
from kernel.lifecycle.trace import TracedPipeline
from kernel.testing import build_site

TRACE = re.compile(r"\[debug\] .* trace: (\w+) plugin=(\w+) (result=\S+|raised .*?) (\d+)us uri=(\S+)$")

PLUGIN = '''
from greenphase import hookimpl, HTTP_FORBIDDEN

@hookimpl
def fixups(req):
    if req.uri.endswith("/no.txt"):
        return HTTP_FORBIDDEN
'''


def site_text(root, extra=""):
    (root / "htdocs" / "traced").mkdir(parents=True, exist_ok=True)
    (root / "htdocs" / "a.txt").write_text("a")
    (root / "htdocs" / "traced" / "b.txt").write_text("b")
    (root / "htdocs" / "traced" / "no.txt").write_text("no")
    (root / "tracedemo.py").write_text(PLUGIN)
    return 'DocumentRoot "%s/htdocs"\nLogLevel warn\nLoadPlugin %s/tracedemo.py\n%s' % (root, root, extra)


def traces(log):
    return [m.groups() for m in map(TRACE.search, log.splitlines()) if m]


def test_trace_hooks_traces_every_phase_call_of_every_request(tmp_path, greenphase_server):
    server = greenphase_server(site_text(tmp_path), args=["--trace-hooks"])
    assert server.get("/a.txt").status == 200
    server.stop()
    lines = traces(server.error_log())
    calls = [(phase, plugin, result) for phase, plugin, result, _, uri in lines if uri == "/a.txt"]
    assert ("translate_name", "core", "result=OK") in calls
    assert ("fixups", "tracedemo", "result=None") in calls
    assert ("handler", "static", "result=OK") in calls
    # in phase order, the site's plugin before the core in fixups (the core runs last)
    phases = [c[0] for c in calls]
    assert phases.index("translate_name") < phases.index("fixups") < phases.index("handler")
    fixups = [c[1] for c in calls if c[0] == "fixups"]
    assert fixups == ["tracedemo", "core"]
    assert all(int(us) >= 0 for *_, us, _ in lines)


def test_trace_hooks_under_the_arbiter(tmp_path, greenphase_server):
    server = greenphase_server(site_text(tmp_path), args=["--trace-hooks", "--workers", "1"],
                               single=False)
    assert server.get("/traced/no.txt").status == 403
    server.stop()
    calls = [(p, n, r) for p, n, r, _, uri in traces(server.error_log()) if uri == "/traced/no.txt"]
    assert ("fixups", "tracedemo", "result=403") in calls
    assert not any(p == "handler" for p, _, _ in calls)      # the 403 ended the request


def test_trace_hooks_directive_traces_only_its_directory(tmp_path, greenphase_server):
    extra = '<Directory "%s/htdocs/traced">\n    TraceHooks On\n</Directory>\n' % tmp_path
    server = greenphase_server(site_text(tmp_path, extra))
    assert server.get("/a.txt").status == 200
    assert server.get("/traced/b.txt").status == 200
    server.stop()
    uris = {uri for *_, uri in traces(server.error_log())}
    assert uris == {"/traced/b.txt"}
    calls = [(p, n) for p, n, *_ in traces(server.error_log())]
    assert ("handler", "static") in calls and ("fixups", "tracedemo") in calls


def test_off_the_plain_pipeline_runs(tmp_path):
    site = build_site(tmp_path, "")
    assert type(site.pipeline) is Pipeline
    on = build_site(tmp_path, "<Location /x>\nTraceHooks On\n</Location>\n")
    assert isinstance(on.pipeline, TracedPipeline) and not on.pipeline.everywhere


def test_trace_hooks_takes_on_or_off(tmp_path):
    from kernel.testing import config_errors
    errors = config_errors(tmp_path, "TraceHooks maybe\n")
    assert len(errors) == 1 and "site.conf:1" in errors[0] and "On or Off" in errors[0]
