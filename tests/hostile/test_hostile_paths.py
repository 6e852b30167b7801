"""Hostile paths: climbing out of the site, encoded separators, NUL, overlong UTF-8,
backslashes, symlinks without FollowSymLinks, `.ht*` files and handler source files.

Every file an attacker aims at holds TOP-SECRET-CONTENT (see hostile_site.py); the safe
answer is the listed status, that marker nowhere in the response, and a server that still
answers afterwards.
"""

import pytest

from hostile_client import exchange, still_serving

CLIMB, NOT_FOUND, FORBIDDEN = (400,), (404,), (403,)
HELLO = (200,)          # the handler answers: the request never reaches the file as a file
HELLO_BODY = b"Hello World!"

CASES = [
    # (id, request target, safe statuses)
    ("dotdot", "/../outside/secret.txt", CLIMB),
    ("dotdot-deep", "/" + "../" * 10 + "etc/passwd", CLIMB),
    ("dotdot-after-dir", "/nolinks/../../outside/secret.txt", CLIMB),
    ("dotdot-only", "/..", CLIMB),
    ("dotdot-encoded", "/%2e%2e/outside/secret.txt", CLIMB),
    ("dotdot-encoded-upper", "/%2E%2E/outside/secret.txt", CLIMB),
    ("dotdot-half-encoded", "/.%2e/outside/secret.txt", CLIMB),
    ("dotdot-other-half", "/%2e./outside/secret.txt", CLIMB),
    ("dotdot-into-protected", "/health/%2e%2e/auth/secret.txt", (401,)),
    ("encoded-slash", "/auth%2fsecret.txt", NOT_FOUND),
    ("encoded-slash-upper", "/auth%2Fsecret.txt", NOT_FOUND),
    ("encoded-slash-climb", "/x/..%2f..%2foutside/secret.txt", NOT_FOUND),
    ("nul", "/health%00", CLIMB),
    ("nul-before-extension", "/auth/secret.txt%00.html", CLIMB),
    ("nul-after-handler-file", "/hello/hello.py%00", CLIMB),
    ("overlong-dot", "/%c0%ae%c0%ae/outside/secret.txt", NOT_FOUND),
    ("overlong-slash", "/%c0%af..%c0%afoutside/secret.txt", NOT_FOUND),
    ("overlong-3-byte-dot", "/%e0%80%ae%e0%80%ae/outside/secret.txt", NOT_FOUND),
    ("iis-unicode-escape", "/%u002e%u002e/outside/secret.txt", NOT_FOUND),
    ("backslash-climb", "/..\\outside\\secret.txt", NOT_FOUND),
    ("backslash-encoded", "/..%5coutside%5csecret.txt", NOT_FOUND),
    ("backslash-into-protected", "/auth\\secret.txt", NOT_FOUND),
    ("symlink-to-folder", "/nolinks/out/secret.txt", FORBIDDEN),
    ("symlink-to-file", "/nolinks/secret.txt", FORBIDDEN),
    ("symlink-encoded-name", "/nolinks/%6fut/secret.txt", FORBIDDEN),
    ("symlink-as-directory-index", "/nolinks/", FORBIDDEN),
    ("symlink-as-index-by-name", "/nolinks/index.html", FORBIDDEN),
    ("htpasswd", "/.htpasswd", FORBIDDEN),
    ("htaccess", "/.htaccess", FORBIDDEN),
    ("ht-any-name", "/.htsecret", FORBIDDEN),
    ("ht-encoded-dot", "/%2ehtpasswd", FORBIDDEN),
    ("ht-encoded-letter", "/.ht%70asswd", FORBIDDEN),
    ("ht-trailing-slash", "/.htpasswd/", FORBIDDEN),
    ("ht-trailing-dot", "/.htpasswd.", (403, 404)),
    ("ht-trailing-space", "/.htpasswd%20", (403, 404)),
    ("ht-dot-segment", "/./.htpasswd", FORBIDDEN),
    ("ht-double-slash", "//.htpasswd", FORBIDDEN),
    ("ht-climb-back", "/auth/../.htpasswd", FORBIDDEN),
    ("ht-ntfs-stream", "/.htpasswd::$DATA", (403, 404)),
    ("handler-file-runs-the-handler", "/hello/hello.py", HELLO),
    ("handler-file-trailing-slash", "/hello/hello.py/", HELLO),
    ("handler-file-upper-extension", "/hello/hello.PY", (200, 404)),
    ("handler-file-trailing-dot", "/hello/hello.py.", (200, 404)),
    ("handler-file-encoded-dot", "/hello/hello%2epy", HELLO),
    ("handler-file-backup-name", "/hello/hello.py.bak", (200, 404)),
    ("imported-helper", "/hello/helper.py", HELLO),
    ("bytecode-cache", "/hello/__pycache__/", NOT_FOUND),
    ("handler-source-beside-html-handler", "/htmlhandler/errhandler.py", FORBIDDEN),
    ("handler-source-encoded", "/htmlhandler/errhandler%2epy", FORBIDDEN),
    ("handler-bytecode-beside-html-handler", "/htmlhandler/errhandler.pyc", FORBIDDEN),
    ("publisher-module", "/pub/funcs.py", (200,)),
    ("publisher-module-without-extension", "/pub/funcs", NOT_FOUND),
]


@pytest.mark.parametrize("target, statuses", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_path(site, target, statuses):
    raw = b"GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % target.encode("latin-1")
    response, rest = exchange(site.port, raw)
    assert response is not None and response.status in statuses, (response and response.raw[:300])
    assert b"TOP-SECRET" not in response.raw + rest
    if target.startswith("/hello/") and response.status == 200:
        assert response.body == HELLO_BODY
    still_serving(site)
