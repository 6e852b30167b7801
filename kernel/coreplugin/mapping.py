"""Apache's core mapping and mod_alias: a URI to a file name (Alias, Redirect, the document
root), the path walk to the longest existing file (path_info), and mod_dir's fixups."""

import os
import stat
from urllib.parse import quote

from greenphase import constants as C
from greenphase import hookimpl, options_of

DIRECTORY_TYPE = C.DIR_MAGIC_TYPE
_LINKS_OK = ("core", "follow symlinks")     # key in the merged config's memo


def _redirect(req):
    """mod_alias: the first Redirect/RedirectMatch that matches the URI, as a status."""
    for status, match, target in req.dir_config["Redirect"]:
        if isinstance(match, str):
            rest = _alias_rest(req.uri, match)
            if rest is None:
                continue
            location = None if target is None else target + quote(rest, safe="/")
        else:
            found = match.search(req.uri)
            if not found:
                continue
            location = None if target is None else found.expand(target.replace("$", "\\"))
        if location is not None:
            if req.args and "?" not in location:
                location += "?" + req.args
            if location.startswith("/"):
                location = req.construct_url(location)
            req.err_headers_out["Location"] = location
        return status
    return None


@hookimpl(trylast=True)
def translate_name(req):
    """mod_alias (Redirect, Alias) then DocumentRoot: the URI becomes req.filename."""
    redirect = _redirect(req)
    if redirect:
        return redirect
    uri = req.uri
    server_config = req.server.config
    for url, path in server_config["Alias"]:
        rest = _alias_rest(uri, url)
        if rest is not None:
            req.filename = path + rest
            return C.OK
    for regex, target in server_config["AliasMatch"]:
        match = regex.match(uri)
        if match:
            req.filename = match.expand(target.replace("$", "\\"))
            return C.OK
    req.filename = server_config["DocumentRoot"].rstrip("/") + uri
    return C.OK


def _alias_rest(uri, url):
    """What follows an Alias URL in ``uri`` (matching whole path segments), or None."""
    if not uri.startswith(url):
        return None
    rest = uri[len(url):]
    if url.endswith("/") or not rest or rest.startswith("/"):
        return rest
    return None


# file name -> (path, path_info) of a walk that ended on a file that is no directory: nothing
# below such a file can exist, so one stat() of it re-checks the whole answer.
_walks = {}
WALKS_KEPT = 2048


def _walk(filename):
    """(path, path_info, stat result or None) of the path walk, or a status when forbidden."""
    known = _walks.get(filename)
    if known is not None:
        try:
            st = os.stat(known[0])
        except OSError:
            st = None
        if st is not None and not stat.S_ISDIR(st.st_mode):
            return known[0], known[1], st
        # pop, not del: under the WSGI entry another request's thread may have dropped it
        _walks.pop(filename, None)
    path = os.path.normpath(filename)
    rest = "/" if filename.endswith("/") and path != "/" else ""
    st = None
    while True:
        try:
            st = os.stat(path)
            break
        except (FileNotFoundError, NotADirectoryError):
            parent, name = os.path.split(path)
            if parent == path:
                break
            rest = "/" + name + rest
            path = parent
        except OSError:
            return C.HTTP_FORBIDDEN
    if st is not None and stat.S_ISDIR(st.st_mode):
        if rest == "/":
            path, rest = path.rstrip("/") + "/", ""
        elif rest:
            first, sep, after = rest[1:].partition("/")
            path, rest, st = os.path.join(path, first), sep + after, None
    elif st is not None:
        if len(_walks) >= WALKS_KEPT:
            _walks.clear()
        _walks[filename] = (path, rest)
    return path, rest, st


@hookimpl(trylast=True)
def map_to_storage(req):
    """Apache's path walk: the longest existing prefix is the file, the rest is path_info."""
    filename = req.filename
    if filename is None:
        return C.OK
    walked = _walk(filename)
    if type(walked) is int:
        return walked
    path, rest, st = walked
    if path.rpartition("/")[2].startswith(".ht"):
        # Apache's stock configuration denies .htaccess, .htpasswd and the like everywhere.
        return C.HTTP_FORBIDDEN
    req.filename = path
    req.canonical_filename = path
    req.path_info = rest
    req.finfo = st
    if st is not None:
        req.mtime = int(st.st_mtime)
    is_dir = st is not None and stat.S_ISDIR(st.st_mode)
    config = req.dir_config = req.site.merger.directory_config(req.server, path, req.uri, is_dir)
    links_ok = config.memo.get(_LINKS_OK)
    if links_ok is None:        # a function of the merged configuration alone
        absolute, add, remove = config["Options"]
        links_ok = config.memo[_LINKS_OK] = "followsymlinks" not in remove and (
            "followsymlinks" in add or absolute is None or "followsymlinks" in absolute)
    if not links_ok and _through_symlink(req, path, options_of(config)):
        req.log_error("Symbolic link not allowed or link target not accessible: %s" % path)
        return C.HTTP_FORBIDDEN
    return C.OK


def _through_symlink(req, path, options):
    """Does ``path`` pass through a symlink below the document root (or is it one)?
    With SymLinksIfOwnerMatch a link owned by its target's owner is fine."""
    root = req.server.config["DocumentRoot"].rstrip("/")
    start = len(root) if path.startswith(root + "/") else len(os.path.dirname(path))
    current = path[:start]
    for part in path[start:].strip("/").split("/"):
        current += "/" + part
        try:
            link = os.lstat(current)
        except OSError:
            return False            # the rest does not exist: nothing more to follow
        if stat.S_ISLNK(link.st_mode):
            if "symlinksifownermatch" not in options:
                return True
            try:
                if os.stat(current).st_uid != link.st_uid:
                    return True
            except OSError:
                return True
    return False


@hookimpl(trylast=True)
def fixups(req):
    """mod_alias for Redirects in directory sections; then mod_dir: a directory request gets
    its DirectoryIndex, or a slash appended."""
    redirect = _redirect(req)
    if redirect:
        return redirect
    if req.handler is not None or req._content_type != DIRECTORY_TYPE:
        return None
    if not req.uri.endswith("/"):
        # req.uri is decoded: escape it again, or '/a%3Fb' would come back as a query string
        location = quote(req.uri, safe="/") + "/" + ("?" + req.args if req.args else "")
        req.err_headers_out["Location"] = req.construct_url(location)
        return C.HTTP_MOVED_PERMANENTLY
    for index in req.dir_config["DirectoryIndex"]:
        candidate = os.path.join(req.filename, index)
        if os.path.exists(candidate):
            return req.site.pipeline.fast_redirect(req, req.uri + index)
    return None
