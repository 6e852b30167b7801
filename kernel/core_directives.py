"""The kernel's own directives (Apache's core, mod_mime, mod_dir, mod_alias, mod_log_config)."""

import re

from .directives import (ACCESS_CONF, DIRECTORY, HTACCESS, OR_ALL, RSRC_CONF, SERVER, Directive,
                         flag, update)


def _int(minimum=0):
    def parse(ctx, args, previous):
        try:
            value = int(args[0])
        except ValueError:
            raise ctx.error("expected a whole number, got %r" % args[0]) from None
        if value < minimum:
            raise ctx.error("expected a number >= %d, got %d" % (minimum, value))
        return value
    return parse


def _seconds(ctx, args, previous):
    text = args[0].lower()
    try:
        value = int(text[:-2]) / 1000.0 if text.endswith("ms") else float(text)
    except ValueError:
        raise ctx.error("expected a number of seconds, got %r" % args[0]) from None
    if not value > 0:
        raise ctx.error("expected a positive number of seconds, got %r" % args[0])
    return value


def _path(ctx, args, previous):
    return ctx.resolve_path(args[0])


def _log_target(ctx, args, previous):
    target = args[0]
    if target.startswith(("|", "syslog")):
        raise ctx.error("piped and syslog logs are not supported; give a file, /dev/stdout or /dev/stderr")
    return target if target.startswith("/dev/") else ctx.resolve_path(target)


def _listen(ctx, args, previous):
    host, sep, port = args[0].rpartition(":")
    if not sep:
        host, port = "0.0.0.0", args[0]
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ctx.error("Listen needs [address:]port, got %r" % args[0])
    return (previous or []) + [(host.strip("[]") or "0.0.0.0", int(port))]


def _accumulate(ctx, args, previous):
    return (previous or []) + list(args)


def _alias(ctx, args, previous):
    # Keep the target's trailing slash: "Alias /x/ dir/" maps /x/a to dir/a, as in Apache.
    target = ctx.resolve_path(args[1]) + ("/" if args[1].endswith("/") else "")
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


OPTION_NAMES = {"all", "execcgi", "followsymlinks", "includes", "includesnoexec", "indexes",
                "multiviews", "symlinksifownermatch", "none"}


def _options(ctx, args, previous):
    absolute, add, remove = None, set(), set()
    for word in args:
        sign = word[0] if word[0] in "+-" else ""
        name = word[len(sign):].lower()
        if name not in OPTION_NAMES:
            raise ctx.error("Illegal option %s" % word)
        if not sign:
            absolute = set() if absolute is None else absolute
            if name == "all":
                absolute |= {"execcgi", "followsymlinks", "includes", "indexes", "symlinksifownermatch"}
            elif name != "none":
                absolute.add(name)
        elif sign == "+":
            add.add(name)
        else:
            remove.add(name)
    return (absolute, frozenset(add), frozenset(remove))


def merge_options(outer, inner):
    absolute, add, remove = inner
    base = set(absolute) if absolute is not None else set(outer[0] or ())
    base |= set(outer[1]) if absolute is None else set()
    base -= set(outer[2]) if absolute is None else set()
    return (base | add) - remove, frozenset(), frozenset()


def options_of(config):
    """The effective set of Options (lower-case names) of a merged configuration."""
    absolute, add, remove = config["Options"]
    return (set(absolute or ()) | add) - remove


_OVERRIDES = {"authconfig": "AuthConfig", "fileinfo": "FileInfo", "indexes": "Indexes",
              "limit": "Limit", "options": "Options", "all": "All", "none": None}


def _allow_override(ctx, args, previous):
    allowed = set()
    for word in args:
        name = word.split("=", 1)[0].lower()
        if name not in _OVERRIDES:
            raise ctx.error("Illegal override option %s" % word)
        if _OVERRIDES[name]:
            allowed.add(_OVERRIDES[name])
    return frozenset(allowed)


def _custom_log(ctx, args, previous):
    target = _log_target(ctx, args, None)
    condition = args[2] if len(args) > 2 else None
    return (previous or []) + [(target, args[1], condition)]


def _log_format(ctx, args, previous):
    formats = dict(previous or {})
    formats[args[1] if len(args) > 1 else ""] = args[0]
    return formats


def _log_level(ctx, args, previous):
    from .constants import LOG_LEVELS
    level = args[-1].split(":")[-1].lower()
    if level not in LOG_LEVELS and not level.startswith("trace"):
        raise ctx.error("LogLevel takes one of %s" % ", ".join(LOG_LEVELS))
    return "debug" if level.startswith("trace") else level


def _accept_path_info(ctx, args, previous):
    word = args[0].lower()
    if word not in ("on", "off", "default"):
        raise ctx.error("AcceptPathInfo takes On, Off or Default")
    return word


def _default_charset(ctx, args, previous):
    word = args[0]
    if word.lower() == "off":
        return None
    return "iso-8859-1" if word.lower() == "on" else word


def _directory_index(ctx, args, previous):
    if args[0].lower() == "disabled":
        return []
    return (previous or []) + list(args)


DEFAULT_LOG_FORMATS = {
    "common": '%h %l %u %t "%r" %>s %b',
    "combined": '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"',
    "": '%h %l %u %t "%r" %>s %b',
}

CORE_DIRECTIVES = [
    Directive("Listen", (1, 2), SERVER, syntax="[address:]port [protocol]", parse=_listen),
    Directive("ServerName", (1, 1), RSRC_CONF, syntax="hostname[:port]"),
    Directive("ServerAlias", (1, None), RSRC_CONF, syntax="hostname [hostname...]",
              parse=_accumulate),
    Directive("DocumentRoot", (1, 1), RSRC_CONF, syntax="directory", parse=_path),
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
    Directive("Options", (1, None), OR_ALL, override="Options", syntax="[+|-]option [[+|-]option] ...",
              parse=_options, merge=merge_options, default=(frozenset({"followsymlinks"}), frozenset(), frozenset())),
    Directive("AllowOverride", (1, None), DIRECTORY, syntax="None|All|AuthConfig|FileInfo|Indexes|Limit|Options",
              parse=_allow_override, default=frozenset()),
    Directive("AccessFileName", (1, 1), RSRC_CONF, syntax="filename", default=".htaccess"),
    Directive("AddDefaultCharset", (1, 1), OR_ALL, override="FileInfo", syntax="On|Off|charset",
              parse=_default_charset),
    Directive("AcceptPathInfo", (1, 1), OR_ALL, override="FileInfo", syntax="On|Off|Default",
              parse=_accept_path_info, default="default"),
    Directive("ErrorLog", (1, 1), RSRC_CONF, syntax="file-path", parse=_log_target),
    Directive("LogLevel", (1, None), RSRC_CONF | DIRECTORY, syntax="level", parse=_log_level, default="warn"),
    Directive("CustomLog", (2, 3), RSRC_CONF, syntax="file format|nickname [env=var]", parse=_custom_log,
              merge=lambda o, i: i, default=[]),
    Directive("TransferLog", (1, 1), RSRC_CONF, syntax="file", parse=_log_target),
    Directive("LogFormat", (1, 2), RSRC_CONF, syntax="format [nickname]", parse=_log_format,
              merge=update, default=DEFAULT_LOG_FORMATS),
    Directive("Timeout", (1, 1), RSRC_CONF, syntax="seconds", parse=_seconds, default=60.0),
    flag("KeepAlive", default=True, context=RSRC_CONF),
    Directive("KeepAliveTimeout", (1, 1), RSRC_CONF, syntax="seconds", parse=_seconds, default=5.0),
    Directive("MaxKeepAliveRequests", (1, 1), RSRC_CONF, syntax="number (0 = unlimited)", parse=_int(0),
              default=100),
    Directive("LimitRequestLine", (1, 1), RSRC_CONF, syntax="bytes", parse=_int(0), default=8190),
    Directive("LimitRequestFieldSize", (1, 1), RSRC_CONF, syntax="bytes", parse=_int(0), default=8190),
    Directive("LimitRequestFields", (1, 1), RSRC_CONF, syntax="number", parse=_int(0), default=100),
    Directive("LimitRequestBody", (1, 1), OR_ALL, override="All", syntax="bytes (0 = unlimited)",
              parse=_int(0), default=1073741824),
]
