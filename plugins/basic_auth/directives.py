"""The directives of mod_auth_basic, mod_authn_file, mod_authz_core/user/groupfile/host,
mod_access_compat, and the access-control side of ``<Limit>``/``<LimitExcept>``.

All belong where Apache allows them: directory sections and .htaccess (AllowOverride
AuthConfig; Limit for Order/Allow/Deny and the <Limit> blocks), not server or virtual-host
level.
"""

import dataclasses

from greenphase import ACCESS_CONF, HTACCESS, ConfigError, Directive, flag
from greenphase import constants as C

from .authz import AuthzConfig, Block, make_rule, merge_authz
from .hostaccess import ORDERS, SATISFY, HostAccess, parse_source
from .method_masks import ALL, limited_to

WHERE = ACCESS_CONF | HTACCESS
BLOCK_KINDS = {"requireall": "all", "requireany": "any", "requirenone": "none"}
BLOCK_NAMES = {"all": "<RequireAll>", "any": "<RequireAny>", "none": "<RequireNone>"}

# Apache folds a section's Require lines, <Require*> blocks, AuthMerging, Order/Allow/Deny/
# Satisfy and <Limit>/<LimitExcept> into one value: they share the key "Require". Each line
# is read by a function (value, args, children, methods) -> new value, so that a <Limit>
# can hand it the methods it applies to.
LINES = {}      # lower-case name -> (Directive, line function)


def _access(name, line, override="AuthConfig", **kw):
    def parse(ctx, args, previous):
        return line(previous or AuthzConfig(), args, ctx.children, ALL)
    directive = Directive(name, context=WHERE, override=override, merge=merge_authz,
                            key="Require", parse=parse, **kw)
    LINES[name.lower()] = (directive, line)
    return directive


def _add_rule(value, rule, where):
    """Put a rule at a section's top level, Apache's implicit <RequireAny>."""
    if rule.negated:
        raise ConfigError("negative %s has no effect in <RequireAny> (put it inside a "
                          "<RequireAll> with a positive Require)" % where)
    return dataclasses.replace(value, rules=value.rules + (rule,))


def _require(value, args, children, methods):
    try:
        rule = make_rule(list(args), methods)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    return _add_rule(value, rule, "Require directive")


def _block(kind, nodes, methods, file=None, line=None):
    """A <RequireAll|Any|None> block from its inner configuration nodes (errors about the
    block itself without a location are placed at the block by whoever reads it)."""
    children = []
    for node in nodes:
        name = node.name.lower()
        if name == "require" and not node.children:
            try:
                child = make_rule(list(node.args), methods)
            except ValueError as exc:
                raise ConfigError(str(exc), node.file, node.line) from None
        elif name in BLOCK_KINDS and node.children is not None:
            if node.args:
                raise ConfigError("<%s> takes no arguments" % node.name, node.file, node.line)
            child = _block(BLOCK_KINDS[name], node.children, methods, node.file, node.line)
        else:
            raise ConfigError("%s is not allowed inside %s (only Require and <Require*> blocks)"
                              % (node.name, BLOCK_NAMES[kind]), node.file, node.line)
        if child.negated and kind != "all":
            raise ConfigError("negative %s has no effect in %s" % (
                "Require directive" if name == "require" else "<%s>" % node.name, BLOCK_NAMES[kind]),
                node.file, node.line)
        children.append(child)
    if not children:
        raise ConfigError("%s contains no authorization directives" % BLOCK_NAMES[kind], file, line)
    if kind == "all" and all(child.negated for child in children):
        raise ConfigError("<RequireAll> contains only negative authorization directives, so it "
                          "can never grant access", file, line)
    return Block(kind, children)


def _require_block(kind):
    def line(value, args, children, methods):
        return _add_rule(value, _block(kind, children, methods), BLOCK_NAMES[kind])
    return line


def _merging(value, args, children, methods):
    word = args[0].lower()
    if word not in ("off", "and", "or"):
        raise ConfigError("AuthMerging takes Off, And or Or, not %r" % args[0])
    return dataclasses.replace(value, merging={"off": None, "and": "all", "or": "any"}[word])


# -- mod_access_compat --------------------------------------------------------------------

def _host_lines(value, field, entry):
    host = value.host or HostAccess()
    host = dataclasses.replace(host, **{field: getattr(host, field) + (entry,)})
    return dataclasses.replace(value, host=host)


def _order(value, args, children, methods):
    order = args[0].lower()
    if order not in ORDERS:
        raise ConfigError("Order takes Deny,Allow, Allow,Deny or Mutual-failure (no spaces), "
                          "not %r" % args[0])
    return _host_lines(value, "orders", (methods, order))


def _from(name, field):
    def line(value, args, children, methods):
        if args[0].lower() != "from":
            raise ConfigError("Allow and Deny must be followed by 'from'")
        for word in args[1:]:
            try:
                value = _host_lines(value, field, (methods, parse_source(word)))
            except ValueError as exc:
                raise ConfigError("%s from: %s" % (name, exc)) from None
        return value
    return line


def _satisfy(value, args, children, methods):
    word = args[0].lower()
    if word not in SATISFY:
        raise ConfigError("Satisfy takes Any or All, not %r" % args[0])
    return _host_lines(value, "satisfies", (methods, word))


# -- <Limit> and <LimitExcept> --------------------------------------------------------------

INSIDE_LIMIT = ("require", "requireall", "requireany", "requirenone", "order", "allow", "deny",
                "satisfy")


def _limit(excluded):
    block_name = "<LimitExcept>" if excluded else "<Limit>"

    def parse(ctx, args, previous):
        if "TRACE" in args and not excluded:
            raise ctx.error("TRACE cannot be controlled by <Limit>")
        unknown = [m for m in args if m != "HEAD" and (m not in C.METHODS or m == "INVALID")]
        if unknown and ctx.context == HTACCESS:
            raise ctx.error("%s: unknown method %r (only the standard methods, in capitals, "
                            "in .htaccess)" % (block_name, unknown[0]))
        methods = limited_to(args, excluded)
        value = previous or AuthzConfig()
        for node in ctx.children:
            try:
                value = _inside_limit(value, node, methods, block_name)
            except ConfigError as exc:
                if exc.file is None:
                    exc.file, exc.line = node.file, node.line
                raise
        return value
    return parse


def _inside_limit(value, node, methods, block_name):
    low, is_block = node.name.lower(), node.children is not None
    if low not in INSIDE_LIMIT or LINES[low][0].block != is_block:
        raise ConfigError("%s is not allowed inside %s (only Require, <Require*>, Order, Allow, "
                          "Deny and Satisfy)" % ("<%s>" % node.name if is_block else node.name,
                                                 block_name))
    directive, line = LINES[low]
    low_n, high_n = directive.args
    if len(node.args) < low_n or (high_n is not None and len(node.args) > high_n):
        raise ConfigError("%s: wrong number of arguments (%s %s)"
                          % (directive.name, directive.name, directive.syntax))
    return line(value, node.args, node.children or [], methods)


def _auth_type(ctx, args, previous):
    """Any scheme name; ``None`` switches authentication off for the section (Apache 2.4)."""
    return None if args[0].lower() == "none" else args[0]


def _auth_name(ctx, args, previous):
    if any(ord(c) < 32 or ord(c) == 127 for c in args[0]):
        raise ctx.error("AuthName may not contain control characters")
    return args[0]


def _path(ctx, args, previous):
    return ctx.resolve_path(args[0])


def _readable_path(ctx, args, previous):
    path = ctx.resolve_path(args[0])
    ctx.check_at_start("readable", path)    # greenphase check: unreadable is an error
    return path


def _providers(ctx, args, previous):
    """Accepted as Apache configs write it; 'file' (AuthUserFile) is the only provider."""
    unknown = [a for a in args if a.lower() != "file"]
    if unknown:
        raise ctx.error("Unknown Authn provider: %s (only 'file' is available)" % unknown[0])
    return tuple(a.lower() for a in args)


def _charset(ctx, args, previous):
    codec = {"utf-8": "utf-8", "iso-8859-1": "latin-1"}.get(args[0].lower())
    if codec is None:
        raise ctx.error("AuthBasicCharset takes UTF-8 or ISO-8859-1, not %r" % args[0])
    return codec


def _plain(name, **kw):
    return Directive(name, context=WHERE, override="AuthConfig", **kw)


DIRECTIVES = [
    _plain("AuthType", syntax="Basic|None", parse=_auth_type),
    _plain("AuthName", syntax="realm", parse=_auth_name),
    _plain("AuthUserFile", syntax="path to an htpasswd file", parse=_readable_path),
    _plain("AuthGroupFile", syntax="path to a group file", parse=_readable_path),
    _plain("AuthBasicProvider", args=(1, None), syntax="file", parse=_providers, default=("file",)),
    flag("AuthBasicAuthoritative", default=True, context=WHERE, override="AuthConfig"),
    _plain("AuthBasicCharset", syntax="UTF-8|ISO-8859-1", parse=_charset, default="latin-1"),
    _access("Require", _require, args=(1, None), syntax="[not] provider [args...]"),
    _access("RequireAll", _require_block("all"), args=(0, 0), block=True),
    _access("RequireAny", _require_block("any"), args=(0, 0), block=True),
    _access("RequireNone", _require_block("none"), args=(0, 0), block=True),
    _access("AuthMerging", _merging, syntax="Off|And|Or"),
    _access("Order", _order, override="Limit", syntax="Deny,Allow|Allow,Deny|Mutual-failure"),
    _access("Allow", _from("Allow", "allows"), override="Limit", args=(2, None),
            syntax="from all|address[/prefix]|partial address|env=[!]VAR|host..."),
    _access("Deny", _from("Deny", "denies"), override="Limit", args=(2, None),
            syntax="from all|address[/prefix]|partial address|env=[!]VAR|host..."),
    _access("Satisfy", _satisfy, syntax="Any|All"),
    # Apache takes <Limit> in .htaccess under AllowOverride Limit or AuthConfig and checks
    # each line inside against its own category; the kernel checks the block's one category.
    Directive("Limit", args=(1, None), context=WHERE, override="Limit", block=True,
                merge=merge_authz, key="Require", syntax="METHOD...", parse=_limit(False)),
    Directive("LimitExcept", args=(1, None), context=WHERE, override="Limit", block=True,
                merge=merge_authz, key="Require", syntax="METHOD...", parse=_limit(True)),
]


def policy(dir_config):
    """The request's merged authorization (something with ``evaluate(req)``), or None when
    no Require applies (Apache then grants)."""
    config = dir_config["Require"]
    return config if config is not None and config.rules else None
