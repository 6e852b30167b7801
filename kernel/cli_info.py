"""``greenphase plugins`` and ``greenphase --version``: what is installed and what runs."""

import json
import os
import sys
import tempfile


def _site(config, plugins, extra, defines):
    from .lifecycle.site import Site
    if config:
        return Site(config, plugins=plugins, extra_plugins=extra, defines=defines)
    # No configuration: what an empty one would enable (the defaults).
    with tempfile.TemporaryDirectory() as folder:
        empty = os.path.join(folder, "empty.conf")
        open(empty, "w").close()
        return Site(empty, plugins=plugins, extra_plugins=extra, defines=defines)


def plugins_command(args):
    from .config.errors import ConfigError
    from .lifecycle.plugin_report import render_text, report

    defines = dict(d.partition("=")[::2] for d in args.defines)
    plugins = [p.strip() for p in args.plugins.split(",") if p.strip()] if args.plugins else None
    try:
        site = _site(args.config, plugins, args.plugin, defines)
    except ConfigError as exc:
        print("greenphase: %s" % exc, file=sys.stderr)
        return 1
    data = report(site)
    if not args.config:
        # The empty configuration stood for "the defaults"; its own complaints (no Listen,
        # no htdocs) are not the user's.
        data["config"] = "(none: what a site enables by default)"
        site.errors = [e for e in site.errors if "plugin" in str(e)]
    if args.json:
        data["errors"] = [str(e) for e in site.errors]
        print(json.dumps(data, indent=2))
    else:
        sys.stdout.write(render_text(data))
        for error in site.errors:
            print("error: %s" % error, file=sys.stderr)
    return 1 if site.errors else 0


def print_version():
    """greenphase's version, the built-in plugins (enabled by default) and the third-party
    plugins installed (enabled per site with LoadPlugin)."""
    from .lifecycle.plugin_report import greenphase_version
    from .lifecycle.plugins import BUILTIN_ORDER, installed_plugins
    print("greenphase %s (Python %s)" % (greenphase_version(), sys.version.split()[0]))
    installed = installed_plugins()
    builtins = [n for n in BUILTIN_ORDER if n in installed]
    print("  built-in plugins, enabled by default: %s" % ", ".join(builtins))
    for name, plugin in sorted(installed.items()):
        if not plugin.builtin:
            print("  plugin %s: %s %s (enabled by LoadPlugin %s)"
                  % (name, plugin.distribution, plugin.version, name))
    return 0
