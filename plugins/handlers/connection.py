"""``PythonConnectionHandler module[::function]``: a handler for the whole connection, called
before (and instead of) HTTP, as mod_python's. Set per server (main or ``<VirtualHost>``); the
connection's server is the one of the address it arrived on, so it is used with its own
``Listen``. The default function name is ``connectionhandler``; it gets the connection
(``conn.read``, ``readline``, ``write``, ``base_server``, ``local_addr``, ``remote_addr``) and
returns ``apache.OK``. The module is found in the configuration file's directory and on
``PythonPath``.
"""

import os

from greenphase import DECLINED, OK, RSRC_CONF, Directive, loader

DEFAULT_FUNCTION = "connectionhandler"


def _parse(ctx, args, previous):
    module, _, function = args[0].partition("::")
    if not module or not all(part.isidentifier() for part in module.split(".")) \
            or (function and not function.isidentifier()):
        raise ctx.error("PythonConnectionHandler %r: expected module or module::function" % args[0])
    return (module, function or DEFAULT_FUNCTION, os.path.dirname(ctx.file or ""))


DIRECTIVE = Directive("PythonConnectionHandler", (1, 1), RSRC_CONF,
                      syntax="module[::function]", parse=_parse)


def process_connection(conn):
    setting = conn.base_server.config["PythonConnectionHandler"]
    if setting is None:
        return None
    module_name, function, directory = setting
    config = conn.base_server.config
    dirs = [directory] if directory else []
    if config["PythonPath"]:
        dirs += [d for d in loader.python_path(config["PythonPath"]) if d not in dirs]
    module = loader.import_handler_module(module_name, tuple(dirs),
                                          autoreload=config["PythonAutoReload"] is not False,
                                          check_interval=config["PythonAutoReloadInterval"] or 0)
    result = getattr(module, function)(conn)
    return DECLINED if result == DECLINED else OK
