"""The filter directives belong to their plugins: with the plugin left out, a line using one
is a configuration error naming the plugin to enable (not a warning, not "misspelled")."""

from kernel.testing import config_errors


def test_filter_directives_need_the_filters_plugin(tmp_path):
    errors = config_errors(tmp_path, "SetOutputFilter DEFLATE\nAddOutputFilter INCLUDES .shtml\n",
                           plugins=["-filters"])
    text = "\n".join(str(e) for e in errors)
    assert ":1: SetOutputFilter is a directive of plugin filters, which is not enabled" in text
    assert ":2: AddOutputFilter is a directive of plugin filters" in text


def test_noplugin_deflate_makes_addoutputfilterbytype_an_error(tmp_path):
    errors = config_errors(tmp_path, "NoPlugin deflate\nAddOutputFilterByType DEFLATE text/html\n")
    assert any("AddOutputFilterByType is a directive of plugin deflate" in str(e) for e in errors)


def test_includes_directives_with_includes_left_out(tmp_path):
    errors = config_errors(tmp_path, "XBitHack On\n", plugins=["-includes"])
    assert any("XBitHack is a directive of plugin includes" in str(e) for e in errors)


def test_enabled_they_parse(tmp_path):
    errors = config_errors(tmp_path, "SetOutputFilter DEFLATE\nAddOutputFilterByType DEFLATE "
                                     "text/html\nXBitHack Full\nSSILegacyExprParser On\n")
    assert not [e for e in errors if "Listen" not in str(e)], errors


def test_a_site_without_filter_lines_calls_no_filter_plugin(tmp_path):
    from kernel.testing import build_site
    plain = build_site(tmp_path, "DocumentRoot /tmp\n", check=False, name="plain.conf")
    assert not {n for n, _ in plain.pipeline.impls["fixups"]} & {"filters", "deflate", "includes"}
    used = build_site(tmp_path, "DocumentRoot /tmp\nSetOutputFilter DEFLATE\n"
                                "AddOutputFilterByType DEFLATE text/html\nXBitHack On\n",
                      check=False, name="used.conf")
    assert {"filters", "deflate", "includes"} <= {n for n, _ in used.pipeline.impls["fixups"]}
