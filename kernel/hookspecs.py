"""The plugin author's manual: every hook greenphase calls, in the order Apache runs them.

A plugin is a module or object with functions marked ``@greenphase.hookimpl`` (``from
greenphase import hookimpl``; ``pluggy.HookimplMarker("greenphase")`` is the same marker) and
is found through the ``greenphase`` entry-point group (``[project.entry-points.greenphase]
name = "pkg.mod"``). Installing does not enable: a site says ``LoadPlugin name`` (the built-ins
are on unless ``Plugins``/``NoPlugin``/``--plugins`` say otherwise). A plugin imports only the
names of ``greenphase.__all__``.

Request phases
--------------
Each phase hook takes the request object ``req`` and returns ``None`` (DECLINED), ``OK`` (0),
``DECLINED`` (-1), ``DONE`` (-2) or an HTTP status (100..599); constants live in
``greenphase.constants`` (``from greenphase import constants``; each is also a plain
``greenphase`` name: ``from greenphase import HTTP_NOT_FOUND``). Raising
``greenphase.SERVER_RETURN(code)`` is the same as returning ``code``. The kernel calls the
implementations one by one in the site's order (the
``tryfirst`` band, then the unmarked, then ``trylast``; within a band the ``before``/``after``
names a plugin declares in its module attribute ``greenphase_order``, then the site's plugin
list) and applies Apache's rule for the phase (the table ``PHASES`` below). A plugin that needs
to act both early and late in one phase registers two functions with
``@hookimpl(specname="check_user_id", tryfirst=True)`` and ``(..., trylast=True)``.
Hook wrappers (``wrapper=True``) are not called for phase hooks: Apache's phases have no
"around" step, and a wrapper could not tell DECLINED from OK.

* **run-all** phases (post_read_request, header_parser, access_checker, fixups,
  log_transaction): ``None``, ``OK`` and ``DECLINED`` let the next plugin run; ``DONE`` or an
  HTTP status ends the phase and becomes its result.
* **run-first** phases (translate_name, map_to_storage, check_user_id, auth_checker,
  type_checker, handler): ``None`` and ``DECLINED`` pass on to the next plugin; ``OK``,
  ``DONE`` or an HTTP status ends the phase.

What a phase result does to the request (Apache's consequences):

* ``OK`` / ``DECLINED``: go on to the next phase. In the content phase ``OK`` finishes the
  response with what was written (status ``req.status``).
* ``DONE``: stop at once, no error page; the client gets what was written (or an empty body
  with ``req.status``). log_transaction and request_cleanup still run.
* an HTTP status (200 included, as in Apache: return OK, not 200): stop; the kernel
  answers with that status through the ``error_page`` hook, sending ``err_headers_out``
  only. If output was already written, the status stays as sent and the page is appended.
* any other int: logged as an invalid result, answered as 500.
* an exception: logged, answered as 500 (``raise PhaseError(where, debug) from exc`` to say
  what failed and whether the site wants the traceback shown).
* If nobody answers a run-first phase of translate_name, check_user_id, auth_checker or
  type_checker, the request fails with 500 (Apache: "configuration error"). The kernel's own
  core plugin answers translate_name, map_to_storage and type_checker last, so a plugin only
  declines to let the defaults apply. If nobody answers ``handler``, the answer is 404.

What a plugin may use of the request
------------------------------------
mod_python's request attributes (``uri``, ``filename``, ``path_info``, ``args``, ``method``,
``headers_in``, ``headers_out``, ``err_headers_out``, ``notes``, ``subprocess_env``,
``status``, ``content_type``, ``handler``, ``user``, ``dir_config``, ``server``,
``connection``, ``main``/``prev``/``next``), ``req.write``, ``req.log_error(msg, level)``
(the error log, ``greenphase.APLOG_*`` levels, filtered by ``LogLevel``),
``req.register_cleanup``, ``req.internal_redirect``, ``req.site`` (``site.state``),
``req.use_all_phases()`` (see ``phases_for_config``), and:

* ``req.plugin_state``: a dict for a plugin's per-request state (one per request). Keys are
  ``"<plugin>.<what>"`` (``"handlers.added"``, ``"basic_auth.peeked"``): one namespace per
  plugin, so no plugin invents underscored request attributes or reads another's keys.
* ``req.content_type_set``: True once code assigned ``req.content_type`` (the core's
  type_checker does not count).
* ``req.extension``: the ``| .ext`` of the handler directive that chose the content handler
  (mod_python's), or ``None``.
* ``req.current_hook`` / ``req.current_plugin``: the phase now running, and the plugin that
  ended it or raised.

Directives every plugin may read: the kernel's own (``kernel/config/core_directives.py``: the
core's ``Options``, read through ``greenphase.options_of(req)``), the log directives,
``TraceHooks``, and ``PythonDebug``/``PythonAutoReload``/``PythonAutoReloadInterval``
(``kernel/config/python_directives.py``: every plugin that runs the site's Python code honours
them; ``greenphase.loader`` takes the interval as ``check_interval``). Another plugin's directives are
its own business. Errors: return an HTTP status (the ``error_page`` hook renders it);
``greenphase.apply_server_return(req, exc)`` applies a caught ``SERVER_RETURN`` as the
kernel would; ``greenphase.ClientGone`` means the client went away (let it propagate).

Tracing: ``greenphase serve --trace-hooks``, or ``TraceHooks On`` in a section, writes one
debug line per phase call (plugin, result, microseconds, URI) to the error log, whatever
``LogLevel`` says.

Service hooks
-------------
Called at configuration time or on demand, never as a phase. Each docstring gives its run
rule: "every implementation is called" or "the first answer that is not None wins".
"""

import pluggy

PROJECT = "greenphase"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)     # plugins: ``from greenphase import hookimpl``

# The phase table: every request phase in Apache's order with its run rule. Declared here
# once; the pipeline and the handlers plugin derive theirs from it.
RUN_ALL = "run-all"
RUN_FIRST = "run-first"
PHASES = (
    ("post_read_request", RUN_ALL),
    ("translate_name", RUN_FIRST),
    ("map_to_storage", RUN_FIRST),
    ("header_parser", RUN_ALL),
    ("access_checker", RUN_ALL),
    ("check_user_id", RUN_FIRST),
    ("auth_checker", RUN_FIRST),
    ("type_checker", RUN_FIRST),
    ("fixups", RUN_ALL),
    ("handler", RUN_FIRST),
    ("log_transaction", RUN_ALL),
    ("request_cleanup", RUN_ALL),
)
PHASE_NAMES = tuple(name for name, _ in PHASES)
RUN_FIRST_PHASES = frozenset(name for name, rule in PHASES if rule == RUN_FIRST)


# -- configuration -----------------------------------------------------------------------

@hookspec
def register_directives():
    """Return an iterable of :class:`greenphase.Directive` this plugin owns (``None``: none).

    Every implementation is called, once per site, before the configuration is read. The parser accepts only directives
    declared here or by the kernel itself; a name declared twice is an error. The merged value
    of each directive for a request is ``req.dir_config[name]`` (``req.server.config[name]`` at
    server scope).
    """


@hookspec
def apache_modules():
    """Return the Apache module names this plugin stands in for (``'python'``,
    ``'auth_basic'``...), so ``<IfModule mod_python.c>`` sections apply when it is enabled.
    Every implementation is called, once per site; ``None`` means none."""


@hookspec
def configure(site):
    """Check and prepare a parsed site (the kernel's Site: ``site.config``, ``site.servers``,
    ``site.state``, ``site.log``) before it serves.
    Every implementation is called, once per site.

    Return an iterable of :class:`greenphase.ConfigError` (all are reported together by
    ``greenphase check``), or ``None``. Precompute here what would otherwise be done per request
    and keep it in ``site.state["<plugin>.<what>"]`` (requests reach it as ``req.site``).
    """


@hookspec
def phases_used(site):
    """The request phases (hook names, ``auth_required`` included) this plugin takes part in
    for this site, or ``None`` for all of them. Every implementation is asked, once, after
    ``configure``; the kernel
    then calls the plugin's phase hooks only for those, so a plugin with nothing configured
    costs nothing per request. Answer ``None`` whenever run-time changes (``.htaccess``,
    handlers added by code) could make more phases yours.
    """


# The phases a plan per configuration decides: those that run once the request's merged
# configuration is known (post_read_request, translate_name and map_to_storage run before).
PLANNED_PHASES = PHASE_NAMES[PHASE_NAMES.index("header_parser"):] + ("auth_required",)


@hookspec
def phases_for_config(site, config):
    """The request phases (of ``PLANNED_PHASES``: header_parser onwards, and
    ``auth_required``) this plugin acts in for requests whose merged configuration is
    ``config`` (``req.dir_config`` once the URI is mapped), or ``None`` for every phase
    ``phases_used`` gave. Every implementation is asked once per merged configuration, at
    its first request; the kernel keeps the answers with the configuration (the request's
    *phase plan*) and calls only the hooks that act, so a plugin pays nothing in a
    directory where it has nothing configured.

    Answer from ``config`` alone (it may be one a ``.htaccess`` produced). A request whose
    own code makes work for a later phase (handlers added with ``req.add_handler``) calls
    ``req.use_all_phases()``: from then on it runs every hook ``phases_used`` allows. A
    plugin that raises here is logged and asked for every phase.
    """


@hookspec
def server_start(site):
    """The site is about to accept connections (after gevent patched the stdlib); no
    request arrives before every implementation returned (every implementation is called).

    Run start-up code here (``PythonImport``). Exceptions are logged; the server still starts.
    The result is ignored (return ``None``).
    """


@hookspec
def server_stop(site):
    """The site has stopped accepting connections and drained (SIGTERM). Every implementation
    is called; exceptions are logged, the result is ignored (return ``None``). Afterwards the
    callbacks given to ``site.register_cleanup(callback, data)`` run."""


@hookspec(firstresult=True)
def ssl_context(site, address):
    """Return an :class:`ssl.SSLContext` (server side) for the listening ``address``
    (``(host, port)``), or ``None`` for plain HTTP. The first answer that is not None wins.

    Called once per listening socket when a process starts serving (``--single`` and each
    worker, so a graceful reload's new workers build new contexts and reread certificates).
    The connection's TLS handshake runs in its own greenlet within ``Timeout``; a failed
    handshake closes that connection only (logged at info). The context's ``sni_callback``
    may switch certificates per server name. During a request the TLS socket is
    ``req.connection.sock`` (``version()``, ``cipher()``). The ssl plugin implements it."""


@hookspec
def request_methods():
    """Return a mapping ``name -> function(req, ...)`` or property, added to the request class
    (``None``: nothing). Every implementation is called, once per site.

    The kernel builds each site's request class once, at start-up, from these mappings, so a
    plugin extends the request without monkey-patching. Two plugins claiming one name, or a
    name the kernel's request already has, is a configuration error.
    """


@hookspec
def server_methods():
    """Like ``request_methods``, for the server object (``req.server``): every implementation
    is called, once per site; ``None`` adds nothing."""


@hookspec(firstresult=True)
def named_handler(name):
    """Resolve a handler a plugin provides by name (``'mod_python.publisher'``).

    The first answer that is not None wins. Return a callable ``f(req) -> result`` or
    ``None`` when the name is not yours.
    Other functions of mod_python's package are asked for as ``'module::function'``: the
    PSP plugin asks for ``'mod_python.Session::Session'`` (``f(req) -> session``) when a
    page uses ``session``.
    """


@hookspec(firstresult=True)
def process_connection(conn):
    """Serve a whole connection instead of HTTP (Apache's process_connection hook; mod_python's
    ``PythonConnectionHandler``). Called once per accepted connection, before any byte is
    parsed; ``conn.base_server`` is the server of the address it arrived on (the first
    ``<VirtualHost>`` of that port, else the main server).

    The first answer that is not None wins: return ``OK`` (or ``DONE``) when this plugin
    served the connection (the kernel then closes it), ``None`` or ``DECLINED`` to let HTTP
    serve it. The handler speaks to the client with ``conn.read(length=-1)``,
    ``conn.readline(length=-1)`` (bytes; ``b""`` at EOF; each read waits at most the
    server's ``Timeout``) and ``conn.write(bytes)``; ``conn.local_addr``, ``conn.remote_addr``
    say who is connected. An exception is logged and the connection closed.
    """


@hookspec(firstresult=True)
def auth_required(req):
    """Does this request need an authenticated user? (Apache's ``ap_some_auth_required``.)

    The first answer that is not None wins: return ``True`` or ``False``, or ``None`` to let
    another plugin answer; ``None`` from all means no. Only when some plugin says ``True`` does the kernel run ``check_user_id`` and
    ``auth_checker``; after ``check_user_id`` says ``OK`` without setting ``req.user`` the
    kernel answers 500.
    """


@hookspec(firstresult=True)
def error_page(req, status, failure):
    """Render the body of an error response with ``status``.

    The first answer that is not None wins. ``failure`` is a :class:`greenphase.HandlerFailure` when an exception caused the error
    (with ``.exc_info``, ``.where`` and ``.debug``), else ``None``. The kernel has already set
    the status line and dropped ``headers_out`` (``err_headers_out`` is kept); if output was
    already sent, whatever this returns is appended to it.

    A plugin that only adds headers to error responses (``WWW-Authenticate`` on a 401) does
    so with ``tryfirst=True`` and returns ``None``.

    Return ``None`` to let the next plugin (finally the kernel's minimal page) render; a
    ``str`` or ``bytes`` body, sent with ``req.content_type`` (the kernel preset it to
    ``text/html; charset=iso-8859-1``); or ``True`` when you have produced the whole response
    yourself, for example with ``req.internal_redirect(uri)``.
    """


@hookspec
def response_start(req, error):
    """The status line and headers of ``req``'s response are about to be put together: the
    last moment to change ``req.status``, ``req.content_type``, ``headers_out`` and
    ``err_headers_out`` (Apache's output filters that run before the header filter, such as
    mod_headers' ``Header``). Every implementation is called, once per response, with the request that writes it (for
    a local ErrorDocument, the redirected request): at its first flushed write, or when the
    request ends if nothing was flushed. Not a phase: results are ignored; an exception is
    logged and the response goes out as it is (return ``None``).

    ``error`` is True on the kernel's error path (a phase returned an HTTP status, or raised:
    ``headers_out`` was dropped and only ``err_headers_out`` goes out), False for a response
    a handler produced, whatever its ``req.status``. List ``"response_start"`` in
    ``phases_used`` to be called; with no implementation the kernel's cost is one test.
    """


@hookspec(firstresult=True)
def filter_for(req, name, is_input):
    """Provide the output (``is_input`` False) or input filter called ``name`` (Apache's
    filter names: compare without case) for ``req``: return a factory
    ``factory(req, next) -> stage``, or ``None`` when the name is not yours. The first answer
    that is not None wins.

    Filters are added with ``kernel.add_output_filter(req, name)`` /
    ``kernel.add_input_filter(req, name)`` (the filters plugin does it for
    ``SetOutputFilter``/``AddOutputFilter``; the deflate plugin for
    ``AddOutputFilterByType``), before the handler's first write or read. The chain is
    owned by the response (``kernel.lib.filters`` documents the stage protocol): the
    handler's writes pass through it piece by piece before framing, a flush travels down it,
    and the end of the response closes it; a body length the handler declared is dropped
    and the filtered body is framed (Content-Length when it all fits before the end, else
    chunked). An input chain is read by ``req.read``. A request with no filter added costs
    one test per write. ``factory.ftype`` orders the stages (``kernel.filters.RESOURCE``
    before ``CONTENT_SET``), then the order of adding.
    """


# -- request phases, in Apache's order --------------------------------------------------

@hookspec
def post_read_request(req):
    """Run-all. First phase of every request, internal redirects included (sub-requests, as
    SSI's ``include virtual``, skip it as in Apache), before the URI is mapped: only the server-scope configuration applies (``<Location>`` sections are merged
    right after this phase, before translate_name). ``None``/``OK``/``DECLINED``: go on."""


@hookspec
def translate_name(req):
    """Run-first. Map ``req.uri`` to ``req.filename``. ``OK`` means you set ``filename``; the
    kernel's core (``Alias``, ``DocumentRoot``) answers last. ``None``: not
    mine, ask the next plugin."""


@hookspec
def map_to_storage(req):
    """Run-first. Settle ``req.filename``/``req.path_info`` and the per-directory
    configuration (``req.dir_config``). The core's directory walk answers last; ``OK`` from a
    plugin skips it (the request keeps its Location-only configuration). ``None``:
    not mine."""


@hookspec
def header_parser(req):
    """Run-all. Main requests only, after the per-directory configuration is known.
    ``None``/``OK``/``DECLINED``: go on; an HTTP status (403) refuses the request."""


@hookspec
def access_checker(req):
    """Run-all. Access control that needs no user (host, method, time...).
    ``None``/``OK``/``DECLINED``: go on; 403 refuses."""


@hookspec
def check_user_id(req):
    """Run-first. Authenticate: set ``req.user`` and return ``OK``, or return 401/403.

    Runs only when ``auth_required`` said ``True``. ``OK`` with no ``req.user`` becomes 500.
    ``None`` or ``DECLINED``: not mine. Declining in every plugin also becomes 500 (no
    authentication was possible)."""


@hookspec
def auth_checker(req):
    """Run-first. Authorise the authenticated ``req.user``: ``OK`` grants, 401/403 refuse.

    Runs only when ``auth_required`` said ``True`` and a user was authenticated. ``None``:
    not mine; declining in every plugin becomes 500."""


@hookspec
def type_checker(req):
    """Run-first. Set ``req.content_type`` and ``req.handler``; the core (``AddType``,
    ``AddHandler``, ``SetHandler``, the MIME table) answers last. ``None``: not mine."""


@hookspec
def fixups(req):
    """Run-all. Last chance to change the request before the content phase. The core runs
    last here: directory-level ``Redirect``, then mod_dir (a directory URI without its slash
    is a 301; with it, the ``DirectoryIndex`` file is mapped in, its own access and auth
    rules checked). ``None``/``OK``/``DECLINED``: go on."""


@hookspec
def handler(req):
    """Run-first. Produce the response: write it with ``req.write`` (or return a status).

    Check ``req.handler`` to know whether the request is yours (``'mod_python'`` from
    ``AddHandler``/``SetHandler``; ``None`` or ``greenphase.DEFAULT_HANDLER`` for
    Apache's default handler, the static plugin). ``OK`` ends the response; if every plugin
    declines (``None`` or ``DECLINED``: not mine), the client gets 404."""


@hookspec
def log_transaction(req):
    """Run-all. After the response went out; results are ignored. The kernel writes the
    access log (``CustomLog``) itself after this phase. Return ``None``."""


@hookspec
def request_cleanup(req):
    """Run-all, last. After logging, when the request is finished (also after an error or a
    client abort); after callbacks from ``req.register_cleanup``. Results are ignored,
    exceptions only logged (return ``None``)."""
