"""`greenphase serve --workers N`: gunicorn's arbiter over the kernel's own server."""

import os
import pwd
import signal
import socket
import subprocess
import threading

import pytest

from conftest import Site, pids_answering, serve_command, wait_for


def test_two_workers_both_answer(site, arbiter):
    server = arbiter(site, workers=2)
    pids = pids_answering(site, 2)
    assert len(pids) == 2
    assert server.proc.pid not in pids          # the arbiter forks, the workers serve
    assert "greenphase serving" in server.stderr


def test_open_files_limit_raised_to_the_hard_limit(site, arbiter):
    # Started with a low soft limit, as many shells and service managers do.
    command = ["bash", "-c", 'ulimit -Sn 256 && exec "$@"', "bash"]
    server = arbiter(site, workers=1, command=command + serve_command(site.config, "--workers", "1"))
    with open("/proc/%d/limits" % server.proc.pid) as f:
        line = next(line for line in f if line.startswith("Max open files"))
    soft, hard = line.split()[3:5]
    assert soft == hard


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGWINCH], ids=["TERM", "WINCH"])
def test_graceful_stop_drains_both_workers(site, arbiter, signum):
    server = arbiter(site, workers=2)
    answers, threads = [], []

    def slow():
        answers.append(site.get("/slow"))

    def started_pids():
        return {name.split("-")[1] for name in os.listdir(site.state) if name.startswith("started-")}

    # Slow requests until each worker holds one in flight.
    for _ in range(40):
        thread = threading.Thread(target=slow)
        thread.start()
        threads.append(thread)
        count = len(threads)
        wait_for(lambda: len(os.listdir(site.state)) >= count, what="the slow request to start")
        if len(started_pids()) == 2:
            break
    assert len(started_pids()) == 2

    server.proc.send_signal(signum)

    def refused():
        try:
            socket.create_connection(("127.0.0.1", site.port), timeout=2).close()
            return False
        except ConnectionRefusedError:
            return True
    wait_for(refused, what="the listening socket to close")      # no new connections...
    assert server.proc.poll() is None                            # ...but still running
    (site.state / "gate").touch()
    for thread in threads:
        thread.join(30)
    assert len(answers) == len(threads)
    assert all(r.status == 200 and r.text.startswith("slow done by") for r in answers)
    assert {r.text.split()[-1] for r in answers} == started_pids()
    assert server.proc.wait(30) == 0
    assert "%s received: graceful stop" % signal.Signals(signum).name in server.stderr


def test_sigint_is_a_fast_stop(site, arbiter):
    server = arbiter(site, workers=1)
    slow = threading.Thread(target=lambda: _swallow(lambda: site.get("/slow")), daemon=True)
    slow.start()
    wait_for(lambda: os.listdir(site.state), what="the slow request to start")
    server.proc.send_signal(signal.SIGINT)
    assert server.proc.wait(30) == 0            # without waiting for the slow request
    assert "SIGINT received: fast stop" in server.stderr


def test_max_connections_per_child_replaces_the_worker(tmp_path, arbiter):
    site = Site(tmp_path / "site", extra="MaxConnectionsPerChild 3")
    arbiter(site, workers=1)
    first = [int(site.get("/").text.split()[0]) for _ in range(3)]
    assert len(set(first)) == 1                 # three connections: the same worker
    nxt = wait_for(lambda: {int(site.get("/").text.split()[0])} - set(first), what="a new worker")
    assert nxt


def test_killed_worker_is_replaced(site, arbiter):
    server = arbiter(site, workers=2)
    before = pids_answering(site, 2)
    victim = min(before)
    os.kill(victim, signal.SIGKILL)
    new = wait_for(lambda: pids_answering(site, 1, tries=1) - before, what="a new worker")
    assert victim not in new
    assert server.proc.poll() is None


def test_cpu_bound_handler_does_not_stop_the_other_worker(site, arbiter):
    server = arbiter(site, workers=2)
    pids_answering(site, 2)
    spin = threading.Thread(target=lambda: _swallow(lambda: site.get("/spin")), daemon=True)
    spin.start()
    spinner = int(wait_for(lambda: (site.state / "spinner").exists()
                           and (site.state / "spinner").read_text(), what="the spin to start"))
    answers = [site.get("/") for _ in range(10)]
    assert all(r.status == 200 for r in answers)
    assert spinner not in {int(r.text.split()[0]) for r in answers}
    # No heartbeat from the stuck worker: after WorkerTimeout the arbiter replaces it.
    wait_for(lambda: not _alive(spinner), what="the stuck worker to be stopped")
    wait_for(lambda: len(pids_answering(site, 2, tries=20) - {spinner}) == 2,
             what="a new worker beside the other")
    assert "WORKER TIMEOUT" in server.stderr


def _swallow(call):
    try:
        call()
    except OSError:
        pass            # the stuck worker was killed with the connection open


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open("/proc/%d/stat" % pid) as f:
        return f.read().split()[2] != "Z"       # a zombie not yet reaped is gone too


@pytest.mark.parametrize("mode", [["--workers", "1"], ["--single"]], ids=["arbiter", "single"])
def test_port_in_use_is_one_line(site, mode):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", site.port))
        taken.listen()
        done = subprocess.run(serve_command(site.config, *mode), capture_output=True,
                              text=True, timeout=60)
    assert done.returncode != 0
    # greenphase check's start-up checks find it before any socket is bound
    assert done.stderr.strip().splitlines() == [
        "error: Listen 127.0.0.1:%d: the address is held by another process" % site.port,
        "1 configuration error"]


def test_pid_file_written_and_removed(tmp_path, arbiter):
    site = Site(tmp_path / "site", extra="PidFile run/greenphase.pid")
    server = arbiter(site, workers=1)
    pid_file = site.root / "run" / "greenphase.pid"
    assert pid_file.read_text().strip() == str(server.proc.pid)
    assert server.stop() == 0
    assert not pid_file.exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can change user")
def test_workers_drop_to_user_and_group(site, arbiter):
    nobody = pwd.getpwnam("nobody")
    site.write_config("User nobody\nGroup #%d" % nobody.pw_gid)
    server = arbiter(site, workers=1)
    # Read from /proc: this Python may live where 'nobody' cannot read (under /root).
    with open("/proc/%d/task/%d/children" % (server.proc.pid, server.proc.pid)) as f:
        workers = [int(p) for p in f.read().split()]
    assert len(workers) == 1
    assert _ids(workers[0]) == (nobody.pw_uid, nobody.pw_gid)
    assert _ids(server.proc.pid) == (0, 0)      # the arbiter keeps root, as Apache's parent


def _ids(pid):
    with open("/proc/%d/status" % pid) as f:
        fields = dict(line.split(":", 1) for line in f)
    return int(fields["Uid"].split()[1]), int(fields["Gid"].split()[1])   # effective ids
