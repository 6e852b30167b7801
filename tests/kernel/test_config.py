"""The configuration language: syntax, containers, conditionals, errors with file:line, merging."""

import subprocess

import pytest

from kernel.config.syntax import parse_text, split_args
from kernel import ConfigError
from kernel.lifecycle.site import Site
from kernel.testing import build_site
from support.server import greenphase_command


def site(tmp_path, text, name="site.conf", plugins=(), **kw):
    """Errors are what these tests look at: kept, not raised."""
    return build_site(tmp_path, text, plugins=plugins, name=name, check=False, **kw)


def test_arguments_split_like_apache():
    assert split_args('a "b c" \'d e\' "q\\"x"') == ["a", "b c", "d e", 'q"x']
    # An unterminated quote takes the rest of the line, as Apache reads it.
    assert split_args('403 "Sorry, no entry') == ["403", "Sorry, no entry"]


def test_continuation_comments_and_sections():
    nodes = parse_text("# comment\nDirectoryIndex a \\\n   b\n<Location /x>\n  # inner\n  SetHandler h\n</Location>\n",
                       "f.conf")
    assert [(n.name, n.args, n.line) for n in nodes[:1]] == [("DirectoryIndex", ["a", "b"], 2)]
    assert nodes[1].name == "Location" and nodes[1].children[0].args == ["h"]


def test_unclosed_and_mismatched_sections_name_the_line():
    with pytest.raises(ConfigError) as exc:
        parse_text("<Directory /x>\nOptions None\n", "f.conf")
    assert "f.conf:1" in str(exc.value) and "never closed" in str(exc.value)
    with pytest.raises(ConfigError) as exc:
        parse_text("<Directory /x>\n</Location>\n", "f.conf")
    assert "f.conf:2" in str(exc.value)


def test_directive_names_are_case_insensitive(tmp_path):
    s = site(tmp_path, "documentroot /srv\nDIRECTORYINDEX home.html\n")
    assert not s.errors
    assert s.main_server.config["DocumentRoot"] == "/srv"
    assert s.main_server.config["DirectoryIndex"] == ["home.html"]


def test_every_error_is_reported_with_file_and_line(tmp_path):
    s = site(tmp_path, "Frobnicate 1\nTimeout soon\nListen\n<Location /x>\n  Listen 80\n</Location>\n")
    messages = [str(e) for e in s.errors]
    assert len(messages) == 4
    assert messages[0].startswith(f"{tmp_path}/site.conf:1: Invalid command 'Frobnicate'")
    assert "site.conf:2:" in messages[1] and "seconds" in messages[1]
    assert "site.conf:3:" in messages[2] and "Listen takes" in messages[2]
    assert "site.conf:5:" in messages[3] and "not allowed in <Location>" in messages[3]


def test_apache_only_directives_warn_once(tmp_path):
    s = site(tmp_path, "LoadModule a_module a.so\nLoadModule b_module b.so\nStartServers 5\n")
    assert not s.errors
    assert len(s.warnings) == 2 and "LoadModule" in s.warnings[0] and "StartServers" in s.warnings[1]


def test_include_define_and_conditionals(tmp_path):
    (tmp_path / "conf.d").mkdir()
    (tmp_path / "conf.d" / "one.conf").write_text("DirectoryIndex ${PAGE}\n")
    text = ("Define PAGE start.html\nInclude conf.d/*.conf\n"
            "<IfDefine !PAGE>\n  Timeout 1\n</IfDefine>\n"
            "<IfDefine EXTRA>\n  Timeout 2\n</IfDefine>\n"
            "<IfModule mod_mime.c>\n  KeepAliveTimeout 7\n</IfModule>\n"
            "<IfModule mod_nonexistent.c>\n  KeepAliveTimeout 9\n</IfModule>\n")
    s = site(tmp_path, text, defines={"EXTRA": ""})
    assert not s.errors
    config = s.main_server.config
    assert config["DirectoryIndex"] == ["start.html"]
    assert config["Timeout"] == 2
    assert config["KeepAliveTimeout"] == 7


def test_an_include_cycle_is_an_error_not_a_crash(tmp_path):
    (tmp_path / "a.conf").write_text("Include b.conf\n")
    (tmp_path / "b.conf").write_text("Include a.conf\n")
    s = site(tmp_path, "Include a.conf\n")
    assert any("includes itself" in str(e) and "b.conf:1" in str(e) for e in s.errors)
    selfish = site(tmp_path, "Include site2.conf\n", name="site2.conf")
    assert "includes itself" in str(selfish.errors[0])


def test_server_root_and_timeouts_are_checked(tmp_path):
    s = site(tmp_path, "ServerRoot /nonexistent/greenphase\nTimeout -1\nKeepAliveTimeout 0\n")
    messages = [str(e) for e in s.errors]
    assert any("ServerRoot must be an existing directory" in m for m in messages)
    assert sum("positive number of seconds" in m for m in messages) == 2
    assert "takes at least 1 argument:" in str(site(tmp_path, "DirectoryIndex\n", name="d.conf").errors[0])


def test_undefined_variable_is_an_error(tmp_path):
    s = site(tmp_path, "DocumentRoot ${NOPE_NOT_SET}\n")
    assert "NOPE_NOT_SET" in str(s.errors[0])


def test_server_root_defaults_to_the_config_folder(tmp_path):
    s = site(tmp_path, "DocumentRoot htdocs\nErrorLog logs/err\n")
    assert s.main_server.config["DocumentRoot"] == str(tmp_path / "htdocs")
    assert s.main_server.config["ErrorLog"] == str(tmp_path / "logs" / "err")
    other = site(tmp_path, "ServerRoot /srv/www\nDocumentRoot htdocs\n", name="b.conf")
    assert other.main_server.config["DocumentRoot"] == "/srv/www/htdocs"


def test_merge_order_directory_files_location(tmp_path):
    docs = tmp_path / "docs"
    (docs / "a" / "b").mkdir(parents=True)
    s = site(tmp_path, f"""
DirectoryIndex server
<Location /a>
  DirectoryIndex location
</Location>
<Directory {docs}/a/b>
  DirectoryIndex deep
  <Files x.html>
    DirectoryIndex files
  </Files>
</Directory>
<Directory {docs}/a>
  DirectoryIndex shallow
</Directory>
<DirectoryMatch "/a/b/$">
  AddType text/x-matched .m
</DirectoryMatch>
""")
    assert not s.errors
    merge = s.merger.directory_config
    server = s.main_server
    assert merge(server, f"{docs}/a/y.html", "/zz")["DirectoryIndex"] == ["shallow"]
    assert merge(server, f"{docs}/a/b/y.html", "/zz")["DirectoryIndex"] == ["deep"]
    assert merge(server, f"{docs}/a/b/x.html", "/zz")["DirectoryIndex"] == ["files"]
    assert merge(server, f"{docs}/a/b/x.html", "/a/b/x.html")["DirectoryIndex"] == ["location"]
    assert merge(server, f"{docs}/a/b/x.html", "/zz")["AddType"] == {".m": "text/x-matched"}
    assert merge(server, f"{docs}/a/y.html", "/zz")["AddType"] == {}
    assert merge(server, f"{docs}/other.html", "/other.html")["DirectoryIndex"] == ["server"]
    # The same sections give the same (cached) merged object.
    assert merge(server, f"{docs}/a/b/q.html", "/q") is merge(server, f"{docs}/a/b/r.html", "/r")


def test_location_matches_whole_segments(tmp_path):
    s = site(tmp_path, "<Location /private>\n  DirectoryIndex p\n</Location>\n")
    loc = s.merger.location_config
    assert loc(s.main_server, "/private/x")["DirectoryIndex"] == ["p"]
    assert loc(s.main_server, "/private")["DirectoryIndex"] == ["p"]
    assert loc(s.main_server, "/privateother")["DirectoryIndex"] == ["index.html"]


def test_check_command_reports_all_errors_and_exits_1(tmp_path):
    conf = tmp_path / "bad.conf"
    conf.write_text("Listen 127.0.0.1:1\nBogusOne\n<Directory /x>\n  BogusTwo a\n</Directory>\n"
                    "DocumentRoot .\n")
    result = subprocess.run(greenphase_command() + ["check", "--config", str(conf)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"{conf}:2: Invalid command 'BogusOne'" in result.stderr
    assert f"{conf}:4: Invalid command 'BogusTwo'" in result.stderr
    assert "2 configuration errors" in result.stderr


def test_check_command_accepts_a_good_config(tmp_path):
    conf = tmp_path / "good.conf"
    conf.write_text("Listen 127.0.0.1:1\nDocumentRoot .\n")
    result = subprocess.run(greenphase_command() + ["check", "--config", str(conf)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Syntax OK" in result.stdout


def test_builtin_plugins_load_through_the_entry_point_group(tmp_path):
    (tmp_path / "c.conf").write_text("")
    s = Site(str(tmp_path / "c.conf"), plugins=None)
    assert {"handlers", "static", "publisher", "basic_auth", "errorpages"} <= set(s.plugin_names())


def test_unknown_plugin_name_is_a_clear_error(tmp_path):
    (tmp_path / "c.conf").write_text("")
    errors = [str(e) for e in Site(str(tmp_path / "c.conf"), plugins=["nosuchplugin"]).errors]
    assert len(errors) == 1 and "no such plugin 'nosuchplugin'" in errors[0]
    assert "installed: " in errors[0] and "static" in errors[0]
