"""A third-party-style plugin used by the kernel tests: answers requests whose handler is
``probe`` with what the kernel made of them, or with a behaviour picked by the path."""

import json
import sys
import time

from kernel import OK, hookimpl


def _info(req):
    return {
        "uri": req.uri, "args": req.args, "filename": req.filename, "path_info": req.path_info,
        "content_type": req.content_type, "handler": req.handler, "method": req.method,
        "protocol": req.protocol, "hostname": req.hostname, "server": req.server.server_hostname,
        "directory_index": req.dir_config["DirectoryIndex"], "user": req.user,
        "env": dict(req.subprocess_env.items()), "status": req.status,
    }


@hookimpl
def handler(req):
    if req.handler != "probe":
        return None
    action = req.uri.rsplit("/", 1)[-1]
    if action == "raise":
        raise ValueError("probe raised")
    if action == "exit":
        sys.exit(3)
    if action == "interrupt":
        raise KeyboardInterrupt
    if action == "stream":
        req.content_type = "text/plain"
        req.write("one;")
        req.write("two")
        return OK
    if action == "sleep":
        req.content_type = "text/plain"
        req.write("started\n")
        time.sleep(float(req.args or 1))
        req.write("finished\n")
        return OK
    if action in ("firehose", "flood"):
        try:
            while True:
                req.write("x" * (1024 if action == "firehose" else 65536))
                if action == "firehose":
                    time.sleep(0.005)
        except IOError as exc:
            req.log_error("probe: write failed: %s" % exc)
            raise
    if action == "nap":
        time.sleep(float(req.args or 1))
        req.write("awake", 0)
        return OK
    if action == "echo":
        data = req.read()
        req.content_type = "application/octet-stream"
        req.write(data, 0)
        return OK
    if action == "redirect":
        req.internal_redirect("/target/info?from=redirect")
        return OK
    if action == "header":          # copies the query string into a response header
        from urllib.parse import unquote
        req.headers_out["X-Echo"] = unquote(req.args or "")
        req.write("header set", int(req.uri.endswith("flushed/header")))
        return OK
    if action == "ctype":
        from urllib.parse import unquote
        req.content_type = unquote(req.args or "")
        req.write("typed", 0)
        return OK
    if action == "length":          # old download code sets Content-Length by hand
        req.content_type = "text/plain"
        req.headers_out["Content-Length"] = "6"
        req.write("abc")
        req.write("def")
        return OK
    if action == "wronglength":     # declares 3 bytes, sends 6
        req.set_content_length(3)
        req.write("abcdef")
        return OK
    if action == "write-then-read":
        req.content_type = "text/plain"
        req.write("first;")
        req.write(req.read())
        return OK
    if action == "created":
        req.headers_out["Location"] = "/things/1"
        return 201
    if action == "echo-uri":
        req.content_type = "text/plain"
        req.write(req.uri)
        return OK
    if action == "url":
        req.content_type = "text/plain"
        req.write(req.construct_url("/x"), 0)
        return OK
    if action == "status":
        return int(req.args)
    report = _info(req)             # what the kernel made of it, before we set our own type
    req.content_type = "application/json"
    req.write(json.dumps(report), 0)
    return OK
