"""CGI variables in ``req.subprocess_env`` (``add_common_vars`` / ``add_cgi_vars``)."""

import os


def add_common_vars(req):
    env = req.subprocess_env
    for key, value in req.headers_in.items():
        name = "HTTP_" + key.upper().replace("-", "_")
        if name in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
            name = name[5:]
        env[name] = value
    conn = req.connection
    env["PATH"] = os.environ.get("PATH", "/usr/bin:/bin")
    env["SERVER_SIGNATURE"] = ""
    env["SERVER_SOFTWARE"] = req.server.config["ServerTokens"]
    env["SERVER_NAME"] = req.hostname or req.server.server_hostname
    env["SERVER_ADDR"] = conn.local_ip
    env["SERVER_PORT"] = str(conn.local_addr[1])
    ip, port = req.useragent_addr
    env["REMOTE_ADDR"] = ip
    env["REMOTE_PORT"] = str(port)
    env["DOCUMENT_ROOT"] = req.document_root()
    env["REQUEST_SCHEME"] = req.scheme
    env["CONTEXT_PREFIX"] = ""
    env["CONTEXT_DOCUMENT_ROOT"] = req.document_root()
    env["SERVER_ADMIN"] = req.server.server_admin
    if req.filename:
        env["SCRIPT_FILENAME"] = req.filename
    if req.user:
        env["REMOTE_USER"] = req.user
    if req.ap_auth_type:
        env["AUTH_TYPE"] = req.ap_auth_type


def add_cgi_vars(req):
    add_common_vars(req)
    env = req.subprocess_env
    env["GATEWAY_INTERFACE"] = "CGI/1.1"
    env["SERVER_PROTOCOL"] = req.protocol
    env["REQUEST_METHOD"] = req.method
    env["QUERY_STRING"] = req.args or ""
    env["REQUEST_URI"] = req.unparsed_uri
    path_info = req.path_info or ""
    script = req.uri[: len(req.uri) - len(path_info)] if path_info and req.uri.endswith(path_info) else req.uri
    env["SCRIPT_NAME"] = script
    if path_info:
        env["PATH_INFO"] = path_info
