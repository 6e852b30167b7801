"""Apache directives greenphase ignores (with a warning) versus directives a plugin owns: an
owned directive is never on the ignore list, and with its plugin left out it is an error
naming the plugin to enable."""

from importlib.metadata import entry_points

import pytest

from kernel.config.builder import APACHE_ONLY
from kernel.testing import build_site


def declared_by_installed_plugins():
    names = {}
    for ep in entry_points(group="greenphase"):
        declare = getattr(ep.load(), "register_directives", None)
        for directive in (declare() or ()) if declare else ():
            names[directive.name.lower()] = ep.name
    return names


def test_no_owned_directive_is_on_the_ignore_list():
    owned = declared_by_installed_plugins()
    assert sorted(name for name in APACHE_ONLY if name in owned) == []
    assert "serveradmin" not in APACHE_ONLY       # the kernel declares it now


@pytest.mark.parametrize("line, plugin", [
    ("PythonConnectionHandler echo", "handlers"),
    ("Header set X-A b", "headers"),
])
def test_a_left_out_plugins_directive_names_the_plugin(tmp_path, line, plugin):
    with pytest.raises(Exception) as info:
        build_site(tmp_path, "NoPlugin %s\n%s\n" % (plugin, line))
    message = str(info.value)
    assert "is a directive of plugin %s" % plugin in message
    assert "NoPlugin %s" % plugin in message


def test_an_ignored_apache_directive_is_a_warning(tmp_path):
    site = build_site(tmp_path, "ServerSignature On\n")
    assert any("ServerSignature is an Apache directive that means nothing to greenphase"
               in warning for warning in site.config.warnings)
