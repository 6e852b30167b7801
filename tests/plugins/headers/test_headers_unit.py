"""mod_headers without a server: the directives' syntax (errors with file:line), the value
formats, and each action applied to a request's tables as Apache applies it."""

import re
import time

import pytest

from kernel.testing import FakeRequest, build_site
from plugins.headers import fixups, post_read_request, response_start
from plugins.headers.actions import edit, substitute, tokens
from plugins.headers.formats import compile_format, render


def Req(config, headers_in=(), env=()):
    """A fake request with the merged configuration ``config``, received 0.25 s ago."""
    req = FakeRequest(config=config, headers=list(headers_in), request_time=time.time() - 0.25,
                      ssl_var_lookup={"SSL_PROTOCOL": "TLSv1.3"}.get)
    for name, value in env:
        req.subprocess_env[name] = value
    return req


def site(tmp_path, text):
    return build_site(tmp_path, "Listen 127.0.0.1:1\n" + text, plugins=["headers"], check=False)


def config(tmp_path, text):
    s = site(tmp_path, text)
    assert not s.errors, [str(e) for e in s.errors]
    return s.main_server.config


@pytest.mark.parametrize("line, expected", [
    ("Header frob X y", "first argument must be 'set'"),
    ("Header set", "needs an action and a header name"),
    ("Header set X", "requires a value"),
    ("Header set X a b c d", "too many arguments"),
    ("Header always", "needs an action and a header name"),
    ("Header unset X a b", "at most one condition"),
    ("Header edit X ^a", "requires a match and a substitution"),
    ("Header edit X ( b", "could not be compiled"),
    ("Header echo (", "could not be compiled"),
    ("RequestHeader echo X-", "RequestHeader echo is not valid"),
    ("Header set X v expr=%{REQUEST_URI}", "expr= conditions"),
    ('Header set X "expr=%{REQUEST_URI}"', "expr= values"),
    ("Header set X v env=", "missing environment variable name"),
    ("Header set X v sometimes", "unknown parameter 'sometimes'"),
    ("Header set X %l", "%l (Apache's scoreboard load average) is not supported"),
    ("Header set X %{User-Agent}i", "%i (Apache's scoreboard idle percentage) is not supported"),
    ("Header set X %q", "unrecognized header format %q"),
    ("Header set X %{HOME", "never closed"),
    ("Header set X %e", "needs a variable name"),
    ('Header set X "a\\nb"', "may not contain CR or LF"),
    ("Header set 'X Y' v", "not a valid header name"),
])
def test_bad_lines_name_file_line_and_what_was_expected(tmp_path, line, expected):
    s = site(tmp_path, line + "\n")
    messages = [str(e) for e in s.errors]
    assert len(messages) == 1 and expected in messages[0], messages
    assert messages[0].startswith("%s/site.conf:2: " % tmp_path)


def test_header_is_allowed_by_fileinfo_only_in_htaccess(tmp_path):
    ht = tmp_path / "d"
    ht.mkdir()
    (ht / ".htaccess").write_text("Header set X y\n")
    s = site(tmp_path, "")
    section = s.builder.build_htaccess(str(ht / ".htaccess"), str(ht) + "/", {"FileInfo"}, s.config)
    assert section is not None and section.values["Header"][0].header == "X"
    refused = s.builder.build_htaccess(str(ht / ".htaccess"), str(ht) + "/", {"AuthConfig"}, s.config)
    assert refused is None and "Header" in str(s.config.errors[-1])


def test_formats():
    req = Req({})
    req.subprocess_env["WHO"] = "me\r\nyou"
    parts = compile_format("%t %D|%{WHO}e|%{NONE}e|%{SSL_PROTOCOL}s|%{X}s|100%%|tab\\tend %")
    times, rest = render(parts, req).split("|", 1)
    t, d = times.split(" ")
    assert re.fullmatch(r"t=\d{16}", t) and abs(int(t[2:]) / 1e6 - req.request_time) < 1e-3
    assert re.fullmatch(r"D=\d+", d) and 200000 <= int(d[2:]) < 5000000
    assert rest == "me  you|(null)|TLSv1.3|(null)|100%|tab\tend %"


def test_actions_in_order(tmp_path):
    c = config(tmp_path, "\n".join([
        "Header set X-Set one",
        "Header set X-Set two",
        "Header add X-Add a",
        "Header add X-Add b",
        "Header append X-App a",
        "Header append X-App b",
        "Header merge X-Merge a",
        "Header merge X-Merge a",
        'Header merge X-Merge "\\"b, c\\""',
        "Header merge X-Merge b",
        "Header setifempty X-Empty first",
        "Header setifempty X-Empty second",
        "Header set X-Gone here",
        "Header unset X-Gone",
        "Header set Content-Type text/x-set",
    ]) + "\n")
    req = Req(c)
    response_start(req, False)
    out = req.headers_out
    assert out["X-Set"] == "two"
    assert out.getlist("X-Add") == ["a", "b"]
    assert out["X-App"] == "a, b"
    assert out["X-Merge"] == 'a, "b, c", b'
    assert out["X-Empty"] == "first"
    assert "X-Gone" not in out
    assert req.content_type == "text/x-set"
    assert not req.err_headers_out


def test_always_uses_err_headers_out_and_runs_on_the_error_path(tmp_path):
    c = config(tmp_path, "Header always set Strict-Transport-Security max-age=63072000\n"
                         "Header set X-Success yes\n"
                         "Header onsuccess set X-Also yes\n")
    ok = Req(c)
    response_start(ok, False)
    assert ok.err_headers_out["Strict-Transport-Security"] == "max-age=63072000"
    assert ok.headers_out["X-Success"] == "yes" and ok.headers_out["X-Also"] == "yes"
    failed = Req(c)
    response_start(failed, True)
    assert failed.err_headers_out["Strict-Transport-Security"] == "max-age=63072000"
    assert not failed.headers_out


def test_always_does_not_touch_headers_out(tmp_path):
    """Apache's documented pitfall: the two conditions are two tables."""
    req = Req(config(tmp_path, "Header always unset X-Powered-By\nHeader unset X-Other\n"))
    req.headers_out["X-Powered-By"] = "handler"
    req.err_headers_out["X-Other"] = "handler"
    response_start(req, False)
    assert req.headers_out["X-Powered-By"] == "handler"
    assert req.err_headers_out["X-Other"] == "handler"


def test_env_conditions(tmp_path):
    c = config(tmp_path, "Header set X-If yes env=FLAG\nHeader set X-Unless yes env=!FLAG\n")
    with_flag, without = Req(c, env=[("FLAG", "1")]), Req(c)
    response_start(with_flag, False)
    response_start(without, False)
    assert with_flag.headers_out.items() == [("X-If", "yes")]
    assert without.headers_out.items() == [("X-Unless", "yes")]


def test_echo_edit_and_note(tmp_path):
    c = config(tmp_path, "\n".join([
        "Header echo ^X-Trace",
        "Header edit Set-Cookie ^(.*)$ \"$1; HttpOnly\"",
        "Header edit* X-Many a b",
        "Header edit X-One a b",
        "Header note X-Backend backend-note",
        "Header unset X-Backend",
        "Header edit Content-Type ^text/html$ text/html;charset=utf-8",
    ]) + "\n")
    req = Req(c, headers_in=[("X-Trace-Id", "42"), ("X-Other", "no"), ("X-Trace-Span", "7")])
    req.headers_out.add("Set-Cookie", "a=1")
    req.headers_out.add("Set-Cookie", "b=2")
    req.headers_out["X-Many"] = "banana"
    req.headers_out["X-One"] = "banana"
    req.headers_out["X-Backend"] = "app7"
    req.content_type = "text/html"
    response_start(req, False)
    out = req.headers_out
    assert out.getlist("X-Trace-Id") == ["42"] and out.getlist("X-Trace-Span") == ["7"]
    assert "X-Other" not in out
    assert out.getlist("Set-Cookie") == ["a=1; HttpOnly", "b=2; HttpOnly"]
    assert out["X-Many"] == "bbnbnb" and out["X-One"] == "bbnana"
    assert req.notes["backend-note"] == "app7" and "X-Backend" not in out
    assert req.content_type == "text/html;charset=utf-8"


def test_request_header_late_and_early(tmp_path):
    c = config(tmp_path, "RequestHeader set X-Late late\n"
                         "RequestHeader append X-Early from-config early\n"
                         "RequestHeader unset X-Secret\n"
                         "Header set X-Early-Out yes early\n")
    req = Req(c, headers_in=[("X-Early", "client"), ("X-Secret", "s")])
    post_read_request(req)
    assert req.headers_in["X-Early"] == "client, from-config"
    assert req.headers_out["X-Early-Out"] == "yes"
    assert "X-Late" not in req.headers_in and req.headers_in["X-Secret"] == "s"
    fixups(req)
    assert req.headers_in["X-Late"] == "late" and "X-Secret" not in req.headers_in
    before = req.headers_out.items()
    response_start(req, False)          # early lines do not run again late
    assert req.headers_out.items() == before


def test_sections_merge_outer_first(tmp_path):
    d = tmp_path / "docs"
    d.mkdir()
    s = site(tmp_path, 'Header append X-Order server\n'
                       '<Directory "%s">\nHeader append X-Order directory\n</Directory>\n'
                       '<Location /x>\nHeader unset X-Order\nHeader append X-Order location\n</Location>\n' % d)
    assert not s.errors
    merged = s.merger.location_config(s.main_server, "/x")
    assert [(e.action, e.value) for e in merged["Header"]][-2:] == [("unset", ()), ("append", ("location",))]


def test_phases_used_follows_the_configuration(tmp_path):
    from plugins.headers import phases_used
    assert phases_used(site(tmp_path, "")) == ()
    used = phases_used(site(tmp_path, "RequestHeader set A b\nHeader always set C d\n"))
    assert set(used) == {"fixups", "response_start"}


def test_helpers():
    assert tokens('a, "b, c" ,d') == ["a", '"b, c" ', "d"]
    m = re.search(r"(\d+)-(\d+)", "x12-34y")
    assert substitute(r"$2:$1[&]\$1", m) == "34:12[12-34]$1"
    assert edit(re.compile("^a"), "b", "aaa", True) == "bbb"       # Apache's edit* re-anchors
    assert edit(re.compile("x*"), "-", "ab", True) == "-a-b"        # empty matches end
