"""Safe defaults and a `check` that checks: DocumentRoot is ServerRoot/htdocs (never
ServerRoot), no Listen is an error, paths and log folders and password files and taken
addresses are errors with file:line (the same lines refuse `serve`), a missing <Directory> a
warning; TraceEnable (off: 405), ServerTokens, control characters escaped in the logs."""

import os
import re
import socket
import stat
import subprocess
import sys

import pytest

from tests.support.httpclient import get
from tests.support.server import Server, free_port, greenphase_command


def run(args):
    return subprocess.run(greenphase_command() + args, capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)


# The interpreter lives under /root (mode 0700 here), which nobody cannot traverse: run the
# check once as root (every module it needs is then imported), drop to the account, run it again.
AS_USER = """
import contextlib, io, os, pwd, sys
import kernel.cli
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    kernel.cli.main(["check", "--config", sys.argv[2]])
account = pwd.getpwnam(sys.argv[1])
os.setgroups([])
os.setgid(account.pw_gid)
os.setuid(account.pw_uid)
sys.exit(kernel.cli.main(["check", "--config", sys.argv[2]]))
"""


def check(conf, user=None):
    if user is None:
        return run(["check", "--config", str(conf)])
    return subprocess.run([sys.executable, "-c", AS_USER, user, str(conf)], capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)


def error_lines(done):
    assert done.returncode == 1, done.stderr
    return sorted(line for line in done.stderr.splitlines() if line.startswith("error: "))


def test_no_document_root_serves_htdocs_never_the_config_folder(tmp_path):
    (tmp_path / "htdocs").mkdir()
    (tmp_path / "htdocs" / "index.txt").write_text("public")
    port = free_port()
    conf = tmp_path / "site.conf"
    conf.write_text("Listen 127.0.0.1:%d\n" % port)
    with Server(conf, port) as server:
        assert get(port, "/index.txt").body == b"public"
        assert get(port, "/site.conf").status == 404
        assert get(port, "/logs/error_log").status == 404
    assert (tmp_path / "logs").is_dir()     # the default log folder is created, and said so
    assert "created the log folder %s" % (tmp_path / "logs") in (tmp_path / "logs" / "error_log").read_text()
    assert server.proc.returncode == 0


def test_missing_paths_logs_and_listen_are_errors_with_file_line(tmp_path):
    (tmp_path / "file").write_text("x")
    conf = tmp_path / "bad.conf"
    conf.write_text("DocumentRoot %s/file\n"
                    "Alias /gone %s/gone\n"
                    "ErrorLog /nonexistent/dir/error_log\n"
                    "CustomLog %s/nofolder/access_log common\n"
                    "<Directory %s/absent>\n</Directory>\n" % ((tmp_path,) * 4))
    done = check(conf)
    assert done.returncode == 1
    errors = error_lines(done)
    assert any(re.match(r"error: %s: no Listen directive" % conf, e) for e in errors), errors
    assert "error: %s:1: %s/file is not a directory" % (conf, tmp_path) in errors
    assert "error: %s:2: %s/gone does not exist" % (conf, tmp_path) in errors
    assert any(e.startswith("error: %s:3: the folder of log /nonexistent/dir/error_log does not "
                            "exist" % conf) for e in errors), errors
    assert any(e.startswith("error: %s:4: the folder of log %s/nofolder/access_log" % (conf, tmp_path))
               for e in errors), errors
    assert "warning: %s:5: <Directory %s/absent/> names a folder that does not exist" % (
        conf, tmp_path) in done.stderr
    assert "5 configuration errors" in done.stderr
    assert not os.path.exists("/nonexistent/dir")
    # serve refuses with the same lines (one process and under the arbiter)
    for extra in (["--single"], []):
        served = run(["serve", "--config", str(conf)] + extra)
        assert served.returncode == 1
        assert error_lines(served) == errors


def test_default_document_root_missing_is_an_error(tmp_path):
    conf = tmp_path / "site.conf"
    conf.write_text("Listen 127.0.0.1:%d\n" % free_port())
    done = check(conf)
    assert done.returncode == 1
    assert "DocumentRoot is not set and the default %s/htdocs does not exist" % tmp_path in done.stderr


def test_listen_address_held_by_another_process(tmp_path):
    (tmp_path / "htdocs").mkdir()
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        conf = tmp_path / "site.conf"
        conf.write_text("Listen 127.0.0.1:%d\n" % port)
        done = check(conf)
    assert done.returncode == 1
    assert error_lines(done) == ["error: Listen 127.0.0.1:%d: the address is held by another "
                                 "process" % port]


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run the check as nobody")
def test_unreadable_auth_user_file_as_an_unprivileged_user(tmp_path):
    os.chmod(tmp_path, 0o755)
    for parent in tmp_path.parents:     # nobody must traverse to the file
        if str(parent) != "/":
            os.chmod(parent, os.stat(parent).st_mode | stat.S_IXOTH)
    (tmp_path / "htdocs").mkdir()
    os.chmod(tmp_path / "htdocs", 0o755)
    secret = tmp_path / "passwords"
    secret.write_text("alice:$apr1$x$y\n")
    os.chmod(secret, 0o600)
    conf = tmp_path / "site.conf"
    conf.write_text("Listen 127.0.0.1:%d\nErrorLog /dev/stderr\n<Location /p>\nAuthType Basic\n"
                    "AuthName x\nAuthUserFile %s\nRequire valid-user\n</Location>\n"
                    % (free_port(), secret))
    os.chmod(conf, 0o644)
    assert check(conf).returncode == 0                  # root reads it
    done = check(conf, user="nobody")
    assert error_lines(done) == ["error: %s:6: %s is not readable by this user (uid %d)"
                                 % (conf, secret, done_uid())]


def done_uid():
    import pwd
    return pwd.getpwnam("nobody").pw_uid


def test_trace_refused_server_tokens_and_escaped_logs(serve, tmp_path):
    (tmp_path / "raise.py").write_text(
        "from urllib.parse import unquote\n"
        "def handler(req):\n"
        "    if req.method == 'TRACE':\n        req.write('reached'); return 0\n"
        "    raise ValueError('bad \\x1b[31m' + unquote(req.args))\n")
    server = serve("ErrorLog %s/error_log\nCustomLog %s/access_log common\n"
                   "<Location /h>\nSetHandler mod_python\nPythonHandler raise\n"
                   "PythonPath \"sys.path + ['%s']\"\n</Location>\n" % (tmp_path, tmp_path, tmp_path))
    port = server.port
    answer = get(port, "/", method="TRACE")
    assert answer.status == 405
    assert "TRACE" not in answer.header("Allow")
    assert answer.header("Server") == "greenphase"        # ServerTokens' default: no versions
    assert get(port, "/h?%01x%1b").status == 500
    server.stop()
    error_log = (tmp_path / "error_log").read_text()
    assert "\x1b" not in error_log and "\x01" not in error_log
    assert "\\x1b[31m\\x01x\\x1b" in error_log
    access_log = (tmp_path / "access_log").read_text()
    assert "TRACE / HTTP/1.1\" 405" in access_log
    (tmp_path / "on").mkdir()
    server = serve("TraceEnable On\n<Location /h>\nSetHandler mod_python\nPythonHandler raise\n"
                   "PythonPath \"sys.path + ['%s']\"\n</Location>\n" % tmp_path)
    assert get(server.port, "/h", method="TRACE").body == b"reached"     # TraceEnable On


@pytest.mark.parametrize("tokens, pattern", [
    ("Prod", r"greenphase$"), ("ProductOnly", r"greenphase$"), ("Major", r"greenphase/\d+$"),
    ("Minor", r"greenphase/\d+\.\d+$"), ("Minimal", r"greenphase/\d+\.\d+\.\d+\S*$"),
    ("OS", r"greenphase/\S+ \(Linux\)$"), ("Full", r"greenphase/\S+ \(Linux\) Python/3\.\d+\.\d+$")])
def test_server_tokens(serve, tokens, pattern):
    server = serve("ServerTokens %s\n" % tokens)
    answer = get(server.port, "/")
    assert re.match(pattern, answer.header("Server")), answer.header("Server")


def test_reload_keeps_its_own_addresses(tmp_path):
    """The arbiter's reload re-runs the check; the addresses it holds are not 'taken'."""
    from kernel.deploy.probe import SiteOptions, probe
    (tmp_path / "htdocs").mkdir()
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        conf = tmp_path / "site.conf"
        conf.write_text("Listen 127.0.0.1:%d\n" % port)
        options = SiteOptions(str(conf))
        assert probe(options).errors
        assert probe(options, held=[("127.0.0.1", port)]).errors == []
