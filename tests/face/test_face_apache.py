"""mod_python.apache: constants, SERVER_RETURN / SERVER_ERROR, helpers over the kernel."""

import types

import pytest

import kernel
import kernel.lifecycle.site
from kernel import SERVER_RETURN, loader
from kernel import apply_server_return
from kernel import Table
from mod_python import apache


def test_result_and_status_constants():
    assert (apache.OK, apache.DECLINED, apache.DONE) == (0, -1, -2)
    assert (apache.REQ_PROCEED, apache.REQ_NOACTION, apache.REQ_ABORTED) == (0, -1, 500)
    assert (apache.HTTP_UNAUTHORIZED, apache.HTTP_FORBIDDEN, apache.HTTP_NOT_FOUND,
            apache.HTTP_INTERNAL_SERVER_ERROR, apache.HTTP_MOVED_TEMPORARILY) == (401, 403, 404, 500, 302)
    assert (apache.APLOG_ERR, apache.APLOG_NOTICE, apache.APLOG_DEBUG) == (3, 5, 7)


def test_other_constant_groups():
    assert (apache.M_GET, apache.M_POST, apache.M_VERSION_CONTROL, apache.M_INVALID) == (0, 2, 15, 26)
    assert (apache.URI_SCHEME, apache.URI_QUERY, apache.URI_FRAGMENT) == (0, 7, 8)
    assert (apache.FINFO_MODE, apache.FINFO_SIZE, apache.FINFO_FILETYPE) == (0, 6, 12)
    assert (apache.APR_NOFILE, apache.APR_REG, apache.APR_DIR, apache.APR_UNKFILE) == (0, 1, 2, 127)
    assert (apache.REMOTE_NOLOOKUP, apache.PROXYREQ_REVERSE, apache.AP_REQ_DEFAULT_PATH_INFO) == (2, 2, 2)
    assert apache.DIR_MAGIC_TYPE == "httpd/unix-directory"


def test_server_return_is_the_kernels():
    assert apache.SERVER_RETURN is SERVER_RETURN


def test_server_error_raised_bare_is_a_plain_500():
    with pytest.raises(SERVER_RETURN) as info:
        raise apache.SERVER_ERROR
    assert apply_server_return(None, info.value) == 500
    with pytest.raises(SERVER_RETURN) as info:
        raise apache.SERVER_ERROR(apache.HTTP_SERVICE_UNAVAILABLE)
    assert apply_server_return(None, info.value) == 503


def test_tables():
    assert apache.table is Table and apache.make_table is Table
    t = apache.make_table({"A": "1"})
    assert t["a"] == "1"


def test_mpm_query_one_threaded_process():
    assert apache.mpm_query(apache.AP_MPMQ_IS_THREADED) == apache.AP_MPMQ_STATIC
    assert apache.mpm_query(apache.AP_MPMQ_IS_FORKED) == apache.AP_MPMQ_NOT_SUPPORTED
    assert apache.mpm_query(apache.AP_MPMQ_MAX_DAEMONS) == 1


def test_stat(tmp_path):
    (tmp_path / "f.txt").write_bytes(b"12345")
    info = apache.stat(str(tmp_path / "f.txt"))
    assert (info.filetype, info.size, info[apache.FINFO_SIZE], info.st_size) == (apache.APR_REG, 5, 5, 5)
    assert info.name == "f.txt" and info[apache.FINFO_FNAME] == str(tmp_path / "f.txt")
    assert apache.stat(str(tmp_path)).filetype == apache.APR_DIR
    assert apache.stat(str(tmp_path / "missing")).filetype == apache.APR_NOFILE


def test_import_module_with_path_and_from_a_handler(tmp_path):
    (tmp_path / "helper.py").write_text("X = 'helper'\n")
    (tmp_path / "caller.py").write_text(
        "from mod_python import apache\n"
        "def get(): return apache.import_module('helper')\n")
    helper = apache.import_module("helper", path=[str(tmp_path)])
    assert helper.X == "helper"
    caller = loader.import_handler_module("caller", [str(tmp_path)])
    assert caller.get() is helper
    with pytest.raises(ImportError):
        apache.import_module("helper")          # not from a handler's directory


def test_parse_qs_comes_from_kernel_forms():
    assert apache.parse_qs is kernel.parse_qs and apache.parse_qsl is kernel.parse_qsl
    with pytest.raises(AttributeError):
        apache.no_such_name


def test_build_cgi_env():
    class Req:
        subprocess_env = Table()
        uri, path_info = "/x.py/more", "/more"
        headers_in = Table({"Authorization": "Basic eDp5"})

        def add_cgi_vars(self):
            self.subprocess_env["REQUEST_METHOD"] = "GET"
    # mod_python's additions: SCRIPT_NAME from uri and path_info, its own GATEWAY_INTERFACE,
    # and the Authorization header.
    assert apache.build_cgi_env(Req()) == {
        "REQUEST_METHOD": "GET", "SCRIPT_NAME": "/x.py", "GATEWAY_INTERFACE": "Python-CGI/1.1",
        "HTTP_AUTHORIZATION": "Basic eDp5"}


def test_site_questions(monkeypatch):
    logged = []
    site = types.SimpleNamespace(
        config=types.SimpleNamespace(defines={"ONE_PROCESS": ""}), server_root="/srv",
        main_server="main", log=types.SimpleNamespace(error=lambda m, level: logged.append((m, level))))
    monkeypatch.setattr(kernel.lifecycle.site, "_current", site)
    assert apache.exists_config_define("ONE_PROCESS") and not apache.exists_config_define("X")
    assert (apache.server_root(), apache.main_server) == ("/srv", "main")
    apache.log_error("hello", apache.APLOG_WARNING)
    apache.log_error(None)
    assert logged == [("hello", apache.APLOG_WARNING)]
