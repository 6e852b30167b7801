"""The site the hostile-input corpus is sent to: one of everything an attacker aims at.

`build(root)` writes it under `root` and returns the config text (no `Listen`: the `serve`
helpers add one). Every area is a plain mod_python-style config, as a user would write it:

    /health          a static file: the "is the server still answering" request
    /hello/          PythonHandler hello (AddHandler mod_python .py), helper.py beside it
    /htmlhandler/    PythonHandler errhandler for .html only: errhandler.py itself is a plain file
    /pub/            mod_python.publisher over funcs.py (private names, imports, __auth__)
    /auth/           AuthType Basic, Require valid-user (user spam, password eggs)
    /limited/        Require valid-user inside <Limit GET POST> only
    /located/        protected by a <Location> section, not a <Directory> one
    /errdoc/         ErrorDocument 404 pointing into /auth/ (a protected page)
    /nolinks/        Options -FollowSymLinks, with a link to a folder outside the site
    /inject/         handlers that try to put CR, LF or NUL into response headers
    /debugon/        PythonDebug On: the control case (a traceback is shown)
    /debugoff/       PythonDebug Off: handlers that raise, a missing module, a syntax error
    /echo/           a handler that echoes the request body (for framing cases)
"""

import base64
import hashlib
import textwrap
from pathlib import Path

USER, PASSWORD = "spam", "eggs"
SECRET = "TOP-SECRET-CONTENT"          # in every file no unauthenticated request may see
HEALTH_BODY = b"still serving\n"

FILES = {
    "health": HEALTH_BODY.decode(),
    "index.html": "<html><body>hostile corpus site</body></html>\n",
    ".htpasswd": f"{USER}:{{SHA}}" + base64.b64encode(hashlib.sha1(PASSWORD.encode()).digest()).decode()
                 + "\n",
    ".htaccess": "# never served\n",
    ".htsecret": SECRET + "\n",

    "hello/hello.py": """
        from mod_python import apache
        import helper

        SECRET = "TOP-SECRET-CONTENT"

        def handler(req):
            req.content_type = "text/plain"
            req.write("Hello World!")
            return apache.OK
        """,
    "hello/helper.py": """
        SECRET = "TOP-SECRET-CONTENT"
        """,
    "hello/notes.txt": "a plain text file, served as it is\n",
    "htmlhandler/errhandler.py": """
        from mod_python import apache

        SECRET = "TOP-SECRET-CONTENT"

        def handler(req):
            req.content_type = "text/plain"
            req.write("handled " + req.uri)
            return apache.OK
        """,
    "htmlhandler/errhandler.pyc": "TOP-SECRET-CONTENT (stands for compiled code)\n",
    "htmlhandler/page.html": "never sent: the handler answers\n",

    "pub/funcs.py": """
        # Public names are published (mod_python's rule); private ones, modules, classes,
        # builtins and anything reached through them never are.
        import os
        import sys
        from os import path as os_path
        from mod_python import apache

        PUBLIC = "a published string"
        _private = "TOP-SECRET-CONTENT"
        __secret__ = "TOP-SECRET-CONTENT"

        def index(req):
            return "index of funcs"

        def hello(name="world"):
            return "Hello, %s!" % name

        def _hidden(req):
            return "TOP-SECRET-CONTENT"

        def uri(req):
            return "uri=" + req.uri

        class Thing:
            _secret = "TOP-SECRET-CONTENT"

            def method(self, req):
                return "method of an instance"

            def _private_method(self, req):
                return "TOP-SECRET-CONTENT"

        thing = Thing()
        items = ["a published list"]
        getenv = os.getenv          # a builtin function under a public name
        opener = open               # a builtin
        """,
    "pub/guarded.py": """
        __auth_realm__ = "Guarded"

        def __auth__(req, user, password):
            return user == "spam" and password == "eggs"

        def index(req):
            return "TOP-SECRET-CONTENT"

        def page(req):
            return "TOP-SECRET-CONTENT"

        class Inner:
            def __auth__(req, user, password):
                return False

            def leaf(req):
                return "TOP-SECRET-CONTENT"

        inner = Inner
        """,

    "auth/secret.txt": "TOP-SECRET-CONTENT\n",
    "auth/index.html": "TOP-SECRET-CONTENT\n",
    "limited/secret.txt": "TOP-SECRET-CONTENT\n",
    "located/secret.txt": "TOP-SECRET-CONTENT\n",
    "errdoc/.keep": "",
    "outside/secret.txt": "TOP-SECRET-CONTENT\n",      # outside the DocumentRoot (see build)

    "inject/inject.py": """
        from mod_python import apache

        BAD = {
            "value-crlf": ("X-Evil", "a\\r\\nSet-Cookie: injected=1"),
            "value-lf": ("X-Evil", "a\\nSet-Cookie: injected=1"),
            "value-cr": ("X-Evil", "a\\rSet-Cookie: injected=1"),
            "value-nul": ("X-Evil", "a\\x00b"),
            "name-crlf": ("X-Evil\\r\\nSet-Cookie", "injected=1"),
            "name-colon": ("Set-Cookie: injected=1\\r\\nX", "y"),
            "name-space": ("X Evil", "y"),
            "name-nul": ("X-Evil\\x00", "y"),
        }

        def handler(req):
            kind = req.args or ""
            table, _, case = kind.partition(".")
            if table == "ctype":
                req.content_type = "text/html\\r\\nSet-Cookie: injected=1"
            elif table == "statusline":
                req.status_line = "200 OK\r\nSet-Cookie: injected=1"
            elif table == "length":
                req.headers_out["Content-Length"] = "4\r\nSet-Cookie: injected=1"
            elif table == "error":
                req.err_headers_out["X-Evil"] = "a\r\nSet-Cookie: injected=1"
                return apache.HTTP_NOT_FOUND
            elif table == "location":
                req.headers_out["Location"] = "/x\\r\\nSet-Cookie: injected=1"
                return apache.HTTP_MOVED_TEMPORARILY
            elif table == "err":
                name, value = BAD[case]
                req.err_headers_out[name] = value
            elif table == "flushed":
                name, value = BAD[case]
                req.headers_out[name] = value
                req.write("partial")
                req.flush()
            else:
                name, value = BAD[case]
                req.headers_out.add(name, value)
            req.content_type = req.content_type if table == "ctype" else "text/plain"
            req.write("body")
            return apache.OK
        """,

    "debugoff/boom.py": """
        from mod_python import apache

        def handler(req):
            raise ValueError("boom-marker in " + __file__)

        def partial(req):
            req.content_type = "text/plain"
            req.write("partial output\\n")
            raise ValueError("boom-marker after write " + __file__)

        def badreturn(req):
            return "not-a-status"

        def authen(req):
            raise KeyError("boom-marker in authen " + __file__)

        """,
    "debugoff/pub.py": """
        def index(req):
            raise ValueError("boom-marker from publisher " + __file__)

        def args(req, needed):
            return "fine"
        """,
    "debugon/boom.py": """
        def handler(req):
            raise ValueError("boom-marker in " + __file__)
        """,
    "debugoff/syntax/broken_syntax.py": "def handler(req)\n    return 0\n",
    "debugoff/importerr/needs_missing_dep.py": "import no_such_module_boom_marker\n",

    "echo/echo.py": """
        from mod_python import apache

        def handler(req):
            req.content_type = "text/plain"
            data = req.read()
            req.write("got %d:" % len(data))
            req.write(data)
            return apache.OK
        """,
}

CONFIG = """\
ServerRoot "{root}"
DocumentRoot "{docs}"
ErrorLog "{root}/error_log"
Timeout 5
KeepAliveTimeout 5
PythonDebug Off

<Directory "{docs}/hello">
    AddHandler mod_python .py
    PythonHandler hello
</Directory>

<Directory "{docs}/htmlhandler">
    AddHandler mod_python .html
    PythonHandler errhandler
</Directory>

<Directory "{docs}/pub">
    AddHandler mod_python .py
    PythonHandler mod_python.publisher
</Directory>

<Directory "{docs}/auth">
    AuthType Basic
    AuthName "Restricted Area"
    AuthUserFile "{docs}/.htpasswd"
    Require valid-user
</Directory>

<Directory "{docs}/limited">
    AuthType Basic
    AuthName "Limited"
    AuthUserFile "{docs}/.htpasswd"
    <Limit GET POST>
        Require valid-user
    </Limit>
</Directory>

<Location /located>
    AuthType Basic
    AuthName "Located"
    AuthUserFile "{docs}/.htpasswd"
    Require valid-user
    ErrorDocument 401 /auth/secret.txt
</Location>

<Directory "{docs}/errdoc">
    ErrorDocument 404 /auth/secret.txt
    ErrorDocument 403 /auth/index.html
</Directory>

<Directory "{docs}/nolinks">
    Options -FollowSymLinks
</Directory>

<Directory "{docs}/inject">
    SetHandler mod_python
    PythonHandler inject
</Directory>

<Directory "{docs}/echo">
    SetHandler mod_python
    PythonHandler echo
</Directory>

<Directory "{docs}/debugon">
    AddHandler mod_python .py
    PythonHandler boom
    PythonDebug On
</Directory>

<Directory "{docs}/debugoff">
    AddHandler mod_python .py
    PythonHandler boom
    PythonDebug Off
    <Files "partial.py">
        PythonHandler boom::partial
    </Files>
    <Files "badreturn.py">
        PythonHandler boom::badreturn
    </Files>
    <Files "pub.py">
        PythonHandler mod_python.publisher
    </Files>
</Directory>
<Directory "{docs}/debugoff/missing">
    PythonHandler no_such_handler_module_marker
</Directory>
<Directory "{docs}/debugoff/syntax">
    PythonHandler broken_syntax
</Directory>
<Directory "{docs}/debugoff/importerr">
    PythonHandler needs_missing_dep
</Directory>
<Directory "{docs}/debugoff/authen">
    PythonPath "sys.path+['{docs}/debugoff']"
    PythonAuthenHandler boom::authen
    AuthType Basic
    AuthName "Broken"
    Require valid-user
</Directory>
"""


def build(root):
    """Write the site under `root`; returns the config text."""
    root = Path(root)
    docs = root / "docs"
    for name, text in FILES.items():
        target = (root if name.startswith("outside/") else docs) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"))
    (docs / "debugoff" / "missing").mkdir(exist_ok=True)
    (docs / "debugoff" / "missing" / "x.py").write_text("")
    (docs / "debugoff" / "authen").mkdir(exist_ok=True)
    (docs / "debugoff" / "authen" / "x.txt").write_text(SECRET + "\n")
    (docs / "nolinks").mkdir(exist_ok=True)
    (docs / "nolinks" / "out").symlink_to(root / "outside")
    (docs / "nolinks" / "secret.txt").symlink_to(root / "outside" / "secret.txt")
    (docs / "nolinks" / "index.html").symlink_to(root / "outside" / "secret.txt")
    return CONFIG.format(root=root, docs=docs)
