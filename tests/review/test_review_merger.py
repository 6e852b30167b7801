"""Review of the merged-configuration LRU (kernel/config/merger.py, ``Merger.fold``).

Under the WSGI entry each request runs in its own thread (kernel/deploy/wsgi.py): between a
request's look-up of a remembered merge and its ``move_to_end``, another thread's new merge
can push that entry out of the full cache. The remembered answer must still be served (a
KeyError there was a 500).
"""

from collections import OrderedDict

from kernel.testing import build_site


class EvictedMeanwhile(OrderedDict):
    """The cache as a request sees it while another thread evicts what it just found."""

    def get(self, key, default=None):
        found = super().get(key, default)
        self.pop(key, None)
        return found


def test_a_merge_evicted_while_it_is_served_is_still_the_answer(tmp_path):
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    site = build_site(tmp_path, f'DocumentRoot "{docs}"\n<Directory "{docs}/sub">\n'
                                f'    AddDefaultCharset utf-8\n</Directory>\n')
    merger = site.merger
    server = site.main_server
    first = merger.directory_config(server, str(docs / "sub" / "a.txt"), "/sub/a.txt")
    merger.walks.clear()            # the next look-up goes through fold's LRU
    merger.cache = EvictedMeanwhile(merger.cache)
    again = merger.directory_config(server, str(docs / "sub" / "a.txt"), "/sub/a.txt")
    assert again is first and again["AddDefaultCharset"] == "utf-8"
