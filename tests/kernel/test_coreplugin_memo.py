"""What the core plugin remembers per merged configuration or per file name never outlives
the change that invalidates it (kernel/coreplugin/mapping.py): whether Options follow
symlinks (a .htaccess edit is a new merged configuration), and the path walk of a file name
(one stat re-checks it)."""

import os

from kernel.testing import Client, build_site


def site_with_htaccess(tmp_path):
    docs = tmp_path / "docs"
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "page.txt").write_text("outside\n")
    (docs / "sub").mkdir(parents=True)
    (docs / "sub" / "link").symlink_to(tmp_path / "outside")
    (docs / "sub" / "plain.txt").write_text("plain\n")
    site = build_site(tmp_path, f'''
DocumentRoot "{docs}"
ErrorLog "{tmp_path}/error_log"
<Directory "{docs}">
    Require all granted
</Directory>
<Directory "{docs}/sub">
    AllowOverride Options
</Directory>
''')
    return docs, Client(site)


def set_htaccess(docs, text):
    path = docs / "sub" / ".htaccess"
    path.write_text(text)
    st = path.stat()        # a new mtime for sure: the merger keys .htaccess on mtime and size
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_options_from_a_htaccess_edit_apply_at_once(tmp_path):
    docs, client = site_with_htaccess(tmp_path)
    assert client.get("/sub/link/page.txt").status == 200
    set_htaccess(docs, "Options -FollowSymLinks\n")
    assert client.get("/sub/link/page.txt").status == 403
    assert client.get("/sub/plain.txt").status == 200
    set_htaccess(docs, "Options +FollowSymLinks\n")
    assert client.get("/sub/link/page.txt").status == 200


def test_a_remembered_walk_follows_the_file_system(tmp_path):
    docs, client = site_with_htaccess(tmp_path)
    (docs / "sub" / "gone.txt").write_text("here\n")
    assert client.get("/sub/gone.txt/extra").status == 404      # a file: no path_info there
    assert client.get("/sub/gone.txt").text == "here\n"
    (docs / "sub" / "gone.txt").unlink()
    assert client.get("/sub/gone.txt").status == 404
    (docs / "sub" / "gone.txt").mkdir()                         # now a directory
    assert client.get("/sub/gone.txt").status == 301
