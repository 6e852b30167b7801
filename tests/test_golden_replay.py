"""Every recorded Apache + mod_python 3.5 exchange, replayed against greenphase.

Select one site with its marker (`-m hello`) or its id prefix (`-k hello/`); deviations
from the recording are listed in tests/golden/deviations.md and support/golden.py.
"""

import pytest

from support import golden
from support.httpclient import Connection
from support.smtp import SmtpSink

CASES = golden.cases()
SITE_MARKS = {"publisher_shim": "publisher", "authen_asis": "authen", "authen_literal": "authen"}


def _param(case):
    site = case.id.split("/")[0]
    marks = {site, SITE_MARKS.get(site, site)}
    return pytest.param(case, id=case.id, marks=[getattr(pytest.mark, m) for m in sorted(marks)])


@pytest.fixture(scope="module")
def golden_sites(tmp_path_factory):
    """site name -> running Server (started once, on first use); plus the SMTP sink."""
    running, failed, sinks = {}, {}, []

    def get(site):
        if site in failed:
            pytest.fail(failed[site])
        if site not in running:
            if site == "publisher" and not sinks:
                sinks.append(SmtpSink().start())
            try:
                running[site] = golden.start_site(site, tmp_path_factory.mktemp("golden"),
                                                  sinks[0].address if sinks else None)
            except RuntimeError as exc:
                failed[site] = f"greenphase did not start for golden site {site!r}: {exc}"
                pytest.fail(failed[site])
        return running[site], (sinks[0] if site == "publisher" else None)

    yield get
    for server in running.values():
        server.stop()
    for sink in sinks:
        sink.stop()


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_replay(case, golden_sites):
    server, sink = golden_sites(case.site)
    expected = case.expected
    mails_before = len(sink.snapshot()) if sink else 0
    with Connection(server.port) as conn:
        response = conn.request(case.request, expected.method)
        extra = conn.read_to_close()     # the request said Connection: close
    new_mail = []
    if sink:
        if expected.mail:
            try:
                sink.wait_for(mails_before + 1, timeout=5)
            except TimeoutError:
                pass                      # reported below as a missing mail
        new_mail = sink.snapshot()[mails_before:]
    problems = golden.compare(expected, response, extra, new_mail)
    assert not problems, f"{case.id} (recorded {case.recording}):\n  " + "\n  ".join(problems) \
        + f"\n--- server stderr (tail) ---\n{server.stderr[-2000:]}"
