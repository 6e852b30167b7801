"""Call order: bands first, then before/after constraints, then the site's list; the same
order for the kernel's phase calls and for pluggy's own (error_page, named_handler)."""

from kernel.testing import build_site


def plugin_file(tmp_path, name, body):
    (tmp_path / (name + ".py")).write_text("from greenphase import hookimpl\n" + body)


FIXUP = '''
@hookimpl{marker}
def fixups(req):
    req.notes["order"] = req.notes.get("order", "") + "{name},"
'''


def phase_order(site, phase):
    return [name for name, _ in site.pipeline.impls[phase]]


def test_site_list_is_the_call_order_in_every_band(tmp_path):
    for name in ("a", "b", "c"):
        plugin_file(tmp_path, name, FIXUP.format(name=name, marker="(trylast=True)"))
    for name in ("d", "e"):
        plugin_file(tmp_path, name, FIXUP.format(name=name, marker=""))
    site = build_site(tmp_path, "Plugins ./c.py ./a.py ./e.py ./b.py ./d.py\n")
    order = phase_order(site, "fixups")
    assert order == ["e", "d", "c", "a", "b", "core"]
    # pluggy's own calling follows the same order
    assert [i.plugin_name for i in reversed(site.hook.fixups.get_hookimpls())] == order


def test_the_core_answers_last_in_its_band(tmp_path):
    site = build_site(tmp_path, "")
    assert phase_order(site, "type_checker")[-1] == "core"
    assert phase_order(site, "fixups")[-1] == "core"


def test_before_and_after_constraints_override_the_list(tmp_path):
    plugin_file(tmp_path, "a", FIXUP.format(name="a", marker="") + 'greenphase_order = {"after": ["b"]}\n')
    plugin_file(tmp_path, "b", FIXUP.format(name="b", marker=""))
    plugin_file(tmp_path, "c", FIXUP.format(name="c", marker="") + 'greenphase_order = {"before": ["a", "b"]}\n')
    site = build_site(tmp_path, "Plugins ./a.py ./b.py ./c.py\n")
    assert phase_order(site, "fixups")[:3] == ["c", "b", "a"]


def test_a_constraint_on_an_installed_but_disabled_plugin_is_ignored(tmp_path):
    plugin_file(tmp_path, "a", FIXUP.format(name="a", marker="") + 'greenphase_order = {"before": ["static"]}\n')
    site = build_site(tmp_path, "Plugins ./a.py\n")
    assert phase_order(site, "fixups")[0] == "a"


def test_a_cycle_is_an_error_naming_both(tmp_path):
    plugin_file(tmp_path, "a", FIXUP.format(name="a", marker="") + 'greenphase_order = {"before": ["b"]}\n')
    plugin_file(tmp_path, "b", FIXUP.format(name="b", marker="") + 'greenphase_order = {"before": ["a"]}\n')
    errors = [str(e) for e in build_site(tmp_path, "Plugins ./a.py ./b.py\n", check=False).errors]
    assert errors == ["plugin order has a cycle: a before b; b before a"]


def test_a_constraint_naming_no_installed_plugin_is_an_error(tmp_path):
    plugin_file(tmp_path, "a", FIXUP.format(name="a", marker="") + 'greenphase_order = {"after": ["nosuch"]}\n')
    errors = [str(e) for e in build_site(tmp_path, "Plugins ./a.py\n", check=False).errors]
    assert errors == ["plugin a orders itself against 'nosuch', which is not installed"]


def test_a_constraint_the_bands_contradict_is_an_error(tmp_path):
    plugin_file(tmp_path, "a", FIXUP.format(name="a", marker="(trylast=True)")
                + 'greenphase_order = {"before": ["b"]}\n')
    plugin_file(tmp_path, "b", FIXUP.format(name="b", marker="(tryfirst=True)"))
    errors = [str(e) for e in build_site(tmp_path, "Plugins ./a.py ./b.py\n", check=False).errors]
    assert errors == ["plugin a wants to run before b, but in fixups its implementation is "
                      "trylast and b's is tryfirst"]


def test_a_malformed_order_declaration_is_named(tmp_path):
    plugin_file(tmp_path, "a", FIXUP.format(name="a", marker="") + 'greenphase_order = ["b"]\n')
    errors = [str(e) for e in build_site(tmp_path, "Plugins ./a.py\n", check=False).errors]
    assert errors == ["plugin a: greenphase_order must be a dict with keys 'before' and/or 'after'"]


def test_pluggys_internal_list_is_what_the_kernel_reorders(tmp_path):
    """apply_order relies on pluggy keeping a hook's implementations in _hookimpls."""
    site = build_site(tmp_path, "")
    caller = site.hook.fixups
    assert caller._hookimpls == caller.get_hookimpls()


def test_a_constraint_against_the_core_is_honoured_or_refused(tmp_path):
    plugin_file(tmp_path, "late", FIXUP.format(name="late", marker="(trylast=True)")
                + 'greenphase_order = {"after": ["core"]}\n')
    site = build_site(tmp_path, "Plugins ./late.py\n")
    assert phase_order(site, "fixups")[-2:] == ["core", "late"]
    plugin_file(tmp_path, "early", FIXUP.format(name="early", marker="")
                + 'greenphase_order = {"after": ["core"]}\n')
    errors = [str(e) for e in build_site(tmp_path, "Plugins ./early.py\n", check=False).errors]
    assert errors == ["plugin early wants to run after core, but in fixups its implementation is "
                      "in the normal band and core's is trylast"]
