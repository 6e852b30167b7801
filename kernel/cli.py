"""greenphase: serve, check or describe an Apache-style configuration.

greenphase serve --config FILE      serve it (gunicorn's arbiter, one worker per core)
greenphase check --config FILE      report every configuration error with file:line
greenphase plugins [--config FILE]  installed plugins, which this site enables and why,
                                    and each phase's implementations in call order
"""

import argparse
import sys

PLUGINS_HELP = ("comma-separated plugin names: the exact list to enable (the core is always "
                "on); -NAME leaves one out of the default list (the built-ins, then LoadPlugin "
                "lines)")


def _parser():
    parser = argparse.ArgumentParser(prog="greenphase", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="store_true",
                        help="print greenphase's version and the enabled plugins' versions")
    sub = parser.add_subparsers(dest="command")
    for name, text in (("serve", "serve a configuration"),
                       ("check", "report every configuration error"),
                       ("plugins", "list the plugins and the hooks they implement, in call order")):
        cmd = sub.add_parser(name, help=text, description=text)
        cmd.add_argument("--config", "-f", required=name != "plugins",
                         help="Apache-style configuration file")
        cmd.add_argument("--plugins", help=PLUGINS_HELP)
        cmd.add_argument("--plugin", action="append", default=[], metavar="MODULE",
                         help="also register this importable module as a plugin (repeatable)")
        cmd.add_argument("-D", dest="defines", action="append", default=[], metavar="NAME[=VALUE]",
                         help="define a name for <IfDefine> and ${NAME}, like httpd -D")
        if name == "serve":
            from .deploy.serve import add_arguments
            add_arguments(cmd)
        if name == "plugins":
            cmd.add_argument("--json", action="store_true", help="print the report as JSON")
    return parser


def main(argv=None):
    parser = _parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    for i, word in enumerate(argv[:-1]):
        # "--plugins -static" would read -static as an option: it is the value.
        if word == "--plugins" and argv[i + 1].startswith("-"):
            argv[i:i + 2] = ["--plugins=" + argv[i + 1]]
            break
    args = parser.parse_args(argv)
    if args.version:
        from .cli_info import print_version
        return print_version()
    if args.command is None:
        parser.print_help()
        return 2
    if args.command == "plugins":
        from .cli_info import plugins_command
        return plugins_command(args)
    if args.command == "serve" and not args.single:
        from .deploy.serve import serve     # the arbiter: it imports no plugin itself
        return serve(args)
    if args.command == "serve":
        # Before any plugin or handler module is imported: blocking calls yield to other greenlets.
        from gevent import monkey
        monkey.patch_all()
    from .config.errors import ConfigError
    from .lifecycle.site import Site

    defines = dict(d.partition("=")[::2] for d in args.defines)
    plugins = [p.strip() for p in args.plugins.split(",") if p.strip()] if args.plugins else None
    try:
        site = Site(args.config, plugins=plugins, extra_plugins=args.plugin, defines=defines,
                    trace_hooks=getattr(args, "trace_hooks", False))
    except ConfigError as exc:
        print("greenphase: %s" % exc, file=sys.stderr)
        return 1
    from .lifecycle.startup_checks import startup_problems
    errors, warnings = startup_problems(site)   # paths, logs, Listen: what serving needs
    errors = [str(e) for e in site.errors] + errors
    for warning in list(site.warnings) + warnings:
        print("warning: %s" % warning, file=sys.stderr)
    if errors:
        for error in errors:
            print("error: %s" % error, file=sys.stderr)
        print("%d configuration error%s" % (len(errors), "" if len(errors) == 1 else "s"),
              file=sys.stderr)
        return 1
    if args.command == "check":
        print("Syntax OK (%s; plugins: %s)" % (site.config_file, ", ".join(site.plugin_names())))
        return 0
    from .deploy.sockets import StartError, bind
    from .http.listener import Listener
    try:
        sockets = bind(site.listen)
    except StartError as exc:
        print("greenphase: %s" % exc, file=sys.stderr)
        return 1
    Listener(site, sockets=sockets).serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
