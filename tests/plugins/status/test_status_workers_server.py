"""mod_status under the arbiter: the page from either worker lists every worker's pid and
counts (the shared-memory scoreboard), and in-flight requests of the other worker."""

import http.client
import json

from support.waiting import wait_for


def fresh_get(server, path):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def status_from_each_worker(server, pids, tries=400):
    """{serving pid: ?json data}, over fresh connections until every worker answered."""
    seen = {}
    for _ in range(tries):
        status, body = fresh_get(server, "/server-status?json")
        assert status == 200
        data = json.loads(body)
        seen.setdefault(data["serving_pid"], data)
        if set(seen) >= pids:
            return seen
    raise AssertionError("only workers %s answered the status page" % sorted(seen))


def test_either_workers_page_lists_every_worker_and_its_counts(status_server, status_site):
    server = status_server(workers=2)
    counts = {}
    for _ in range(400):
        status, body = fresh_get(server, "/app/pid")
        pid = int(body)
        counts[pid] = counts.get(pid, 0) + 1
        if len(counts) == 2 and min(counts.values()) >= 3:
            break
    pids = set(counts)
    assert len(pids) == 2, "both workers should have served: %s" % counts
    # A worker counts a request in log_transaction, just after its reply went out: a page
    # may lag by the last reply, so each worker's page is read until it caught up.
    good = {}
    for _ in range(400):
        data = json.loads(fresh_get(server, "/server-status?json")[1])
        listed = {w["pid"]: w for w in data["workers"]}
        assert set(listed) == pids, (data["serving_pid"], listed)
        assert data["processes"] == 2
        assert data["accesses"] == sum(w["accesses"] for w in data["workers"])
        if all(listed[pid]["accesses"] >= counts[pid] for pid in pids):
            good[data["serving_pid"]] = data
        if set(good) == pids:
            break
    assert set(good) == pids, "not every worker's page showed both workers' counts"
    auto = fresh_get(server, "/server-status?auto")[1].decode()
    assert "Processes: 2" in auto and "ServerMPM: greenphase (gevent, 2 worker processes)" in auto


def test_a_request_in_flight_on_one_worker_shows_on_the_others_page(status_server, status_site):
    server = status_server(workers=2)
    import threading
    reply = []
    thread = threading.Thread(target=lambda: reply.append(fresh_get(server, "/app/slow")))
    thread.start()
    (started,) = wait_for(status_site.started, what="the slow request in its handler")
    slow_pid = int(started.split("-")[1])
    pages = status_from_each_worker(server, {slow_pid, *_other_pids(server, slow_pid)})
    for serving, data in pages.items():
        (worker,) = [w for w in data["workers"] if w["pid"] == slow_pid]
        assert "GET /app/slow HTTP/1.1" in [r["request"] for r in worker["requests"]], serving
    status_site.open_gate()
    thread.join(30)
    assert reply == [(200, b"slow done")]


def _other_pids(server, pid):
    data = json.loads(fresh_get(server, "/server-status?json")[1])
    others = {w["pid"] for w in data["workers"]} - {pid}
    assert len(others) == 1, data["workers"]
    return others


def test_after_a_graceful_reload_the_page_lists_the_new_workers_only(status_server):
    import os
    import signal
    server = status_server(workers=2)
    old = {w["pid"] for w in json.loads(fresh_get(server, "/server-status?json")[1])["workers"]}
    assert len(old) == 2
    os.kill(server.proc.pid, signal.SIGHUP)

    def new_workers():
        listed = {w["pid"] for w in
                  json.loads(fresh_get(server, "/server-status?json")[1])["workers"]}
        return listed if len(listed) == 2 and not listed & old else None
    assert len(wait_for(new_workers, what="the old workers' slots released")) == 2
