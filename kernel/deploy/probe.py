"""Read a configuration the way ``greenphase check`` does, in a separate interpreter.

The arbiter must never import a plugin or a handler module: its workers are forked from it,
and a worker forked after a reload must import the new code, not inherit the old. So the
arbiter asks ``python -m kernel.deploy.probe`` to build the site and print, as JSON, either
the errors or the few values the arbiter needs (addresses, timeouts, accounts, log).
"""

import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass, field


@dataclass
class SiteOptions:
    """What ``greenphase serve`` was told: enough to build the same site again."""

    config_file: str
    plugins: list | None = None         # None: every installed plugin
    extra_plugins: list = field(default_factory=list)
    defines: dict = field(default_factory=dict)
    trace_hooks: bool = False           # --trace-hooks

    def build(self):
        from ..lifecycle.site import Site
        return Site(self.config_file, plugins=self.plugins, extra_plugins=self.extra_plugins,
                    defines=self.defines, trace_hooks=self.trace_hooks)

    def argv(self):
        args = ["--config", self.config_file]
        if self.plugins is not None:
            args += ["--plugins", ",".join(self.plugins)]
        for name in self.extra_plugins:
            args += ["--plugin", name]
        for name, value in self.defines.items():
            args += ["-D", "%s=%s" % (name, value) if value else name]
        if self.trace_hooks:
            args.append("--trace-hooks")
        return args


@dataclass
class Settings:
    """The values of a configuration the arbiter acts on."""

    listen: list                # [(host, port)]
    graceful_timeout: float     # GracefulShutdownTimeout; 0 = no limit
    max_connections: int        # MaxConnectionsPerChild; 0 = unlimited
    max_connections_jitter: int
    worker_timeout: float
    user: int | None
    group: int | None
    pid_file: str | None
    error_log: str
    log_level: str
    server_root: str


@dataclass
class Probe:
    settings: Settings | None
    errors: list                # one line each ("file:line: what was expected")
    warnings: list


def settings_of(site):
    config = site.main_server.config
    return Settings(
        listen=[tuple(a) for a in site.listen],
        graceful_timeout=config["GracefulShutdownTimeout"] or 0.0,
        max_connections=config["MaxConnectionsPerChild"] or 0,
        max_connections_jitter=config["MaxConnectionsPerChildJitter"] or 0,
        worker_timeout=config["WorkerTimeout"] or 30.0,
        user=config["User"], group=config["Group"], pid_file=config["PidFile"],
        error_log=config["ErrorLog"], log_level=config["LogLevel"] or "warn",
        server_root=site.server_root)


def probe_here(options, held=()):
    """Build the site in this process (the probe's side), with ``greenphase check``'s start-up
    checks; ``held``: addresses the asking arbiter holds already."""
    from ..config.errors import ConfigError
    from ..lifecycle.startup_checks import startup_problems
    try:
        site = options.build()
    except ConfigError as exc:
        return Probe(None, [str(exc)], [])
    problems, warnings = startup_problems(site, held)
    errors = [str(e) for e in site.errors] + problems
    return Probe(None if errors else settings_of(site), errors,
                 [str(w) for w in site.warnings] + warnings)


def probe(options, timeout=120, held=()):
    """Build the site in a fresh interpreter; its answer (never raises for a bad config).
    ``held``: the ``(host, port)`` addresses this server listens on already (a reload)."""
    command = [sys.executable, "-m", "kernel.deploy.probe"] + options.argv()
    for host, port in held:
        command += ["--held", "%s:%d" % (host, port)]
    env = dict(os.environ)
    # The folder holding the kernel package, in case greenphase runs from a checkout.
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    env.pop("NOTIFY_SOCKET", None)
    env.pop("LISTEN_FDS", None)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              env=env, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return Probe(None, ["reading the configuration took longer than %ds" % timeout], [])
    try:
        answer = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return Probe(None, ["reading the configuration failed (exit %s): %s"
                            % (done.returncode, tail)], [])
    settings = Settings(**answer["settings"]) if answer["settings"] else None
    if settings is not None:
        settings.listen = [tuple(a) for a in settings.listen]
    return Probe(settings, answer["errors"], answer["warnings"])


def main(argv=None):
    import argparse
    parser = argparse.ArgumentParser(prog="python -m kernel.deploy.probe")
    parser.add_argument("--config", required=True)
    parser.add_argument("--plugins")
    parser.add_argument("--plugin", action="append", default=[])
    parser.add_argument("-D", dest="defines", action="append", default=[])
    parser.add_argument("--trace-hooks", action="store_true")
    parser.add_argument("--held", action="append", default=[], metavar="HOST:PORT")
    args = parser.parse_args(argv)
    options = options_from_args(args)
    held = [(h, int(p)) for h, _, p in (a.rpartition(":") for a in args.held)]
    result = probe_here(options, held)
    sys.stdout.flush()
    print(json.dumps({"settings": asdict(result.settings) if result.settings else None,
                      "errors": result.errors, "warnings": result.warnings}))
    return 0


def options_from_args(args):
    """SiteOptions from the CLI's parsed ``--config/--plugins/--plugin/-D``."""
    plugins = [p.strip() for p in args.plugins.split(",") if p.strip()] if args.plugins else None
    defines = dict(d.partition("=")[::2] for d in args.defines)
    return SiteOptions(os.path.abspath(args.config), plugins, list(args.plugin), defines,
                       getattr(args, "trace_hooks", False))


if __name__ == "__main__":
    sys.exit(main())
