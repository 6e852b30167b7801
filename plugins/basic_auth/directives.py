"""The directives of mod_auth_basic, mod_authn_file, mod_authz_core/user/groupfile/host.

All belong where Apache allows them: directory sections and .htaccess (AllowOverride
AuthConfig), not server or virtual-host level.
"""

import dataclasses

from kernel import ConfigError
from kernel import directives as D

from .authz import AuthzConfig, Block, make_rule, merge_authz

WHERE = D.ACCESS_CONF | D.HTACCESS
BLOCK_KINDS = {"requireall": "all", "requireany": "any", "requirenone": "none"}
BLOCK_NAMES = {"all": "<RequireAll>", "any": "<RequireAny>", "none": "<RequireNone>"}



def _authz(name, **kw):
    """Apache folds a section's Require lines, <Require*> blocks and AuthMerging into one
    value: they share the key "Require"."""
    return D.Directive(name, context=WHERE, override="AuthConfig", merge=merge_authz,
                       key="Require", **kw)


def _add_rule(previous, rule, where):
    """Put a rule at a section's top level, Apache's implicit <RequireAny>."""
    if rule.negated:
        raise ConfigError("negative %s has no effect in <RequireAny> (put it inside a "
                          "<RequireAll> with a positive Require)" % where)
    previous = previous or AuthzConfig()
    return dataclasses.replace(previous, rules=previous.rules + (rule,))


def _require(ctx, args, previous):
    try:
        rule = make_rule(list(args))
    except ValueError as exc:
        raise ctx.error(str(exc)) from None
    return _add_rule(previous, rule, "Require directive")


def _block(kind, nodes, file, line):
    """A <RequireAll|Any|None> block from its inner configuration nodes."""
    children = []
    for node in nodes:
        name = node.name.lower()
        if name == "require" and not node.children:
            try:
                child = make_rule(list(node.args))
            except ValueError as exc:
                raise ConfigError(str(exc), node.file, node.line) from None
        elif name in BLOCK_KINDS and node.children is not None:
            if node.args:
                raise ConfigError("<%s> takes no arguments" % node.name, node.file, node.line)
            child = _block(BLOCK_KINDS[name], node.children, node.file, node.line)
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


def _block_directive(kind):
    def parse(ctx, args, previous):
        block = _block(kind, ctx.children, ctx.file, ctx.line)
        return _add_rule(previous, block, BLOCK_NAMES[kind])
    return parse


def _merging(ctx, args, previous):
    word = args[0].lower()
    if word not in ("off", "and", "or"):
        raise ctx.error("AuthMerging takes Off, And or Or, not %r" % args[0])
    merging = {"off": None, "and": "all", "or": "any"}[word]
    return dataclasses.replace(previous or AuthzConfig(), merging=merging)


def _auth_type(ctx, args, previous):
    """Any scheme name; ``None`` switches authentication off for the section (Apache 2.4)."""
    return None if args[0].lower() == "none" else args[0]


def _auth_name(ctx, args, previous):
    if any(ord(c) < 32 or ord(c) == 127 for c in args[0]):
        raise ctx.error("AuthName may not contain control characters")
    return args[0]


def _path(ctx, args, previous):
    return ctx.resolve_path(args[0])


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
    return D.Directive(name, context=WHERE, override="AuthConfig", **kw)


DIRECTIVES = [
    _plain("AuthType", syntax="Basic|None", parse=_auth_type),
    _plain("AuthName", syntax="realm", parse=_auth_name),
    _plain("AuthUserFile", syntax="path to an htpasswd file", parse=_path),
    _plain("AuthGroupFile", syntax="path to a group file", parse=_path),
    _plain("AuthBasicProvider", args=(1, None), syntax="file", parse=_providers, default=("file",)),
    D.flag("AuthBasicAuthoritative", default=True, context=WHERE, override="AuthConfig"),
    _plain("AuthBasicCharset", syntax="UTF-8|ISO-8859-1", parse=_charset, default="latin-1"),
    _authz("Require", args=(1, None), syntax="[not] provider [args...]", parse=_require),
    _authz("RequireAll", args=(0, 0), block=True, parse=_block_directive("all")),
    _authz("RequireAny", args=(0, 0), block=True, parse=_block_directive("any")),
    _authz("RequireNone", args=(0, 0), block=True, parse=_block_directive("none")),
    _authz("AuthMerging", syntax="Off|And|Or", parse=_merging),
]


def policy(dir_config):
    """The request's merged authorization (something with ``evaluate(req)``), or None when
    no Require applies (Apache then grants)."""
    config = dir_config["Require"]
    return config if config is not None and config.rules else None
