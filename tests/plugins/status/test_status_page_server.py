"""mod_status in a real server: the ?auto lines, the counters, the requests in flight, the
HTML page, ExtendedStatus Off, and who may see it."""

import json
import re
import threading

from support.status import auto_fields
from support.waiting import wait_for

AUTO_ORDER = ["ServerVersion", "ServerMPM", "CurrentTime", "RestartTime", "ServerUptimeSeconds",
              "ServerUptime", "Total Accesses", "Total kBytes", "Uptime", "ReqPerSec",
              "BytesPerSec", "BytesPerReq", "BusyWorkers", "IdleWorkers", "Processes",
              "RequestsInFlight", "Scoreboard"]


def test_auto_form_has_apaches_fields_in_order_and_counts_requests(status_server):
    server = status_server()
    for _ in range(5):
        assert server.get("/app/pid").status == 200
    reply = server.get("/server-status?auto")
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/plain")
    fields = auto_fields(reply.text)
    assert [k for k in fields if k] == AUTO_ORDER
    assert fields[""] == "localhost"
    # the five requests are served; the status request itself is in flight, as in Apache
    assert int(fields["Total Accesses"]) == 5
    assert fields["RequestsInFlight"] == "1" and fields["BusyWorkers"] == "1"
    assert fields["IdleWorkers"] == "0" and fields["Processes"] == "1"
    assert fields["Scoreboard"] == "W"
    assert int(fields["Uptime"]) == int(fields["ServerUptimeSeconds"]) >= 0
    assert float(fields["BytesPerReq"]) > 0
    again = auto_fields(server.get("/server-status?auto").text)
    assert int(again["Total Accesses"]) == 6          # the first status request counted


def test_bytes_sent_are_counted(status_server):
    server = status_server()
    before = json.loads(server.get("/server-status?json").body)
    body = server.get("/app/pid").body
    after = json.loads(server.get("/server-status?json").body)
    # the status reply, then the /app/pid reply (head and body) went out in between
    assert after["accesses"] == before["accesses"] + 2
    assert after["bytes"] - before["bytes"] > len(body) + len(server.get("/x").body)


def test_requests_in_flight_are_listed_with_uri_client_and_age(status_server, status_site):
    server = status_server()
    replies = []
    threads = [threading.Thread(target=lambda i=i: replies.append(server.get("/app/slow?n=%d" % i)))
               for i in range(2)]
    for t in threads:
        t.start()
    wait_for(lambda: len(status_site.started()) == 2, what="both slow requests in the handler")
    data = json.loads(server.get("/server-status?json").body)
    (worker,) = data["workers"]
    listed = sorted(r["request"] for r in worker["requests"])
    assert listed == ["GET /app/slow?n=0 HTTP/1.1", "GET /app/slow?n=1 HTTP/1.1",
                      "GET /server-status?json HTTP/1.1"]
    assert all(r["client"] == "127.0.0.1" and r["age"] >= 0 for r in worker["requests"])
    assert data["in_flight"] == worker["busy"] == 3
    page = server.get("/server-status").text
    assert page.count("GET /app/slow?n=") == 2
    status_site.open_gate()
    for t in threads:
        t.join(30)
    assert [r.text for r in replies] == ["slow done", "slow done"]
    after = json.loads(server.get("/server-status?json").body)
    assert after["in_flight"] == 1
    assert [r["request"] for r in after["workers"][0]["requests"]] == \
        ["GET /server-status?json HTTP/1.1"]


def test_request_lines_are_escaped_in_the_html_page(status_server):
    server = status_server()
    page = server.get("/server-status?x=<script>alert(1)</script>").text
    assert "<script>alert(1)</script>" not in page
    assert "x=&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_html_page_has_the_chart_and_the_worker_table(status_server):
    server = status_server()
    reply = server.get("/server-status")
    assert reply.status == 200 and reply.headers["Content-Type"].startswith("text/html")
    page = reply.text
    assert '<svg id="chart"' in page and "?json" in page
    assert re.search(r"<td>\d+</td><td>%s</td>" % re.escape(str(json.loads(
        server.get("/server-status?json").body)["serving_pid"])), page)
    assert "src=" not in page and "href=" not in page     # no external assets


def test_extended_status_off_shows_no_totals_and_no_request_lines(status_server):
    server = status_server(extra="ExtendedStatus Off")
    server.get("/app/pid")
    fields = auto_fields(server.get("/server-status?auto").text)
    for name in ("Total Accesses", "Total kBytes", "ReqPerSec", "BytesPerSec", "BytesPerReq"):
        assert name not in fields
    assert fields["BusyWorkers"] == "1" and fields["Uptime"]
    data = json.loads(server.get("/server-status?json").body)
    assert data["workers"][0]["requests"] == [] and "accesses" not in data


def test_extended_status_is_server_config_only(status_site, tmp_path):
    from kernel.testing import config_errors
    errors = config_errors(tmp_path, "<Location /x>\nExtendedStatus On\n</Location>\n")
    assert any("ExtendedStatus" in str(e) for e in errors), errors


def test_only_get_and_head(status_server):
    server = status_server()
    reply = server.request("POST", "/server-status", body=b"x")
    assert reply.status == 405 and reply.headers["Allow"] == "GET, HEAD"
    head = server.request("HEAD", "/server-status?auto")
    assert head.status == 200 and head.body == b""


# -- who may see it: a client behind a trusted proxy is not local ----------------------------

PROXY = """
RemoteIPHeader X-Forwarded-For
RemoteIPInternalProxy 127.0.0.1
"""
REMOTE = {"X-Forwarded-For": "203.0.113.7"}


def test_no_require_refuses_clients_that_are_not_local(status_server):
    server = status_server(access="", extra=PROXY)
    assert server.get("/server-status?auto").status == 200            # loopback: local
    reply = server.get("/server-status?auto", headers=REMOTE)
    assert reply.status == 403 and "Total Accesses" not in reply.text
    assert re.search(r"server-status refused to 203\.0\.113\.7", server.error_log(
        wait_for="server-status refused"))


def test_require_local_refuses_a_remote_client(status_server):
    server = status_server(access="Require local", extra=PROXY)
    assert server.get("/server-status?auto").status == 200
    assert server.get("/server-status?auto", headers=REMOTE).status == 403


def test_a_require_that_grants_opens_it_to_that_client(status_server):
    server = status_server(access="Require ip 203.0.113.0/24", extra=PROXY)
    assert server.get("/server-status?auto", headers=REMOTE).status == 200
    assert server.get("/server-status?auto", headers={"X-Forwarded-For": "198.51.100.1"}
                      ).status == 403
