"""A stop signal that reaches `greenphase serve` before its workers serve (before the arbiter
logs "greenphase serving") ends it promptly, with status 0: a worker still booting, or still
running the server_start hooks (PythonImport), exits at once, nothing being in flight."""

import signal
import subprocess

from conftest import Site, serve_command, wait_for

# PythonImport'ed by each worker at start: it says it runs, then waits for a gate never opened
SLOW_START = '''
import os
import time

open(os.path.join({state!r}, "importing-%d" % os.getpid()), "w").close()
while not os.path.exists(os.path.join({state!r}, "gate")):
    time.sleep(0.01)
'''


def start(site):
    return subprocess.Popen(serve_command(site.config, "--workers", "2"),
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def stop_and_wait(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise AssertionError("SIGTERM before the workers served: still running after 15 s")


def test_sigterm_while_the_workers_run_pythonimport(tmp_path):
    lib = tmp_path / "lib"
    lib.mkdir()
    site = Site(tmp_path / "site", extra='''
        PythonPath "sys.path+[%r]"
        PythonImport slow_start main
    ''' % str(lib))
    (lib / "slow_start.py").write_text(SLOW_START.format(state=str(site.state)))
    proc = start(site)
    try:
        wait_for(lambda: len(list(site.state.glob("importing-*"))) == 2,
                 what="both workers to be in PythonImport")
        assert stop_and_wait(proc) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    log = site.error_log
    assert "greenphase serving" not in log
    assert log.count("SIGTERM before it served: exits") == 2


def test_sigterm_as_the_first_worker_boots(tmp_path):
    site = Site(tmp_path / "site")
    proc = start(site)
    try:
        wait_for(lambda: "Booting worker" in site.error_log, what="a worker to be forked")
        assert stop_and_wait(proc) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "SIGTERM received" in site.error_log
