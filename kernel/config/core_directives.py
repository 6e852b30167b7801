"""The Apache core directives the kernel itself reads: listening, server names, connection
limits and timeouts, Options, AllowOverride and .htaccess, request body limits.

The mapping directives (Alias, Redirect, AddHandler, DirectoryIndex...) belong to the core
plugin (``kernel.coreplugin``); the log directives to ``kernel.lifecycle.log_directives``.
"""

from .directives import DIRECTORY, OR_ALL, RSRC_CONF, SERVER, Directive, flag


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


def _seconds_or_off(ctx, args, previous):
    return 0.0 if args[0] in ("0", "off", "Off") else _seconds(ctx, args, previous)


def _path(ctx, args, previous):
    return ctx.resolve_path(args[0])


def _document_root(ctx, args, previous):
    path = ctx.resolve_path(args[0])
    ctx.check_at_start("directory", path)
    return path


def _version():
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("greenphase")
    except PackageNotFoundError:
        return "0"


def server_tokens(word):
    """The Server header for a ServerTokens keyword (Apache's six forms, naming greenphase
    and Python); None for an unknown word."""
    import platform
    word = word.lower()
    full = _version()
    parts = full.split(".")
    forms = {"prod": "greenphase", "productonly": "greenphase",
             "major": "greenphase/" + parts[0],
             "minor": "greenphase/" + ".".join(parts[:2]),
             "min": "greenphase/" + full, "minimal": "greenphase/" + full,
             "os": "greenphase/%s (%s)" % (full, platform.system() or "Unix"),
             "full": "greenphase/%s (%s) Python/%s" % (full, platform.system() or "Unix",
                                                      platform.python_version())}
    return forms.get(word)


def _server_tokens(ctx, args, previous):
    value = server_tokens(args[0])
    if value is None:
        raise ctx.error("ServerTokens takes Prod, ProductOnly, Major, Minor, Minimal, OS or Full, "
                        "got %r" % args[0])
    return value


def _trace_enable(ctx, args, previous):
    word = args[0].lower()
    if word not in ("on", "off", "extended"):
        raise ctx.error("TraceEnable takes On, Off or Extended, got %r" % args[0])
    return word != "off"


# RequestReadTimeout (mod_reqtimeout): header=20-40,MinRate=500 body=20,MinRate=500
READ_TIMEOUT_DEFAULTS = {"header": (20.0, 40.0, 500), "body": (20.0, 0.0, 500),
                         "handshake": (0.0, 0.0, 0)}


def _request_read_timeout(ctx, args, previous):
    """Each ``stage=timeout[-maxtimeout][,MinRate=rate]`` into stage -> (initial seconds
    (0 = no limit), maximum seconds (0 = none), MinRate: every MinRate bytes received add a
    second, up to the maximum), as mod_reqtimeout reads them."""
    value = dict(previous or READ_TIMEOUT_DEFAULTS)
    for word in args:
        stage, sep, spec = word.partition("=")
        stage = stage.lower()
        if not sep or stage not in READ_TIMEOUT_DEFAULTS:
            raise ctx.error("RequestReadTimeout takes handshake=, header= or body=, got %r" % word)
        times, _, rate = spec.partition(",")
        try:
            low, _, high = times.partition("-")
            low = float(low)
            high = float(high) if high else None
            minrate = 0
            if rate:
                name, _, number = rate.partition("=")
                if name.lower() != "minrate":
                    raise ValueError
                minrate = int(number)
        except ValueError:
            raise ctx.error("RequestReadTimeout %s: expected timeout[-maxtimeout][,MinRate=rate], "
                            "got %r" % (stage, spec)) from None
        if low < 0 or minrate < 0 or (high is not None and high < low):
            raise ctx.error("RequestReadTimeout %s: the maximum must not be below the timeout"
                            % stage)
        if high is not None and not minrate:
            raise ctx.error("RequestReadTimeout %s: a maximum timeout needs MinRate" % stage)
        value[stage] = (low, high if high is not None else (low if not minrate else 0.0), minrate)
    return value


def _listen(ctx, args, previous):
    host, sep, port = args[0].rpartition(":")
    if not sep:
        host, port = "0.0.0.0", args[0]
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ctx.error("Listen needs [address:]port, got %r" % args[0])
    return (previous or []) + [(host.strip("[]") or "0.0.0.0", int(port))]


def _accumulate(ctx, args, previous):
    return (previous or []) + list(args)


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


CORE_DIRECTIVES = [
    Directive("Listen", (1, 2), SERVER, syntax="[address:]port [protocol]", parse=_listen),
    Directive("ServerName", (1, 1), RSRC_CONF, syntax="hostname[:port]"),
    Directive("ServerAlias", (1, None), RSRC_CONF, syntax="hostname [hostname...]",
              parse=_accumulate),
    Directive("DocumentRoot", (1, 1), RSRC_CONF, syntax="directory", parse=_document_root),
    Directive("ServerTokens", (1, 1), SERVER, syntax="Prod|Major|Minor|Minimal|OS|Full",
              parse=_server_tokens, default="greenphase"),
    Directive("TraceEnable", (1, 1), RSRC_CONF, syntax="On|Off", parse=_trace_enable,
              default=False),
    Directive("RequestReadTimeout", (1, 3), RSRC_CONF,
              syntax="[header=timeout[-maxtimeout][,MinRate=rate]] [body=...]",
              parse=_request_read_timeout, default=READ_TIMEOUT_DEFAULTS),
    Directive("BlockingLogThreshold", (1, 1), SERVER,
              syntax="seconds the event loop may be kept busy before its stack is logged "
                     "(0 = off)", parse=_seconds_or_off, default=1.0),
    Directive("MaxConnections", (1, 1), SERVER,
              syntax="open connections per process (0 = unlimited)", parse=_int(0),
              default=20000),
    Directive("Options", (1, None), OR_ALL, override="Options", syntax="[+|-]option [[+|-]option] ...",
              parse=_options, merge=merge_options, default=(frozenset({"followsymlinks"}), frozenset(), frozenset())),
    Directive("AllowOverride", (1, None), DIRECTORY, syntax="None|All|AuthConfig|FileInfo|Indexes|Limit|Options",
              parse=_allow_override, default=frozenset()),
    Directive("AccessFileName", (1, 1), RSRC_CONF, syntax="filename", default=".htaccess"),
    Directive("AddDefaultCharset", (1, 1), OR_ALL, override="FileInfo", syntax="On|Off|charset",
              parse=_default_charset),
    Directive("AcceptPathInfo", (1, 1), OR_ALL, override="FileInfo", syntax="On|Off|Default",
              parse=_accept_path_info, default="default"),
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
