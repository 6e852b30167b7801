"""The core plugin's directives: mod_alias (Alias, Redirect), mod_mime (AddHandler, AddType,
TypesConfig, ForceType, SetHandler) and mod_dir (DirectoryIndex)."""

import re

from greenphase import ACCESS_CONF, HTACCESS, OR_ALL, RSRC_CONF, SERVER, Directive, update


def _path(ctx, args, previous):
    return ctx.resolve_path(args[0])


def _alias(ctx, args, previous):
    # Keep the target's trailing slash: "Alias /x/ dir/" maps /x/a to dir/a, as in Apache.
    target = ctx.resolve_path(args[1]) + ("/" if args[1].endswith("/") else "")
    ctx.check_at_start("exists", target)
    return (previous or []) + [(args[0], target)]


def _alias_match(ctx, args, previous):
    try:
        regex = re.compile(args[0])
    except re.error as exc:
        raise ctx.error("AliasMatch: bad regular expression: %s" % exc) from None
    return (previous or []) + [(regex, args[1])]


REDIRECT_STATUS = {"permanent": 301, "temp": 302, "seeother": 303, "gone": 410}


def _redirect(fixed_status=None, regex=False):
    """Redirect / RedirectMatch / RedirectPermanent / RedirectTemp into (status, match, target)."""
    def parse(ctx, args, previous):
        args = list(args)
        status = fixed_status
        if status is None and (len(args) > 2 or args[0].lower() in REDIRECT_STATUS):
            word = args.pop(0).lower()
            status = REDIRECT_STATUS.get(word) or (int(word) if word.isdigit() else None)
            if status is None or not 300 <= status < 400 and status != 410:
                raise ctx.error("redirect status must be permanent, temp, seeother, gone or 3xx")
        status = status or 302
        if status == 410:
            if len(args) != 1:
                raise ctx.error("a 'gone' redirect takes only the URL-path")
            target = None
        elif len(args) != 2:
            raise ctx.error("expected [status] %s URL" % ("regex" if regex else "URL-path"))
        else:
            target = args[1]
        match = args[0]
        if regex:
            try:
                match = re.compile(match)
            except re.error as exc:
                raise ctx.error("bad regular expression: %s" % exc) from None
        elif not match.startswith("/"):
            raise ctx.error("the URL-path must start with '/'")
        return (previous or []) + [(status, match, target)]
    return parse


def _extension_map(ctx, args, previous):
    """AddHandler/AddType: ``name ext [ext...]`` into {'.ext': name}."""
    mapping = dict(previous or {})
    for ext in args[1:]:
        ext = ext.lower()
        mapping[ext if ext.startswith(".") else "." + ext] = args[0]
    return mapping


def _remove_extensions(ctx, args, previous):
    mapping = dict(previous or {})
    for ext in args:
        ext = ext.lower()
        mapping[ext if ext.startswith(".") else "." + ext] = None
    return mapping


def _set_handler(ctx, args, previous):
    return None if args[0].lower() == "none" else args[0]


def _directory_index(ctx, args, previous):
    if args[0].lower() == "disabled":
        return []
    return (previous or []) + list(args)


MAPPING_DIRECTIVES = [
    Directive("Alias", (2, 2), RSRC_CONF, syntax="URL-path file-or-directory", parse=_alias,
              merge=lambda o, i: i + o, default=[]),
    Directive("AliasMatch", (2, 2), RSRC_CONF, syntax="regex file-or-directory",
              parse=_alias_match, merge=lambda o, i: i + o, default=[]),
    Directive("Redirect", (1, 3), OR_ALL, override="FileInfo", syntax="[status] URL-path URL",
              parse=_redirect(), merge=lambda o, i: i + o, default=[]),
    Directive("RedirectMatch", (2, 3), OR_ALL, override="FileInfo", syntax="[status] regex URL",
              parse=_redirect(regex=True), key="Redirect", merge=lambda o, i: i + o),
    Directive("RedirectPermanent", (2, 2), OR_ALL, override="FileInfo", syntax="URL-path URL",
              parse=_redirect(301), key="Redirect", merge=lambda o, i: i + o),
    Directive("RedirectTemp", (2, 2), OR_ALL, override="FileInfo", syntax="URL-path URL",
              parse=_redirect(302), key="Redirect", merge=lambda o, i: i + o),
    Directive("DirectoryIndex", (1, None), OR_ALL, override="Indexes", syntax="file [file...]|disabled",
              parse=_directory_index, default=["index.html"]),
    Directive("AddHandler", (2, None), OR_ALL, override="FileInfo", syntax="handler-name extension [extension...]",
              parse=_extension_map, merge=update, default={}),
    Directive("RemoveHandler", (1, None), ACCESS_CONF | HTACCESS, override="FileInfo",
              syntax="extension [extension...]", parse=_remove_extensions, merge=update, default={}),
    Directive("AddType", (2, None), OR_ALL, override="FileInfo", syntax="media-type extension [extension...]",
              parse=_extension_map, merge=update, default={}),
    Directive("SetHandler", (1, 1), OR_ALL, override="FileInfo", syntax="handler-name|None",
              parse=_set_handler),
    Directive("ForceType", (1, 1), ACCESS_CONF | HTACCESS, override="FileInfo", syntax="media-type|None",
              parse=_set_handler),
    Directive("TypesConfig", (1, 1), SERVER, syntax="file-path", parse=_path),
]
