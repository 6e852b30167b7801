"""The status page in its three forms: HTML (with the live chart), ``?auto`` and ``?json``."""

import html
import json
import os
import time

from greenphase import HTTP_FORBIDDEN, HTTP_METHOD_NOT_ALLOWED, OK, access_configured, \
    is_local_client

from .live_chart import SCRIPT

# The ?auto lines greenphase writes, in Apache's order; (extended) ones only with
# ExtendedStatus On, as Apache. RequestsInFlight is greenphase's own.
AUTO_FIELDS = ("ServerVersion", "ServerMPM", "CurrentTime", "RestartTime",
               "ServerUptimeSeconds", "ServerUptime", "Total Accesses", "Total kBytes",
               "Uptime", "ReqPerSec", "BytesPerSec", "BytesPerReq", "BusyWorkers",
               "IdleWorkers", "Processes", "RequestsInFlight", "Scoreboard")


def refuse_unless_allowed(req, what):
    """403 for a client outside ``Require local`` when the configuration set no access
    control for this section (a page an operator did not mean to publish); else None."""
    if access_configured(req) or is_local_client(req):
        return None
    req.log_error("%s refused to %s: not a local client and no Require for %s"
                  % (what, req.useragent_ip, req.uri))
    return HTTP_FORBIDDEN


def serve(req, board, extended):
    if req.method not in ("GET", "HEAD"):
        req.err_headers_out["Allow"] = "GET, HEAD"
        return HTTP_METHOD_NOT_ALLOWED
    refused = refuse_unless_allowed(req, "server-status")
    if refused:
        return refused
    words = set((req.args or "").split("&"))
    data = snapshot(req, board, extended)
    req.headers_out["Cache-Control"] = "no-store"
    if "json" in words:
        req.content_type = "application/json"
        body = json.dumps(data, indent=1) + "\n"
    elif "auto" in words:
        req.content_type = "text/plain; charset=ISO-8859-1"
        body = auto(data)
    else:
        req.content_type = "text/html; charset=ISO-8859-1"
        body = page(data)
    if req.method != "HEAD":
        req.write(body.encode("latin-1", "replace"))
    return OK


def snapshot(req, board, extended):
    now = time.time()
    workers = board.workers()
    uptime = max(0, int(now - board.created))
    accesses = sum(w["accesses"] for w in workers)
    sent = sum(w["bytes"] for w in workers)
    busy = sum(1 for w in workers if w["busy"])
    data = {"server": req.server.server_hostname,
            "version": req.server.config["ServerTokens"] or "greenphase",
            "mpm": "greenphase (gevent, %d worker process%s)"
                   % (len(workers), "" if len(workers) == 1 else "es"),
            "current_time": now, "restart_time": board.created, "uptime": uptime,
            "extended": extended, "busy_workers": busy, "idle_workers": len(workers) - busy,
            "processes": len(workers), "in_flight": sum(w["busy"] for w in workers),
            "serving_pid": os.getpid()}
    if extended:
        data.update(accesses=accesses, bytes=sent,
                    req_per_sec=accesses / uptime if uptime else 0.0,
                    bytes_per_sec=sent / uptime if uptime else 0.0,
                    bytes_per_req=sent / accesses if accesses else 0.0)
    data["workers"] = [dict(w, requests=w["requests"] if extended else []) for w in workers]
    return data


def _when(t):
    return time.strftime("%A, %d-%b-%Y %H:%M:%S %Z", time.localtime(t))


def _span(seconds):
    parts = []
    for name, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        n, seconds = divmod(seconds, size)
        if n or (name == "second" and not parts):
            parts.append("%d %s%s" % (n, name, "" if n == 1 else "s"))
    return " ".join(parts)


def auto(d):
    lines = [d["server"], "ServerVersion: %s" % d["version"], "ServerMPM: %s" % d["mpm"],
             "CurrentTime: %s" % _when(d["current_time"]),
             "RestartTime: %s" % _when(d["restart_time"]),
             "ServerUptimeSeconds: %d" % d["uptime"], "ServerUptime: %s" % _span(d["uptime"])]
    if d["extended"]:
        lines += ["Total Accesses: %d" % d["accesses"], "Total kBytes: %d" % (d["bytes"] // 1024)]
    lines.append("Uptime: %d" % d["uptime"])
    if d["extended"]:
        lines += ["ReqPerSec: %g" % d["req_per_sec"], "BytesPerSec: %g" % d["bytes_per_sec"],
                  "BytesPerReq: %g" % d["bytes_per_req"]]
    lines += ["BusyWorkers: %d" % d["busy_workers"], "IdleWorkers: %d" % d["idle_workers"],
              "Processes: %d" % d["processes"], "RequestsInFlight: %d" % d["in_flight"],
              "Scoreboard: %s" % "".join("W" if w["busy"] else "_" for w in d["workers"])]
    return "\n".join(lines) + "\n"


def page(d):
    e = html.escape
    out = ["<!DOCTYPE html>\n<html><head><title>Server status for %s</title>\n" % e(d["server"]),
           "<style>body{font-family:sans-serif}table{border-collapse:collapse}"
           "td,th{border:1px solid #999;padding:2px 6px;text-align:left}</style>\n"
           "</head><body>\n<h1>Server status for %s</h1>\n<dl>\n" % e(d["server"])]
    rows = [("Server version", d["version"]), ("Server MPM", d["mpm"]),
            ("Current time", _when(d["current_time"])),
            ("Restart time", _when(d["restart_time"])),
            ("Server uptime", _span(d["uptime"]))]
    if d["extended"]:
        rows += [("Total accesses", "%d" % d["accesses"]),
                 ("Total traffic", "%d kB" % (d["bytes"] // 1024)),
                 ("Requests per second (average)", "%.3g" % d["req_per_sec"])]
    rows += [("Requests in flight", "%d" % d["in_flight"]),
             ("Busy / idle worker processes", "%d / %d" % (d["busy_workers"], d["idle_workers"]))]
    out += ["<dt>%s</dt><dd>%s</dd>\n" % (e(k), e(v)) for k, v in rows]
    out.append("</dl>\n")
    if d["extended"]:
        out.append('<h2>Requests per second</h2>\n<p>Now: <span id="rps">-</span> req/s '
                   '(every second, from <code>?json</code>)</p>\n<svg id="chart" width="600" '
                   'height="150" viewBox="0 0 600 150" data-points="0" '
                   'style="border:1px solid #999"><polyline id="line" fill="none" '
                   'stroke="#2a7" stroke-width="2" points=""/></svg>\n')
    out.append("<h2>Workers</h2>\n<table id=\"workers\"><tr><th>Slot</th><th>PID</th>"
               "<th>Started</th><th>Accesses</th><th>kB sent</th><th>In flight</th></tr>\n")
    for w in d["workers"]:
        out.append("<tr><td>%d</td><td>%d</td><td>%s</td><td>%d</td><td>%d</td><td>%d</td>"
                   "</tr>\n" % (w["slot"], w["pid"], e(_when(w["started"])), w["accesses"],
                                w["bytes"] // 1024, w["busy"]))
    out.append("</table>\n")
    if d["extended"]:
        out.append("<h2>Requests in flight</h2>\n<table id=\"requests\"><tr><th>PID</th>"
                   "<th>Age (s)</th><th>Client</th><th>Request</th></tr>\n")
        for w in d["workers"]:
            for r in w["requests"]:
                out.append("<tr><td>%d</td><td>%.1f</td><td>%s</td><td>%s</td></tr>\n"
                           % (w["pid"], r["age"], e(r["client"]), e(r["request"])))
        out.append("</table>\n<script>%s</script>\n" % SCRIPT)
    out.append("</body></html>\n")
    return "".join(out)
