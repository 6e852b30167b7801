"""greenphase's kernel: the gevent server, the configuration language, the request object,
the phase pipeline and the plugin manager.

This module is the kernel's PUBLIC list: every name plugins and the ``mod_python`` face may
import, as ``from kernel import X``. Nothing else of the kernel is a contract
(``tests/test_architecture.py`` checks it). The rooms behind it are described in
``docs/architecture.md``.

Names are resolved on first use: ``greenphase serve`` imports this package before gevent's
monkey-patching, and the modules behind some names (the loader's lock) must be made after it.
Only the constants (which import nothing) are read at once.
"""

import importlib

from .lifecycle import constants as _constants

# name -> module that defines it (relative to this package)
_PUBLIC = {
    # phase results, exceptions and the plugin markers
    "OK": ".lifecycle.constants",
    "DECLINED": ".lifecycle.constants",
    "DONE": ".lifecycle.constants",
    "constants": ".lifecycle.constants",    # the module: HTTP_*, APLOG_*, M_*, reason(), ...
    "SERVER_RETURN": ".lifecycle.errors",
    "apply_server_return": ".lifecycle.errors",
    "PhaseError": ".lifecycle.errors",
    "HandlerFailure": ".lifecycle.errors",
    "ClientGone": ".lifecycle.errors",
    "ConfigError": ".config.errors",
    "hookimpl": ".hookspecs",
    "PROJECT": ".hookspecs",
    "PHASES": ".hookspecs",             # the phase table: (name, run rule) in Apache's order
    "PHASE_NAMES": ".hookspecs",
    "RUN_ALL": ".hookspecs",
    "RUN_FIRST": ".hookspecs",
    "RUN_FIRST_PHASES": ".hookspecs",
    "Table": ".lifecycle.tables",
    "current_site": ".lifecycle.site",
    "parse_config_file": ".config.syntax",  # the configuration syntax as a tree of nodes
    "testing": ".testing",              # the module: Client, FakeRequest, build_site, ...
    # declaring directives (also as the module: ``from kernel import directives as D``)
    "directives": ".config.directives",
    "Directive": ".config.directives",
    "ParseContext": ".config.directives",
    "DirConfig": ".config.directives",
    "flag": ".config.directives",
    "keep_last": ".config.directives",
    "append": ".config.directives",
    "update": ".config.directives",
    "SERVER": ".config.directives",
    "VHOST": ".config.directives",
    "DIRECTORY": ".config.directives",
    "LOCATION": ".config.directives",
    "FILES": ".config.directives",
    "HTACCESS": ".config.directives",
    "RSRC_CONF": ".config.directives",
    "ACCESS_CONF": ".config.directives",
    "OR_ALL": ".config.directives",
    "options_of": ".config.core_directives",
    "match_location": ".config.model",  # does a <Location> section apply to a URI
    # the library for plugins and the face
    "loader": ".lib.loader",            # the module: import_handler_module, python_path, ...
    "load_file": ".lib.loader",
    "Field": ".lib.forms",
    "FieldList": ".lib.forms",
    "FieldStorage": ".lib.forms",
    "StringField": ".lib.forms",
    "parse_qs": ".lib.query_strings",
    "parse_qsl": ".lib.query_strings",
    "redirect": ".lib.forms",
    "MissingArgument": ".lib.arguments",
    "accepted_parameters": ".lib.arguments",
    "bind_form": ".lib.arguments",
    "apply_fs_data": ".lib.arguments",
    "parse_basic": ".lib.basic_credentials",
    "basic_challenge": ".lib.basic_credentials",
    "NoCredentials": ".lib.basic_credentials",
    "BadCredentials": ".lib.basic_credentials",
    "OtherScheme": ".lib.basic_credentials",
    "Cookie": ".lib.cookies",
    "CookieError": ".lib.cookies",
    "MarshalCookie": ".lib.cookies",
    "SignedCookie": ".lib.cookies",
    "add_cookie": ".lib.cookies",
    "get_cookie": ".lib.cookies",
    "get_cookies": ".lib.cookies",
    # filters (the filter_for hook's chains) and sub-requests
    "filters": ".lib.filters",          # the module: RESOURCE, CONTENT_SET, OutputStage, ...
    "OutputStage": ".lib.filters",
    "UnknownFilter": ".lib.filters",
    "add_output_filter": ".lib.filters",
    "add_input_filter": ".lib.filters",
    "run_subrequest": ".lifecycle.subrequest",
    # operators' pages (status, info): who may see them, what the plugins are
    "is_local_client": ".lib.clients",      # Apache's Require local
    "access_configured": ".lib.clients",    # did the configuration set Require/Allow here
    "plugin_report": ".lifecycle.plugin_report",  # what `greenphase plugins --json` prints
}

# Public names that are modules (namespaces), and names spelled differently where defined.
_MODULES = {"constants", "directives", "filters", "loader", "testing"}
_DEFINED_AS = {"current_site": "current", "basic_challenge": "challenge",
               "parse_config_file": "parse_file", "plugin_report": "report"}
# Every constant (HTTP_*, APLOG_*, M_*, DIR_MAGIC_TYPE ...) is public under its own name too.
_PUBLIC.update((name, ".lifecycle.constants") for name in vars(_constants)
               if name.isupper() and not name.startswith("_"))

__all__ = sorted(_PUBLIC)


def __getattr__(name):
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError("module 'kernel' has no public name %r (see kernel.__all__)" % name)
    owner = importlib.import_module(module, __name__)
    value = owner if name in _MODULES else getattr(owner, _DEFINED_AS.get(name, name))
    globals()[name] = value
    return value


def __dir__():
    return __all__
