"""Every module of mod_python 3.5's package imports, with every public name 3.5 had; names
that cannot mean anything here say so when used; the small modules behave as documented.

The name lists were taken from mod_python 3.5's sources (module-level names not starting
with ``_``); for psp, Session and Cookie only their documented API is listed here.
"""

import importlib
import os
import time

import pytest

from mod_python import _apache, apache, cache, httpdconf, publisher, util, version

PUBLIC_NAMES = {
    "apache": """
        APLOG_ALERT APLOG_CRIT APLOG_DEBUG APLOG_EMERG APLOG_ERR APLOG_INFO APLOG_NOERRNO
        APLOG_NOTICE APLOG_WARNING APR_BLK APR_CHR APR_DIR APR_FINFO_ATIME APR_FINFO_CSIZE
        APR_FINFO_CTIME APR_FINFO_DEV APR_FINFO_DIRENT APR_FINFO_GPROT APR_FINFO_GROUP
        APR_FINFO_ICASE APR_FINFO_IDENT APR_FINFO_INODE APR_FINFO_LINK APR_FINFO_MIN
        APR_FINFO_MTIME APR_FINFO_NAME APR_FINFO_NLINK APR_FINFO_NORM APR_FINFO_OWNER
        APR_FINFO_PROT APR_FINFO_SIZE APR_FINFO_TYPE APR_FINFO_UPROT APR_FINFO_USER
        APR_FINFO_WPROT APR_LNK APR_NOFILE APR_PIPE APR_REG APR_SOCK APR_UNKFILE
        AP_CONN_CLOSE AP_CONN_KEEPALIVE AP_CONN_UNKNOWN AP_MPMQ_DYNAMIC
        AP_MPMQ_HARD_LIMIT_DAEMONS AP_MPMQ_HARD_LIMIT_THREADS AP_MPMQ_IS_FORKED
        AP_MPMQ_IS_THREADED AP_MPMQ_MAX_DAEMONS AP_MPMQ_MAX_DAEMON_USED
        AP_MPMQ_MAX_REQUESTS_DAEMON AP_MPMQ_MAX_SPARE_DAEMONS AP_MPMQ_MAX_SPARE_THREADS
        AP_MPMQ_MAX_THREADS AP_MPMQ_MIN_SPARE_DAEMONS AP_MPMQ_MIN_SPARE_THREADS
        AP_MPMQ_NOT_SUPPORTED AP_MPMQ_STATIC AP_REQ_ACCEPT_PATH_INFO
        AP_REQ_DEFAULT_PATH_INFO AP_REQ_REJECT_PATH_INFO CGIStdin CGIStdout CGI_MAGIC_TYPE
        CallBack DECLINED DIR_MAGIC_TYPE DONE FINFO_ATIME FINFO_CTIME FINFO_DEV
        FINFO_FILETYPE FINFO_FNAME FINFO_GID FINFO_INO FINFO_MODE FINFO_MTIME FINFO_NAME
        FINFO_NLINK FINFO_SIZE FINFO_UID HTTP_ACCEPTED HTTP_BAD_GATEWAY HTTP_BAD_REQUEST
        HTTP_CONFLICT HTTP_CONTINUE HTTP_CREATED HTTP_EXPECTATION_FAILED
        HTTP_FAILED_DEPENDENCY HTTP_FORBIDDEN HTTP_GATEWAY_TIME_OUT HTTP_GONE
        HTTP_IM_A_TEAPOT HTTP_INSUFFICIENT_STORAGE HTTP_INTERNAL_SERVER_ERROR
        HTTP_LENGTH_REQUIRED HTTP_LOCKED HTTP_METHOD_NOT_ALLOWED HTTP_MOVED_PERMANENTLY
        HTTP_MOVED_TEMPORARILY HTTP_MULTIPLE_CHOICES HTTP_MULTI_STATUS
        HTTP_NON_AUTHORITATIVE HTTP_NOT_ACCEPTABLE HTTP_NOT_EXTENDED HTTP_NOT_FOUND
        HTTP_NOT_IMPLEMENTED HTTP_NOT_MODIFIED HTTP_NO_CONTENT HTTP_OK HTTP_PARTIAL_CONTENT
        HTTP_PAYMENT_REQUIRED HTTP_PRECONDITION_FAILED HTTP_PROCESSING
        HTTP_PROXY_AUTHENTICATION_REQUIRED HTTP_RANGE_NOT_SATISFIABLE
        HTTP_REQUEST_ENTITY_TOO_LARGE HTTP_REQUEST_TIME_OUT HTTP_REQUEST_URI_TOO_LARGE
        HTTP_RESET_CONTENT HTTP_SEE_OTHER HTTP_SERVICE_UNAVAILABLE HTTP_SWITCHING_PROTOCOLS
        HTTP_TEMPORARY_REDIRECT HTTP_UNAUTHORIZED HTTP_UNPROCESSABLE_ENTITY
        HTTP_UNSUPPORTED_MEDIA_TYPE HTTP_UPGRADE_REQUIRED HTTP_USE_PROXY
        HTTP_VARIANT_ALSO_VARIES HTTP_VERSION_NOT_SUPPORTED INCLUDES_MAGIC_TYPE
        INCLUDES_MAGIC_TYPE3 MODULE_MAGIC_NUMBER_MAJOR MODULE_MAGIC_NUMBER_MINOR
        M_BASELINE_CONTROL M_CHECKIN M_CHECKOUT M_CONNECT M_COPY M_DELETE M_GET M_INVALID
        M_LABEL M_LOCK M_MERGE M_MKACTIVITY M_MKCOL M_MKWORKSPACE M_MOVE M_OPTIONS M_PATCH
        M_POST M_PROPFIND M_PROPPATCH M_PUT M_REPORT M_TRACE M_UNCHECKOUT M_UNLOCK M_UPDATE
        M_VERSION_CONTROL NullIO OK PROXYREQ_NONE PROXYREQ_PROXY PROXYREQ_RESPONSE
        PROXYREQ_REVERSE REMOTE_DOUBLE_REV REMOTE_HOST REMOTE_NAME REMOTE_NOLOOKUP
        REQUEST_CHUNKED_DECHUNK REQUEST_CHUNKED_ERROR REQUEST_NO_BODY REQ_ABORTED REQ_EXIT
        REQ_NOACTION REQ_PROCEED SERVER_RETURN URI_FRAGMENT URI_HOSTINFO URI_HOSTNAME
        URI_PASSWORD URI_PATH URI_PORT URI_QUERY URI_SCHEME URI_USER build_cgi_env
        config_tree exists_config_define import_module init interpreter log_error
        main_server make_table module_mtime mpm_query register_cleanup resolve_object
        restore_nocgi server_root setup_cgi stat table
        """,
    "cache": """
        Cache Entry FileCache FunctionCache HTTPCache HTTPEntity HttpModuleCache ModuleCache
        NOT_INITIALIZED WeakCache parseRFC822Time re_max_age re_not_word
        """,
    "wsgi": """
        handler
        """,
    "cgihandler": """
        DummyLock PY2 handler original os stdlib
        """,
    "httpdconf": """
        AddHandler AddOutputFilter AddType AuthBasicAuthoritative AuthBasicProvider AuthName
        AuthType Comment Container ContainerTag CustomLog Directive Directory DirectoryIndex
        DocumentRoot ErrorLog Files IfModule KeepAliveTimeout Listen LoadModule Location
        LockFile LogFormat LogLevel MaxClients MaxConnectionsPerChild MaxRequestsPerChild
        MaxSpareServers MaxSpareThreads MaxThreadsPerChild MinSpareThreads Mutex
        NameVirtualHost NumServers Options PidFile PythonAccessHandler PythonAuthenHandler
        PythonAuthzHandler PythonCleanupHandler PythonConnectionHandler PythonDebug
        PythonFixupHandler PythonHandler PythonImport PythonInterpPerDirective
        PythonInterpPerDirectory PythonOption PythonOutputFilter PythonPath
        PythonPostReadRequestHandler PythonTransHandler Require ServerAdmin ServerName
        ServerPath ServerRoot SetHandler StartServers StartThreads ThreadsPerChild Timeout
        TypesConfig VirtualHost quote_if_space write_basic_config
        """,
    "testhandler": """
        bounded_buffer handler write_table write_tree
        """,
    "util": """
        Field FieldList FieldStorage MethodWrapper PY2 StringField apply_fs_data
        parse_header parse_qs parse_qsl readBlockSize redirect
        """,
    "publisher": """
        PY2 PageCache default_builtins_tp_rule default_tp_rule handler page_cache
        process_auth publish_object re_charset re_html resolve_object tp_rules
        """,
    "_apache": """
        APR_BLK APR_CHR APR_DIR APR_LNK APR_NOFILE APR_PIPE APR_REG APR_SOCK APR_UNKFILE
        AP_CONN_CLOSE AP_CONN_KEEPALIVE AP_CONN_UNKNOWN MODULE_MAGIC_NUMBER_MAJOR
        MODULE_MAGIC_NUMBER_MINOR SERVER_RETURN _global_lock _global_trylock _global_unlock
        config_tree exists_config_define log_error mpm_query parse_qs parse_qsl
        register_cleanup server_root stat table
        """,
    "version": """
        APR_VERSION HTTPD HTTPD_VERSION LIBEXECDIR PYTHON_BIN SYSCONFDIR TESTHOME
        TEST_MOD_PYTHON_SO version
        """,
    "python22": "",
    "psp": """
        PSP PSPInterface handler parse parsestring FileCache HitsCache PY2 code2str str2code
        dbm_cache_get dbm_cache_store dbm_cache_type dbm_types mem_fcache mem_scache
        path_split tempdir
        """,
    "Session": """
        BaseSession COOKIE_NAME DFT_TIMEOUT DbmSession FileSession MemorySession Session
        FS_STAT_VERSION PY2 rnd_gens rnd_iter
        """,
    "Cookie": """
        Cookie CookieError MarshalCookie SignedCookie add_cookie get_cookie get_cookies PY2
        metaCookie
        """,
}


@pytest.mark.parametrize("module", sorted(PUBLIC_NAMES))
def test_module_has_every_public_name(module):
    mod = importlib.import_module("mod_python." + module)
    missing = [name for name in PUBLIC_NAMES[module].split() if not hasattr(mod, name)]
    assert missing == []


def test_package_lists_its_modules():
    import mod_python
    assert mod_python.mp_version == version.version == "3.5.0"
    assert mod_python.apache.OK == 0            # importing the package brings apache along
    for name in mod_python.__all__:
        importlib.import_module("mod_python." + name)


@pytest.mark.parametrize("use", [
    lambda: apache.init("main_interpreter", None),
    lambda: apache.CallBack(),
    lambda: publisher.page_cache["/srv/x.py"],
    lambda: publisher.resolve_object(None, None, "x", None, None, None),
    lambda: publisher.process_auth(None, None),
    lambda: publisher.tp_rules[type],
    lambda: importlib.import_module("mod_python.psp").dbm_cache_get(None, None, None),
    lambda: importlib.import_module("mod_python.Session").rnd_iter(),
], ids=["apache.init", "apache.CallBack", "publisher.page_cache", "publisher.resolve_object",
        "publisher.process_auth", "publisher.tp_rules", "psp.dbm_cache_get", "Session.rnd_iter"])
def test_a_name_without_meaning_says_so(use):
    with pytest.raises(NotImplementedError) as info:
        use()
    message = str(info.value)
    assert "greenphase" in message and "mod_python." in message


def test_python22_is_an_empty_module():
    import mod_python.python22 as python22
    # ("@py_*" names come from pytest's assertion rewriting when it rewrote the module)
    assert [n for n in vars(python22) if not n.startswith(("__", "@"))] == []


def test_version_constants_describe_greenphase():
    assert version.HTTPD_VERSION[0:3] == "2.4"           # the config language spoken
    assert version.greenphase_version in version.HTTPD_VERSION
    assert version.PYTHON_BIN and os.path.exists(version.PYTHON_BIN)
    assert version.APR_VERSION == version.LIBEXECDIR == version.TESTHOME == ""


# -- apache ------------------------------------------------------------------------------

class _Site:
    def __init__(self, workers=None):
        if workers is not None:
            self.workers = workers
        self.stopping = False


@pytest.mark.parametrize("workers, forked, daemons", [(None, apache.AP_MPMQ_NOT_SUPPORTED, 1),
                                                      (1, apache.AP_MPMQ_NOT_SUPPORTED, 1),
                                                      (3, apache.AP_MPMQ_STATIC, 3)])
def test_mpm_query_reads_the_number_of_workers(monkeypatch, workers, forked, daemons):
    import kernel.lifecycle.site
    monkeypatch.setattr(kernel.lifecycle.site, "_current", _Site(workers))
    assert apache.mpm_query(apache.AP_MPMQ_IS_THREADED) == apache.AP_MPMQ_STATIC
    assert apache.mpm_query(apache.AP_MPMQ_IS_FORKED) == forked
    assert apache.mpm_query(apache.AP_MPMQ_MAX_DAEMONS) == daemons
    assert _apache.mpm_query(apache.AP_MPMQ_MPM_STATE) == apache.AP_MPMQ_RUNNING


def test_resolve_object_and_module_mtime(tmp_path):
    import types
    module = types.ModuleType("m")

    class Page:
        def __init__(self, req):
            self.req = req

        def title(self):
            return "for %s" % self.req
    module.Page = Page
    assert apache.resolve_object(module, "Page.title", arg="alice")() == "for alice"
    assert apache.resolve_object(module, "nothing", silent=1) is None
    with pytest.raises(AttributeError):
        apache.resolve_object(module, "nothing")
    path = tmp_path / "m.py"
    path.write_text("")
    module.__file__ = str(path)
    assert apache.module_mtime(module) == os.path.getmtime(path)
    assert apache.module_mtime(types.ModuleType("nofile")) == 0


def test_register_cleanup_wants_a_callable():
    with pytest.raises(ValueError):
        apache.register_cleanup("not callable")


# -- _apache global locks -----------------------------------------------------------------

class _Server:
    server_hostname = "localhost"

    def __init__(self, directory):
        self.directory = str(directory)

    def get_options(self):
        return {"mod_python.mutex_directory": self.directory, "mod_python.mutex_locks": "4"}


def test_global_locks_exclude_each_other_and_range_checked(tmp_path):
    server = _Server(tmp_path)
    _apache._global_lock(server, "session-id")
    assert not _apache._global_trylock(server, "session-id")      # same key, same mutex
    _apache._global_unlock(server, "session-id")
    assert _apache._global_trylock(server, "session-id")
    _apache._global_unlock(server, "session-id")
    _apache._global_lock(server, None, 0)                          # index 0: the dbm lock
    assert not _apache._global_trylock(server, None, 0)
    _apache._global_unlock(server, None, 0)
    assert sorted(os.listdir(tmp_path)) == ["mpmtx0", "mpmtx%d" % _apache._index(
        _apache._mutexes_for(server), "session-id", -1)]
    with pytest.raises(ValueError):
        _apache._global_lock(server, "x", 4)
    with pytest.raises(TypeError):
        _apache._global_lock(object(), "x")


def test_global_lock_is_seen_by_another_process(tmp_path):
    import subprocess
    import sys
    server = _Server(tmp_path)
    _apache._global_lock(server, None, 2)
    try:
        code = ("import sys; sys.path.insert(0, %r); from mod_python import _apache\n"
                "class S:\n    server_hostname = 'x'\n"
                "    def get_options(self): return {'mod_python.mutex_directory': %r, "
                "'mod_python.mutex_locks': '4'}\n"
                "print(_apache._global_trylock(S(), None, 2))"
                % (os.getcwd(), str(tmp_path)))
        other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               timeout=60)
        assert other.stdout.strip() == "False", other.stderr
    finally:
        _apache._global_unlock(server, None, 2)


# -- util ----------------------------------------------------------------------------------

def test_parse_header_keeps_the_argument_type():
    assert util.parse_header('text/HTML; charset="utf-8"; q') == ("text/html", {"charset": "utf-8"})
    assert util.parse_header(b"form-data; name=a") == (b"form-data", {"name": "a"})


def test_field_list_table():
    fields = util.FieldList([util.StringField("1", "a"), util.StringField("2", "b"),
                             util.StringField("3", "a")])
    assert {k: [str(v) for v in vs] for k, vs in fields.table().items()} == \
        {"a": ["1", "3"], "b": ["2"]}


# -- cache ---------------------------------------------------------------------------------

def test_file_cache_rereads_a_changed_file(tmp_path):
    path = tmp_path / "data.txt"
    path.write_bytes(b"one")
    files = cache.FileCache()
    assert files[str(path)] == b"one"
    path.write_bytes(b"two")
    os.utime(path, (time.time() + 10, time.time() + 10))
    assert files[str(path)] == b"two"


def test_module_cache_runs_the_file_outside_sys_modules(tmp_path):
    import sys
    path = tmp_path / "page.py"
    path.write_text("X = 40 + 2\n")
    module = cache.ModuleCache()[str(path)]
    assert module.X == 42 and module.__file__ == str(path)
    assert module.__name__ not in sys.modules


def test_lru_and_function_cache():
    calls = []

    def square(n):
        calls.append(n)
        return n * n
    squares = cache.FunctionCache(square, max_size=2)
    assert (squares(2), squares(2), squares(3)) == (4, 4, 9)
    assert calls == [2, 3]
    assert squares.mru() == ((3,), ()) and squares.lru() == ((2,), ())
    squares(4)                                   # the least recently used goes
    assert squares.lru() == ((3,), ())
    assert cache.Cache().mru() is None           # unbounded caches keep no order, as in 3.5


def test_weak_cache_forgets_unused_values():
    class Value:
        pass

    class Built(cache.WeakCache):
        def build(self, key, name, opened, entry):
            return Value()
    weak = Built()
    first = weak["k"]
    assert weak["k"] is first
    del first
    assert len(weak._dict) == 0


# -- httpdconf -----------------------------------------------------------------------------

def test_httpdconf_renders_text_and_python():
    config = httpdconf.Container(
        httpdconf.Listen("127.0.0.1:8080"),
        httpdconf.Comment("the app"),
        httpdconf.Directory("C:\\srv\\app", httpdconf.SetHandler("mod_python"),
                            httpdconf.PythonHandler("mod_python.publisher")),
        httpdconf.Container(httpdconf.LogLevel("debug"), only_if="1 == 2"))
    assert str(config) == ("Listen 127.0.0.1:8080\n# the app\n<Directory C:/srv/app>\n"
                           "  SetHandler mod_python\n  PythonHandler mod_python.publisher\n"
                           "</Directory>\n")
    plain = httpdconf.Container(httpdconf.Location("/app", httpdconf.PythonDebug("On")),
                                httpdconf.Comment("two\nlines"))
    rebuilt = eval(repr(plain), vars(httpdconf))  # noqa: S307 (repr is Python that rebuilds)
    assert str(rebuilt) == str(plain) == "<Location /app>\n  PythonDebug On\n</Location>\n" \
        "# two\n# lines\n"
    assert httpdconf.quote_if_space("/a b") == '"/a b"'
    with pytest.raises(TypeError):
        config.append("Listen 80")


def test_write_basic_config_makes_a_config_greenphase_accepts(tmp_path):
    import subprocess
    import sys
    conf_py = httpdconf.write_basic_config(str(tmp_path), listen="127.0.0.1:8999")
    text = subprocess.run([sys.executable, conf_py], capture_output=True, text=True,
                          check=True, timeout=60).stdout
    assert "PythonHandler mod_python.publisher" in text and "Listen 127.0.0.1:8999" in text
    site_conf = tmp_path / "site.conf"
    site_conf.write_text(text)
    from support.server import greenphase_command
    check = subprocess.run(greenphase_command() + ["check", "--config", str(site_conf)],
                           capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stderr
    assert httpdconf.write_basic_config(str(tmp_path)) is None     # never overwrites


def test_httpdconf_documentation_examples():
    # pythonapi.rst, "httpdconf": the examples, their Python 2 `print` spelled for Python 3.
    namespace = {}
    exec("from mod_python.httpdconf import *", namespace)  # noqa: S102 (the docs' import)
    conf = namespace["DocumentRoot"]("/path/to/htdocs")
    assert str(conf) == "DocumentRoot /path/to/htdocs\n"
    assert repr(conf) == "DocumentRoot('/path/to/htdocs')"
    c = namespace["Container"](namespace["CustomLog"]("logs/access_log combined"),
                               namespace["ErrorLog"]("logs/error_log"))
    assert str(c) == "CustomLog logs/access_log combined\nErrorLog logs/error_log\n"
    assert repr(c) == ("Container(\n    CustomLog('logs/access_log combined'),\n"
                       "    ErrorLog('logs/error_log'),\n)")
    only = namespace["Container"](namespace["LogLevel"]("warn"),
                                  only_if="mod_python.version.HTTPD_VERSION[0:3] == '2.4'")
    assert str(only) == "LogLevel warn\n"


def test_psp_code_round_trip_and_path_split():
    psp = importlib.import_module("mod_python.psp")
    code = compile("x = 6 * 7", "<page>", "exec")
    scope = {}
    exec(psp.str2code(psp.code2str(code)), scope)
    assert scope["x"] == 42
    assert psp.path_split("/srv/site/page.psp") == ("/srv/site/", "page.psp")
