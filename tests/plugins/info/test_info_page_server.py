"""mod_info in a real server: the plugin report (``greenphase plugins --json``) as JSON and
HTML, and who may see it."""

import json
import subprocess

from kernel.testing import start_server

from support.server import greenphase_command

CONFIG = """
DocumentRoot "{root}"
<Location /server-info>
    SetHandler server-info
    {access}
</Location>
{extra}
"""


def serve(tmp_path, access="Require local", extra=""):
    return start_server(CONFIG.format(root=tmp_path, access=access, extra=extra), tmp_path)


def test_json_is_what_greenphase_plugins_json_prints(tmp_path):
    server = serve(tmp_path)
    try:
        reply = server.get("/server-info?json")
        assert reply.status == 200 and reply.headers["Content-Type"] == "application/json"
        served = json.loads(reply.body)
        printed = json.loads(subprocess.run(
            greenphase_command() + ["plugins", "--json", "--config", server.config_file],
            capture_output=True, text=True, check=True, cwd=tmp_path).stdout)
        assert printed.pop("errors", []) == []       # the command adds the site's errors
        assert served == printed
        names = [p["name"] for p in served["plugins"] if p["enabled"]]
        assert "status" in names and "info" in names
    finally:
        server.stop()


def test_html_lists_plugins_phases_and_directives(tmp_path):
    server = serve(tmp_path)
    try:
        reply = server.get("/server-info")
        assert reply.status == 200 and reply.headers["Content-Type"].startswith("text/html")
        page = reply.text
        data = json.loads(server.get("/server-info?json").body)
        for plugin in data["plugins"]:
            assert "<tr><td>%s</td>" % plugin["name"] in page
        for phase in data["phases"]:
            assert "<tr><td>%s</td><td>%s</td>" % (phase["phase"], phase["rule"]) in page
        assert "ExtendedStatus" in page and "SetHandler" in page
        assert "static (trylast)" in page and "not called" in page
    finally:
        server.stop()


def test_no_require_refuses_a_client_that_is_not_local(tmp_path):
    server = serve(tmp_path, access="", extra="RemoteIPHeader X-Forwarded-For\n"
                                             "RemoteIPInternalProxy 127.0.0.1\n")
    try:
        assert server.get("/server-info").status == 200
        refused = server.get("/server-info?json", headers={"X-Forwarded-For": "203.0.113.9"})
        assert refused.status == 403 and b"plugins" not in refused.body
        assert "server-info refused to 203.0.113.9" in server.error_log(
            wait_for="server-info refused")
    finally:
        server.stop()


def test_require_local_refuses_a_remote_client(tmp_path):
    server = serve(tmp_path, extra="RemoteIPHeader X-Forwarded-For\n"
                                   "RemoteIPInternalProxy 127.0.0.1\n")
    try:
        assert server.get("/server-info").status == 200
        assert server.get("/server-info", headers={"X-Forwarded-For": "203.0.113.9"}
                          ).status == 403
    finally:
        server.stop()
