"""Graceful reload (SIGHUP, SIGUSR1): new configuration and code, not one request lost."""

import signal
import threading

import pytest

from conftest import pids_answering, wait_for


class LoopingClient:
    """Requests on fresh connections, one after another, until stopped; every failure kept."""

    def __init__(self, site):
        self.site = site
        self.answers, self.failures = [], []
        self.running = True
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self):
        while self.running:
            try:
                response = self.site.get("/")
            except OSError as exc:
                self.failures.append(repr(exc))
                continue
            if response.status != 200:
                self.failures.append(response.status)
            else:
                self.answers.append(response.text)

    def stop(self):
        self.running = False
        self.thread.join(30)


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGUSR1], ids=["HUP", "USR1"])
def test_reload_serves_new_code_without_failed_requests(site, arbiter, signum):
    server = arbiter(site, workers=2)
    old = pids_answering(site, 2)           # both workers have imported version 1
    site.write_app("v2")                    # PythonAutoReload Off: only a reload sees it
    assert {site.get("/").text.split()[1] for _ in range(10)} == {"v1"}

    client = LoopingClient(site)
    wait_for(lambda: len(client.answers) > 5, what="the client to run")
    server.proc.send_signal(signum)
    wait_for(lambda: "reloaded: new workers" in server.stderr, what="the reload")
    count = len(client.answers)
    wait_for(lambda: len(client.answers) > count + 20, what="answers after the reload")
    client.stop()

    assert client.failures == []
    after = client.answers[-10:]    # (a request an old worker accepted before it stopped is
                                    # still answered by it, with the old code)
    assert {a.split()[1] for a in after} == {"v2"}
    assert not {int(a.split()[0]) for a in after} & old       # all new workers
    name = signal.Signals(signum).name
    assert "%s received: graceful reload" % name in site.error_log
    assert server.proc.poll() is None


def test_bad_configuration_on_reload_keeps_the_old_site(site, arbiter):
    server = arbiter(site, workers=2)
    before = pids_answering(site, 2)
    text = site.config.read_text()
    site.config.write_text(text + "NoSuchDirective here\n")
    line = text.count("\n") + 1
    server.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: "reload refused" in server.stderr, what="the refusal")
    assert "%s:%d" % (site.config, line) in server.stderr        # names file and line
    assert "NoSuchDirective" in site.error_log
    assert pids_answering(site, 2) == before                    # the same workers serve
    assert server.proc.poll() is None

    # Fixed again, and with a second port: the port it holds is not "taken", the new one binds.
    from support.server import free_port
    second = free_port()
    site.config.write_text(text.replace("Listen 127.0.0.1:%d" % site.port,
                                        "Listen 127.0.0.1:%d\nListen 127.0.0.1:%d"
                                        % (site.port, second)))
    server.proc.send_signal(signal.SIGUSR1)
    wait_for(lambda: "reloaded: new workers" in server.stderr, what="the reload")
    assert site.get("/", port=second).status == 200
    assert site.get("/").status == 200
