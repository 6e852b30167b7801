"""What ``greenphase plugins`` (and ``server-info`` pages) show: every installed plugin, whether
this site enables it and why, its directives, and each hook's implementations in call order."""

import os
from importlib.metadata import PackageNotFoundError, version

from ..hookspecs import PHASES
from .plugin_checks import where
from .plugins import CORE_PLUGIN, DISTRIBUTION

SERVICE_HOOKS = ("register_directives", "apache_modules", "configure", "phases_used", "phases_for_config",
                 "server_start", "server_stop", "request_methods", "server_methods",
                 "named_handler", "auth_required", "error_page", "response_start")


def greenphase_version():
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return "0+unknown"


def report(site):
    """A JSON-ready dict describing the site's plugins."""
    directives = {}
    for impl in site.pm.hook.register_directives.get_hookimpls():
        directives[impl.plugin_name] = sorted(d.name for d in impl.function() or ())
    plugins = [_entry(CORE_PLUGIN, "always", "entry point kernel.coreplugin", True, None,
                      directives)]
    for choice in site.plugins_enabled:
        plugins.append(_entry(choice.name, choice.why, choice.origin, True, choice.installed,
                              directives, choice.file, choice.line))
    for choice in site.plugins_left_out:
        plugins.append(_entry(choice.name, choice.why, choice.origin, False, choice.installed,
                              directives))
    pipeline = site.pipeline
    phases = []
    for name, rule in PHASES:
        called = {plugin for plugin, _ in pipeline.impls.get(name, ())}
        phases.append({"phase": name, "rule": rule,
                       "calls": [_impl(i, i.plugin_name in called)
                                 for i in reversed(getattr(site.hook, name).get_hookimpls())]})
    service = []
    for name in SERVICE_HOOKS:
        caller = getattr(site.hook, name)
        rule = "first-result" if caller.spec.opts.get("firstresult") else "all"
        service.append({"hook": name, "rule": rule,
                        "calls": [_impl(i, True) for i in reversed(caller.get_hookimpls())]})
    return {"greenphase": greenphase_version(), "config": site.config_file,
            "plugins": plugins, "phases": phases, "service_hooks": service}


def _entry(name, why, origin, enabled, installed, directives, file=None, line=None):
    entry = {"name": name, "enabled": enabled, "why": why, "origin": origin,
             "distribution": installed.distribution if installed else None,
             "version": installed.version if installed else None,
             "directives": directives.get(name, []) if enabled else []}
    if file:
        entry["enabled_at"] = "%s:%d" % (file, line or 0)
    return entry


def _impl(impl, called):
    file, line = where(impl.function)
    band = "tryfirst" if impl.tryfirst else "trylast" if impl.trylast else "normal"
    return {"plugin": impl.plugin_name, "band": band,
            "function": "%s:%s" % (_short(file), line) if file else repr(impl.function),
            "called": called}


def _short(path):
    """A path relative to the working directory when that is shorter."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return rel if len(rel) < len(path) else path


def render_text(data):
    """The report as a plain-text page."""
    out = ["greenphase %s, configuration %s" % (data["greenphase"], data["config"]), "",
           "plugins:"]
    for p in data["plugins"]:
        mark = "on " if p["enabled"] else "off"
        dist = "%s %s" % (p["distribution"], p["version"]) if p["distribution"] else p["origin"]
        out.append("  [%s] %-14s %-28s %s" % (mark, p["name"], dist, p["why"]))
        if p["directives"]:
            out.append("        directives: %s" % ", ".join(p["directives"]))
    out += ["", "request phases, in call order (not called: phases_used says the plugin has "
            "nothing to do there for this site):"]
    for phase in data["phases"]:
        calls = ", ".join("%s%s%s" % (c["plugin"], "" if c["band"] == "normal" else
                                      " (%s)" % c["band"], "" if c["called"] else " [not called]")
                          for c in phase["calls"]) or "-"
        out.append("  %-18s %-9s %s" % (phase["phase"], phase["rule"], calls))
    out += ["", "service hooks:"]
    for hook in data["service_hooks"]:
        calls = ", ".join(c["plugin"] for c in hook["calls"]) or "-"
        out.append("  %-20s %-12s %s" % (hook["hook"], hook["rule"], calls))
    out += ["", "A plugin is enabled for the whole process (LoadPlugin is server-config only); "
            "switch one off per directory through its own directives."]
    return "\n".join(out) + "\n"


def phase_table(site):
    """The README's per-phase table (Markdown) of where each enabled plugin sits in each phase
    and what it does there: its call position (band), and the first line of the hook
    implementation's docstring. Generated from the code; a test compares it with the README."""
    out = ["| phase | run rule | call order: plugin (band): what it does there |",
           "|---|---|---|"]
    for name, rule in PHASES:
        calls = []
        for impl in reversed(getattr(site.hook, name).get_hookimpls()):
            doc = " ".join((impl.function.__doc__ or "").strip().split("\n\n")[0].split())
            band = "" if not (impl.tryfirst or impl.trylast) else \
                " (%s)" % ("tryfirst" if impl.tryfirst else "trylast")
            calls.append("%d. `%s`%s: %s" % (len(calls) + 1, impl.plugin_name, band,
                                            doc.replace("|", "\\|") or "(undocumented)"))
        out.append("| `%s` | %s | %s |" % (name, rule, "<br>".join(calls) or "-"))
    return "\n".join(out) + "\n"


def _print_phase_table():
    """``python -m kernel.lifecycle.plugin_report``: the README's table for the built-ins (a
    site with no configuration enables exactly them)."""
    import tempfile
    from .site import Site
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "site.conf")
        open(path, "w").close()
        print(phase_table(Site(path)), end="")


if __name__ == "__main__":
    _print_phase_table()
