"""The info page: the plugin report as HTML, or as JSON with ``?json``."""

import html
import json

from greenphase import HTTP_FORBIDDEN, HTTP_METHOD_NOT_ALLOWED, OK, access_configured, \
    is_local_client, plugin_report


def serve(req):
    if req.method not in ("GET", "HEAD"):
        req.err_headers_out["Allow"] = "GET, HEAD"
        return HTTP_METHOD_NOT_ALLOWED
    if not (access_configured(req) or is_local_client(req)):
        req.log_error("server-info refused to %s: not a local client and no Require for %s"
                      % (req.useragent_ip, req.uri))
        return HTTP_FORBIDDEN
    data = plugin_report(req.site)
    req.headers_out["Cache-Control"] = "no-store"
    if "json" in (req.args or "").split("&"):
        req.content_type = "application/json"
        body = json.dumps(data, indent=2) + "\n"
    else:
        req.content_type = "text/html; charset=utf-8"
        body = render(data, req.server.server_hostname)
    if req.method != "HEAD":
        req.write(body.encode("utf-8"))
    return OK


def _table(headings, rows, ident):
    e = html.escape
    out = ['<table id="%s"><tr>%s</tr>\n' % (ident, "".join("<th>%s</th>" % e(h) for h in headings))]
    for row in rows:
        out.append("<tr>%s</tr>\n" % "".join("<td>%s</td>" % e(str(c)) for c in row))
    out.append("</table>\n")
    return "".join(out)


def render(data, server):
    e = html.escape
    out = ["<!DOCTYPE html>\n<html><head><title>Server information for %s</title>\n" % e(server),
           "<style>body{font-family:sans-serif}table{border-collapse:collapse;margin-bottom:1em}"
           "td,th{border:1px solid #999;padding:2px 6px;text-align:left;vertical-align:top}"
           "</style>\n</head><body>\n<h1>Server information for %s</h1>\n" % e(server),
           "<p>greenphase %s, configuration <code>%s</code></p>\n"
           % (e(str(data["greenphase"])), e(str(data["config"]))),
           "<h2>Plugins</h2>\n"]
    out.append(_table(("Plugin", "Enabled", "Why", "Version", "From", "Directives"),
                      [(p["name"], "yes" if p["enabled"] else "no", p["why"],
                        p["version"] or "", p["origin"], " ".join(p["directives"]))
                       for p in data["plugins"]], "plugins"))
    out.append("<h2>Request phases</h2>\n")
    out.append(_table(("Phase", "Rule", "Calls, in order"),
                      [(ph["phase"], ph["rule"],
                        ", ".join("%s (%s%s)" % (c["plugin"], c["band"],
                                                "" if c["called"] else ", not called")
                                  for c in ph["calls"]))
                       for ph in data["phases"]], "phases"))
    out.append("<h2>Service hooks</h2>\n")
    out.append(_table(("Hook", "Rule", "Plugins"),
                      [(h["hook"], h["rule"], ", ".join(c["plugin"] for c in h["calls"]))
                       for h in data["service_hooks"]], "service"))
    out.append("</body></html>\n")
    return "".join(out)
