"""The mod_python directives: parsed values, stacking and merging, options and config tables."""

import pytest

from kernel.testing import build_site
from plugins.handlers import request_api

HANDLER = "PythonHandler"


def make_site(tmp_path, text, plugins=("handlers",)):
    return build_site(tmp_path, "ErrorLog %s\n%s" % (tmp_path / "error_log", text),
                      plugins=plugins, check=False)


def config_for(site, filename, uri="/x"):
    return site.merger.directory_config(site.main_server, filename, uri)


def handlers(value, key=""):
    return [entry.handler for entry in value.get(key, ())]


def test_values_module_function_dotted_several_per_line(tmp_path):
    site = make_site(tmp_path, f"""
<Directory {tmp_path}>
    PythonHandler myscript pkg.mod::Class.method
    PythonHandler other::go
</Directory>
""")
    assert not site.errors
    value = config_for(site, f"{tmp_path}/x.py")[HANDLER]
    entries = value[""]
    assert handlers(value) == ["myscript", "pkg.mod::Class.method", "other::go"]
    assert [(e.module, e.object) for e in entries] == \
        [("myscript", None), ("pkg.mod", "Class.method"), ("other", "go")]
    assert {e.directory for e in entries} == {f"{tmp_path}/"}
    assert entries[2].line == entries[0].line + 1 and entries[0].file.endswith("site.conf")


def test_inner_section_replaces_the_list_per_key(tmp_path):
    sub = tmp_path / "sub"
    sub.mkdir()
    site = make_site(tmp_path, f"""
PythonFixupHandler serverwide
<Directory {tmp_path}>
    PythonHandler a
    PythonHandler b
    PythonHandler pyonly | .py .tar.gz
</Directory>
<Directory {sub}>
    PythonHandler c
</Directory>
""")
    outer = config_for(site, f"{tmp_path}/x.py")[HANDLER]
    inner = config_for(site, f"{sub}/x.py")
    assert (handlers(outer), handlers(outer, ".py"), handlers(outer, ".tar.gz")) == \
        (["a", "b"], ["pyonly"], ["pyonly"])
    assert (handlers(inner[HANDLER]), handlers(inner[HANDLER], ".py")) == (["c"], ["pyonly"])
    assert inner[HANDLER][""][0].directory == f"{sub}/"
    assert handlers(inner["PythonFixupHandler"]) == ["serverwide"]
    assert inner["PythonFixupHandler"][""][0].directory is None


def test_location_entries_have_no_directory(tmp_path):
    site = make_site(tmp_path, f"""
<Location /app>
    PythonHandler app
</Location>
<Directory {tmp_path}>
    <Files "special.py">
        PythonHandler special
    </Files>
</Directory>
""")
    app = config_for(site, None, "/app/x")[HANDLER][""][0]
    special = config_for(site, f"{tmp_path}/special.py", "/special.py")[HANDLER][""][0]
    assert (app.directory, app.is_location) == (None, True)
    assert (special.directory, special.is_location) == (f"{tmp_path}/", False)


def test_handler_module_entries_are_silent(tmp_path):
    site = make_site(tmp_path, f"<Directory {tmp_path}>\n  PythonHandlerModule everything\n</Directory>\n")
    (entry,) = config_for(site, f"{tmp_path}/x.py")["PythonHandlerModule"]
    assert (entry.module, entry.object, entry.silent) == ("everything", None, True)


@pytest.mark.parametrize("line, message", [
    ("PythonHandler myscript.py", "without '.py'"),
    ("PythonHandler my-script", "is not a handler"),
    ("PythonHandler mod::", "is not a handler"),
    ("PythonHandler a::b::c", "is not a handler"),
    ("PythonHandler | .py", "needs a handler"),
    ("PythonHandler a |", "extensions such as .py"),
    ("PythonHandler a | py", "extensions such as .py"),
    ("PythonTransHandler a | .py", "cannot be limited to extensions"),
    ("PythonPostReadRequestHandler a | .py", "cannot be limited to extensions"),
    ('PythonPath "sys.path+["', "PythonPath"),
    ("PythonDebug maybe", "On or Off"),
    ("PythonImport a::b::c main", "expected module or module::function"),
    ("PythonAutoReloadInterval soon", "takes seconds >= 0"),
    ("PythonAutoReloadInterval -1", "takes seconds >= 0"),
    ("PythonAutoReloadInterval inf", "takes seconds >= 0"),
    ("PythonAutoReloadInterval nan", "takes seconds >= 0"),
])
def test_bad_values_are_config_errors_with_location(tmp_path, line, message):
    site = make_site(tmp_path, "\n%s\n" % line)
    assert len(site.errors) == 1
    error = site.errors[0]
    assert message in str(error) and (error.file, error.line) == (str(tmp_path / "site.conf"), 3)


@pytest.mark.parametrize("directive", ["PythonTransHandler", "PythonPostReadRequestHandler",
                                       "PythonImport", "PythonOptimize"])
def test_server_only_directives_refused_in_sections(tmp_path, directive):
    site = make_site(tmp_path, f"<Directory {tmp_path}>\n  {directive} On\n</Directory>\n")
    assert "not allowed" in str(site.errors[0])


def test_autoreload_interval_default_per_directory_and_htaccess(tmp_path):
    """1 s unless set; an inner section or a FileInfo .htaccess sets its own."""
    (tmp_path / "inner").mkdir()
    (tmp_path / "open").mkdir()
    (tmp_path / "open" / ".htaccess").write_text("PythonAutoReloadInterval 0\n")
    site = make_site(tmp_path, f"""
<Directory {tmp_path}/inner>
    PythonAutoReloadInterval 0.25
</Directory>
<Directory {tmp_path}/open>
    AllowOverride FileInfo
</Directory>
""")
    assert site.errors == []
    assert config_for(site, str(tmp_path / "x.py"))["PythonAutoReloadInterval"] == 1.0
    assert config_for(site, str(tmp_path / "inner" / "x.py"))["PythonAutoReloadInterval"] == 0.25
    assert config_for(site, str(tmp_path / "open" / "x.py"))["PythonAutoReloadInterval"] == 0


def test_options_merge_by_key_and_empty_value_removes(tmp_path):
    sub = tmp_path / "sub"
    sub.mkdir()
    site = make_site(tmp_path, f"""
PythonOption Global yes
PythonOption Shared server
<Directory {tmp_path}>
    PythonOption shared dir
    PythonOption dropped here
    PythonOption Spaced "a b"
</Directory>
<Directory {sub}>
    PythonOption DROPPED
</Directory>
""")
    outer = request_api.options_table(config_for(site, f"{tmp_path}/x.py"))
    inner = request_api.options_table(config_for(site, f"{sub}/x.py"))
    assert dict(outer.items()) == {"Global": "yes", "shared": "dir", "dropped": "here",
                                   "Spaced": "a b"}
    assert outer["SHARED"] == "dir"
    assert "dropped" not in inner and inner["global"] == "yes"
    server = request_api.server_get_options(site.main_server)
    assert dict(server.items()) == {"Global": "yes", "Shared": "server"}


def test_get_config_lists_settings_made(tmp_path):
    sub = tmp_path / "sub"
    sub.mkdir()
    site = make_site(tmp_path, f"""
PythonDebug On
<Directory {sub}>
    PythonDebug Off
    PythonAutoReload Off
    PythonPath "sys.path+['/x']"
    PythonInterpreter shared
    PythonHandler h
</Directory>
""")
    inner = request_api.config_table(config_for(site, f"{sub}/x.py"))
    assert dict(inner.items()) == {"PythonDebug": "0", "PythonAutoReload": "0",
                                   "PythonPath": "sys.path+['/x']", "PythonInterpreter": "shared"}
    assert dict(request_api.server_get_config(site.main_server).items()) == {"PythonDebug": "1"}


def test_unprovided_mod_python_handler_is_a_config_error(tmp_path):
    text = f"""
<Directory {tmp_path}>
    PythonHandler mod_python.publisher
    PythonAuthenHandler mod_python.nosuch
</Directory>
"""
    errors = make_site(tmp_path, text).errors
    assert [(e.line, "'mod_python.publisher'" in str(e)) for e in errors] == [(4, True), (5, False)]
    assert "mod_python.nosuch::authenhandler" in str(errors[1])
    assert [e.line for e in make_site(tmp_path, text, ("handlers", "publisher")).errors] == [5]


def test_ifmodule_mod_python_applies(tmp_path):
    site = make_site(tmp_path, "<IfModule mod_python.c>\n  PythonOption seen yes\n</IfModule>\n")
    assert request_api.server_get_options(site.main_server)["seen"] == "yes"
