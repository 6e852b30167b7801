"""The process directives, as the arbiter reads them (no server started)."""

import pwd

from kernel.deploy.probe import SiteOptions, probe, probe_here


def options(tmp_path, text):
    config = tmp_path / "site.conf"
    config.write_text("Listen 127.0.0.1:1\n" + text + "\nDocumentRoot .\n")
    return SiteOptions(str(config))


def test_values_reach_the_arbiter(tmp_path):
    nobody = pwd.getpwnam("nobody")
    answer = probe_here(options(tmp_path, (
        "GracefulShutdownTimeout 7.5\nMaxRequestsPerChild 100\nMaxConnectionsPerChildJitter 9\n"
        "WorkerTimeout 4\nUser nobody\nGroup #%d\nPidFile run/gp.pid\n" % nobody.pw_gid)))
    assert answer.errors == []
    s = answer.settings
    assert (s.graceful_timeout, s.max_connections, s.max_connections_jitter, s.worker_timeout) \
        == (7.5, 100, 9, 4.0)
    assert (s.user, s.group) == (nobody.pw_uid, nobody.pw_gid)
    assert s.pid_file == str(tmp_path / "run" / "gp.pid")
    assert s.listen == [("127.0.0.1", 1)]


def test_apache_defaults(tmp_path):
    s = probe_here(options(tmp_path, "")).settings
    assert (s.graceful_timeout, s.max_connections, s.user, s.group, s.pid_file) == (0.0, 0, None, None, None)


def test_bad_values_name_file_and_line(tmp_path):
    opts = options(tmp_path, "User no-such-user-here\nMaxConnectionsPerChild -1\nWorkerTimeout 0\n")
    answer = probe(opts)            # through the probe interpreter, as the arbiter asks
    assert answer.settings is None
    config = opts.config_file
    assert any(e.startswith("%s:2: no such user" % config) for e in answer.errors)
    assert any(e.startswith("%s:3: expected a number >= 0" % config) for e in answer.errors)
    assert any(e.startswith("%s:4: expected a positive number of seconds" % config)
               for e in answer.errors)
