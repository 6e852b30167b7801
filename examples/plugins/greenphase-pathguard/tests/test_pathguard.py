"""pathguard's own tests, with greenphase's kit (the greenphase_server fixture comes from
greenphase's pytest plugin: nothing to import)."""

SITE = '''
DocumentRoot "{root}/htdocs"
{load}
<Directory "{root}/htdocs/private">
    PathGuardDeny .git backup
</Directory>
'''


def site(tmp_path, load="LoadPlugin pathguard"):
    (tmp_path / "htdocs" / "private").mkdir(parents=True)
    (tmp_path / "htdocs" / "private" / "notes.txt").write_text("notes")
    (tmp_path / "htdocs" / "private" / "backup.txt").write_text("secret")
    (tmp_path / "htdocs" / "public.txt").write_text("public")
    return SITE.format(root=tmp_path, load=load)


def test_refuses_a_listed_word_and_logs_it(tmp_path, greenphase_server):
    server = greenphase_server(site(tmp_path))
    reply = server.get("/private/backup.txt")
    assert reply.status == 403
    assert "it contains 'backup'" in server.error_log(wait_for="pathguard: refused /private/backup.txt")


def test_marks_what_it_checked(tmp_path, greenphase_server):
    server = greenphase_server(site(tmp_path))
    checked = server.get("/private/notes.txt")
    assert checked.status == 200 and checked.body == b"notes"
    assert checked.headers["X-PathGuard"] == "checked"
    elsewhere = server.get("/public.txt")
    assert elsewhere.status == 200 and "X-PathGuard" not in elsewhere.headers


def test_inert_without_loadplugin(tmp_path, greenphase_server):
    # its directive is unknown then: the site does not use it
    text = site(tmp_path, load="").replace("PathGuardDeny .git backup", "")
    server = greenphase_server(text)
    reply = server.get("/private/backup.txt")
    assert reply.status == 200 and "X-PathGuard" not in reply.headers


def test_its_directive_is_checked(tmp_path, greenphase_site):
    site_ = greenphase_site("LoadPlugin pathguard\nPathGuardDeny\n")
    assert any("PathGuardDeny" in str(e) for e in site_.errors)
