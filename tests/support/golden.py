"""Replay the responses recorded from Apache 2.4 + mod_python 3.5 against greenphase.

Facts live in tests/golden/ (see its README.md): `cases/<site>/<case>.req` is sent byte for
byte; `golden.json` holds the parsed recorded response (status, headers, de-chunked body);
`<case>.mail.json` the mail the SMTP sink received. A site is served from a temporary copy
with `@SITE@` replaced, under the base config described in the README.
"""

import html
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from . import REPO
from .server import free_port, Server

GOLDEN = REPO / "tests" / "golden"
RECORDED = json.loads((GOLDEN / "golden.json").read_text())
RECORDED_SMTP_SERVER = "127.0.0.1:8025"   # what the recorded publisher site's form.py sends to

# (parameter site, site served, recorded cases used as the expectation)
RUNS = [
    ("hello", "hello", "hello"),
    ("phases", "phases", "phases"),
    ("publisher_shim", "publisher", "publisher_shim"),
    ("authen", "authen", "authen"),
    ("authen_asis", "authen_asis", "authen"),
    ("authen_literal", "authen_literal", "authen_literal"),
    ("custom404", "custom404", "custom404"),
    ("debug", "debug", "debug"),
]

# Base config: all a site needs besides its own site.conf (documented in the README).
BASE_CONFIG = """\
Listen 127.0.0.1:{port}
DocumentRoot "{site}"
Include site.conf
"""

# Response parts greenphase needs not match (transport details, static-file validators).
NOT_COMPARED = {"connection", "content-length", "transfer-encoding", "content-type",
                "www-authenticate", "etag", "last-modified", "accept-ranges"}
APACHE_PAGE = "<!DOCTYPE HTML PUBLIC"
TRACEBACK = "\n<pre>\nMod_python error:"
SERVER_PAGE_TYPE = "text/html; charset=iso-8859-1"   # Apache's pages and ErrorDocument strings


@dataclass
class Deviation:
    """Where greenphase answers better than mod_python 3.5 on purpose (see deviations.md)."""

    reason: str
    status: int
    body: str | None = None           # exact body expected instead of the recorded one
    content_type: str | None = None
    names: tuple = ()                  # a 400 page must quote these argument names
    error_page: bool = False           # a plain (no traceback) HTML error page for `status`


DEVIATIONS = {
    "publisher_shim/email_no_args": Deviation(
        "publisher call without the required arguments: 400 naming them, not a TypeError "
        "traceback", 400, names=("name", "email", "comment")),
    "publisher_shim/email_missing_comment": Deviation(
        "form field `comment` absent: 400 naming it (an empty field is still passed as '' "
        "and the tutorial's own check answers)", 400, names=("comment",)),
    "publisher_shim/funcs_both_missing": Deviation(
        "required argument `a` absent: 400 naming it", 400, names=("a",)),
    "publisher_shim/funcs_teapot": Deviation(
        "req.status = 418 is sent as 418 (Apache 2.4 has no reason phrase for it and sends "
        "500)", 418, body="I am a teapot", content_type="text/plain"),
    "publisher_shim/funcs_tutorial_server_error": Deviation(
        "`raise apache.SERVER_ERROR`, as the tutorial says, is a plain 500 (mod_python 3.5 "
        "has no such name: AttributeError traceback)", 500, error_page=True),
}

# Whole sites answered like another recording (their own recording kept for reference).
SITE_DEVIATIONS = {
    "authen_asis": "the tutorial's authentication config exactly as printed: Apache 2.4 answers "
                   "500 to any credentials (mod_auth_basic runs first without a provider); "
                   "greenphase answers as `authen` (AuthBasicAuthoritative Off) records",
}


@dataclass
class Expected:
    status: int
    content_type: str | None
    prefix: str                        # what handlers wrote (exact)
    tail: str | None                   # None | 'page' | 'traceback' after the prefix
    tail_status: int | None = None     # status named by an appended error page
    exception: tuple = ()              # fragments a traceback page must contain
    names: tuple = ()
    framing: str | None = None         # None: not compared
    headers: dict = field(default_factory=dict)
    www_authenticate: str | None = None
    mail: dict | None = None
    method: str = "GET"


@dataclass
class Case:
    id: str                            # "<parameter site>/<case>"
    site: str                          # site served
    recording: str                     # "<recorded site>/<case>"
    request: bytes

    @property
    def expected(self):
        return expectation(self.recording, self.id, self.request)


def cases():
    found = []
    for param_site, served, recorded in RUNS:
        for req in sorted((GOLDEN / "cases" / recorded).glob("*.req")):
            found.append(Case(f"{param_site}/{req.stem}", served, f"{recorded}/{req.stem}",
                              req.read_bytes()))
    return found


def _split_body(body):
    """(handler-written prefix, tail kind, tail text) of a recorded body."""
    for marker, kind in ((TRACEBACK, "traceback"), (APACHE_PAGE, "page")):
        at = body.find(marker)
        if at >= 0:
            return body[:at], kind, body[at:]
    return body, None, ""


def _exception_fragments(traceback_page):
    """What a traceback page must name: the exception type and its message."""
    text = html.unescape(traceback_page)
    if "whereas expected <class 'int'>" in text:     # a handler returned None
        return ("None",)
    last = [ln for ln in text.split("</pre>")[0].splitlines() if ln.strip()][-1]
    kind, _, message = last.partition(": ")
    message = message.split("@SITES@")[0]             # recorded paths differ from ours
    return tuple(part for part in (kind, message) if part)


def expectation(recording, case_id, request):
    rec = RECORDED[recording]
    headers = {k.lower(): v for k, v in rec["headers"]}
    method = request.split(b" ", 1)[0].decode()
    prefix, tail, tail_text = _split_body(rec["body"])
    content_type = headers.get("content-type")
    server_page = content_type == SERVER_PAGE_TYPE
    if "chunked" in headers.get("transfer-encoding", ""):
        framing = "chunked"
    elif "content-length" in headers:
        framing = "length"
    else:
        framing = "close"
    if method == "HEAD":
        framing = "none"
    mail_file = GOLDEN / "cases" / (recording + ".mail.json")
    exp = Expected(
        status=int(rec["status_line"].split()[1]),
        content_type=content_type,
        prefix=prefix, tail=tail,
        tail_status=int(re.search(r"<title>(\d+)", tail_text).group(1)) if tail == "page" else None,
        exception=_exception_fragments(tail_text) if tail == "traceback" else (),
        framing=None if (server_page or (tail and not prefix)) else framing,
        headers={k: v for k, v in headers.items() if k not in NOT_COMPARED},
        www_authenticate=headers.get("www-authenticate"),
        mail=json.loads(mail_file.read_text()) if mail_file.exists() else None,
        method=method)
    dev = DEVIATIONS.get(case_id)
    if dev:
        exp.status, exp.names, exp.framing = dev.status, dev.names, None
        if dev.body is not None:
            exp.prefix, exp.tail, exp.content_type = dev.body, None, dev.content_type
        else:
            exp.prefix, exp.content_type = "", "text/html"
            exp.tail, exp.tail_status, exp.exception = "page", dev.status, ()
    return exp


def compare(exp, resp, extra_bytes, new_mail):
    """List of human-readable mismatches between the expectation and greenphase's answer."""
    problems = []
    if resp.status != exp.status:
        problems.append(f"status {resp.status}, expected {exp.status}")
    body = resp.body.decode("utf-8", "replace")
    _compare_body(exp, body, problems)
    ctype = resp.header("Content-Type")
    if exp.tail and not exp.prefix:
        # An error page of the server: only its media type matters.
        if not (ctype or "").startswith("text/html"):
            problems.append(f"error page Content-Type {ctype!r}, expected text/html")
    elif ctype != exp.content_type:
        problems.append(f"Content-Type {ctype!r}, expected {exp.content_type!r}")
    for name, value in exp.headers.items():
        if resp.header(name) != value:
            problems.append(f"header {name}: {resp.header(name)!r}, expected {value!r}")
    if resp.header("WWW-Authenticate") != exp.www_authenticate:
        problems.append(f"WWW-Authenticate {resp.header('WWW-Authenticate')!r}, "
                        f"expected {exp.www_authenticate!r}")
    if exp.framing and resp.framing != exp.framing:
        problems.append(f"framing {resp.framing!r}, expected {exp.framing!r}")
    if extra_bytes:
        problems.append(f"{len(extra_bytes)} bytes after the response: {extra_bytes[:80]!r}")
    _compare_mail(exp.mail, new_mail, problems)
    return problems


def _compare_body(exp, body, problems):
    if exp.tail is None:
        if body != exp.prefix:
            problems.append(f"body {body[:300]!r}, expected {exp.prefix[:300]!r}")
        return
    if not body.startswith(exp.prefix):
        problems.append(f"body {body[:300]!r} does not start with {exp.prefix[:300]!r}")
        return
    rest = html.unescape(body[len(exp.prefix):])
    if exp.tail == "page":
        if "<html" not in rest.lower() or str(exp.tail_status) not in rest:
            problems.append(f"expected an HTML error page for {exp.tail_status}, got {rest[:300]!r}")
        if "Traceback" in rest:
            problems.append("the error page shows a traceback; this case must not")
        for name in exp.names:
            if not re.search(r"""['"`>]%s['"`<]""" % re.escape(name), rest):
                problems.append(f"the page does not name the argument {name!r}: {rest[:300]!r}")
    else:
        missing = [frag for frag in exp.exception if frag not in rest]
        if missing:
            problems.append(f"traceback page does not name {missing}: {rest[:400]!r}")


def _compare_mail(expected, got, problems):
    if expected is None:
        if got:
            problems.append(f"unexpected mail: {got[0]}")
        return
    if len(got) != 1:
        problems.append(f"expected 1 mail, got {len(got)}")
        return
    mail = got[0]
    want_body = expected["data"].replace("\r\n", "\n").partition("\n\n")[2]
    if (mail.mail_from, mail.rcpt_tos) != (expected["mail_from"], expected["rcpt_tos"]):
        problems.append(f"mail envelope {mail.mail_from!r} -> {mail.rcpt_tos!r}, expected "
                        f"{expected['mail_from']!r} -> {expected['rcpt_tos']!r}")
    if mail.body != want_body:
        problems.append(f"mail body {mail.body!r}, expected {want_body!r}")


def start_site(site, workdir, smtp_server=None):
    """Copy tests/golden/sites/<site> into `workdir`, substitute @SITE@, serve it.

    `smtp_server` ("host:port"): where the copied handlers mail to instead of the recorded
    sink's fixed address, so that two runs never share a port."""
    root = Path(workdir).resolve() / site
    shutil.copytree(GOLDEN / "sites" / site, root)
    for path in root.rglob("*"):
        path.chmod(path.stat().st_mode | 0o200)
        if smtp_server and path.suffix == ".py":
            text = path.read_text()
            if RECORDED_SMTP_SERVER in text:
                path.write_text(text.replace(RECORDED_SMTP_SERVER, smtp_server))
    conf = root / "site.conf"
    conf.write_text(conf.read_text().replace("@SITE@", str(root)))
    port = free_port()
    config = root / "greenphase-golden.conf"
    config.write_text(BASE_CONFIG.format(port=port, site=root))
    return Server(config, port, cwd=root)
