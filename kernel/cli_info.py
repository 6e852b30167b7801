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
    if args.json:
        data["errors"] = [str(e) for e in site.errors]
        print(json.dumps(data, indent=2))
    else:
        sys.stdout.write(render_text(data))
        for error in site.errors:
            print("error: %s" % error, file=sys.stderr)
    return 1 if site.errors else 0


def print_version():
    from .lifecycle.plugin_report import greenphase_version
    from .lifecycle.plugins import installed_plugins
    print("greenphase %s (Python %s)" % (greenphase_version(), sys.version.split()[0]))
    for name, plugin in sorted(installed_plugins().items()):
        if not plugin.builtin:
            print("  plugin %s: %s %s" % (name, plugin.distribution, plugin.version))
    return 0
