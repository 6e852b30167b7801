"""Sessions through real greenphase processes: restarts, two servers sharing one store,
concurrent requests of one session, illegal ids, expiry. Redis is a real redis-server."""

import os
import textwrap
import threading
import time
from pathlib import Path

import pytest

from support.httpclient import get

HANDLER = '''
    import os
    import time

    import gevent

    from mod_python import apache, Session


    def _wait_for(path):
        """Wait (yielding to other greenlets) until the test creates ``path``."""
        deadline = time.time() + 30
        while not os.path.exists(path):
            if time.time() > deadline:
                raise RuntimeError("gate %s never opened" % path)
            gevent.sleep(0.005)


    def handler(req):
        req.content_type = "text/plain"
        action, _, arg = (req.args or "count").partition("=")
        gates = req.get_options()["gates"]
        sess = Session.Session(req)
        if action == "count":
            sess["n"] = sess.get("n", 0) + 1
            sess.save()
        elif action == "slow":          # read, hold the session while others run, write
            n = sess.get("n", 0)
            open(os.path.join(gates, arg + ".read"), "w").close()
            _wait_for(os.path.join(gates, arg + ".go"))
            sess["n"] = n + 1
            sess.save()
        elif action == "timeout":
            sess.set_timeout(float(arg))
            sess.save()
        elif action == "login":
            sess.regenerate_id()
            sess["user"] = arg
            sess.save()
        req.write("n=%s new=%d id=%s pid=%d user=%s type=%s" % (
            sess.get("n"), sess.is_new(), sess.id(), os.getpid(), sess.get("user"),
            type(sess).__name__))
        return apache.OK
'''


def parse(response):
    assert response.status == 200, response.text
    return dict(item.split("=", 1) for item in response.text.split())


def session_cookie(response):
    lines = [v for v in response.header_all("Set-Cookie") if v.startswith("pysid=")]
    return lines[-1].split(";", 1)[0] if lines else None


class Site:
    """A site with the counting handler, its store under ``root``, one config per server."""

    def __init__(self, root, session_type, redis_url=None):
        self.root = root
        self.docs = root / "docs"
        self.gates = root / "gates"
        (self.docs / "app").mkdir(parents=True, exist_ok=True)
        self.gates.mkdir(exist_ok=True)
        (self.docs / "app" / "counter.py").write_text(textwrap.dedent(HANDLER))
        self.session_type = session_type
        self.redis_url = redis_url

    def config(self, name):
        redis = (f'PythonOption session_redis_url "{self.redis_url}"\n'
                 f'PythonOption mod_python.session.redis_prefix "{self.root.name}:"\n'
                 if self.redis_url else "")
        return textwrap.dedent(f'''
            DocumentRoot "{self.docs}"
            ErrorLog "{self.root}/{name}-error.log"
            LogLevel info
            PythonOption session {self.session_type}
            PythonOption mod_python.session.database_directory "{self.root}/store"
            PythonOption gates "{self.gates}"
            ''') + redis + textwrap.dedent(f'''
            <Directory "{self.docs}/app">
                SetHandler mod_python
                PythonHandler counter
            </Directory>
        ''')

    def error_log(self, name):
        path = self.root / f"{name}-error.log"
        return path.read_text() if path.exists() else ""


def wait_until(condition, what, timeout=15.0):
    """Poll a condition (bounded); never a fixed sleep."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.005)


STORES = ["MemorySession", "FileSession", "DbmSession", "RedisSession"]
SHARED = ["FileSession", "DbmSession", "RedisSession"]


@pytest.fixture
def site(request, tmp_path):
    def make(session_type):
        url = request.getfixturevalue("redis_server").url if session_type == "RedisSession" else None
        return Site(tmp_path, session_type, url)
    return make


def count(port, cookie=None, query="count"):
    response = get(port, "/app/x?" + query, headers={"Cookie": cookie} if cookie else None)
    return parse(response), session_cookie(response)


@pytest.mark.parametrize("store", SHARED)
def test_session_survives_a_restart(serve, site, store):
    s = site(store)
    first = serve(s.config("one"))
    state, cookie = count(first.port)
    assert state["n"] == "1" and state["new"] == "1" and state["type"] == store
    assert cookie == "pysid=" + state["id"]
    first.stop()
    second = serve(s.config("two"))
    state2, again = count(second.port, cookie)
    assert state2["n"] == "2" and state2["new"] == "0" and state2["id"] == state["id"]
    assert again is None                    # a known session sends no new cookie


def test_memory_session_does_not_survive_a_restart(serve, site):
    """The control for the test above: the restart really starts from nothing."""
    s = site("MemorySession")
    first = serve(s.config("one"))
    state, cookie = count(first.port)
    assert count(first.port, cookie)[0]["n"] == "2"
    first.stop()
    second = serve(s.config("two"))
    state2, fresh = count(second.port, cookie)
    assert state2["n"] == "1" and state2["new"] == "1" and fresh != cookie


@pytest.mark.parametrize("store", SHARED)
def test_two_servers_share_one_session(serve, site, store):
    s = site(store)
    one, two = serve(s.config("one")), serve(s.config("two"))
    state, cookie = count(one.port)
    state2, _ = count(two.port, cookie)
    state3, _ = count(one.port, cookie)
    assert (state["n"], state2["n"], state3["n"]) == ("1", "2", "3")
    assert state["pid"] != state2["pid"] and state2["id"] == state["id"] == state3["id"]


def _run_in_thread(port, cookie, query, results):
    def run():
        try:
            results[query] = count(port, cookie, query)[0]
        except BaseException as exc:       # reported by the test, not lost in the thread
            results[query] = exc
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _serialised(s, port_a, port_b, log_b):
    """A holds the session (read n, wait for its gate); B asks for it and must wait: the
    server logs that B is waiting, B has not read anything, and after A's write B reads
    A's value. No lost update: n goes 1 -> 2 -> 3."""
    state, cookie = count(port_a)
    results = {}
    a = _run_in_thread(port_a, cookie, "slow=a", results)
    wait_until(lambda: (s.gates / "a.read").exists(), "A to read the session")
    b = _run_in_thread(port_b, cookie, "slow=b", results)
    wait_until(lambda: "waiting for another request holding the session" in s.error_log(log_b),
               "B to wait for the session lock")
    assert not (s.gates / "b.read").exists(), "B read the session while A held it"
    (s.gates / "b.go").touch()            # B will not wait on its own gate
    (s.gates / "a.go").touch()
    a.join(30)
    b.join(30)
    assert not isinstance(results["slow=a"], BaseException), results["slow=a"]
    assert not isinstance(results["slow=b"], BaseException), results["slow=b"]
    assert results["slow=a"]["n"] == "2" and results["slow=b"]["n"] == "3"
    assert count(port_a, cookie)[0]["n"] == "4"


@pytest.mark.parametrize("store", STORES)
def test_concurrent_requests_of_one_session_are_serialised(serve, site, store):
    s = site(store)
    server = serve(s.config("one"))
    _serialised(s, server.port, server.port, "one")


@pytest.mark.parametrize("store", ["FileSession", "RedisSession"])
def test_concurrent_requests_on_two_servers_are_serialised(serve, site, store):
    s = site(store)
    one, two = serve(s.config("one")), serve(s.config("two"))
    _serialised(s, one.port, two.port, "two")


ILLEGAL_IDS = ["../../../../etc/passwd", "0123456789ABCDEF0123456789ABCDEF",
               "0123456789abcdef0123456789abcdef0", "*", "%2e%2e%2fx", "a" * 31 + "/"]


@pytest.mark.parametrize("store", STORES)
def test_illegal_or_unknown_pysid_gets_a_new_session(serve, site, store):
    """A malformed id is never used as a file name or key, and a client cannot choose its
    session id (fixation): an id the store does not know is replaced too."""
    s = site(store)
    server = serve(s.config("one"))
    for bad in ILLEGAL_IDS + ["0123456789abcdef0123456789abcdef"]:
        state, cookie = count(server.port, "pysid=" + bad)
        assert state["new"] == "1" and state["id"] != bad and len(state["id"]) == 32, bad
        assert cookie == "pysid=" + state["id"]
        assert count(server.port, cookie)[0]["n"] == "2"
    if store == "FileSession":
        stored = sorted(p.name for p in (s.root / "store" / "mp_sess").glob("??/*"))
        assert len(stored) == len(ILLEGAL_IDS) + 1 and all(len(n) == 32 for n in stored)


@pytest.mark.parametrize("store", STORES)
def test_session_expires(serve, site, store):
    s = site(store)
    server = serve(s.config("one"))
    state, cookie = count(server.port, query="timeout=1")
    alive, _ = count(server.port, cookie)
    assert alive["new"] == "0" and alive["n"] == "1"
    # the stored access time is that of the first request: it lapses one second after it
    wait_until(lambda: parse(get(server.port, "/app/x?peek", headers={"Cookie": cookie}))["new"] == "1",
               "the session to expire", timeout=10)


def test_regenerate_id_at_login(serve, site):
    s = site("FileSession")
    server = serve(s.config("one"))
    state, cookie = count(server.port)
    login, new_cookie = count(server.port, cookie, "login=ann")
    assert new_cookie == "pysid=" + login["id"] and login["id"] != state["id"]
    assert login["n"] == "1" and login["user"] == "ann"
    after, _ = count(server.port, new_cookie, "peek")
    assert after["user"] == "ann" and after["new"] == "0"
    assert count(server.port, cookie, "peek")[0]["new"] == "1"     # the old id is gone


def test_session_cookie_attributes_over_http(serve, site):
    s = site("MemorySession")
    server = serve(s.config("one"))
    response = get(server.port, "/app/x")
    line, = [v for v in response.header_all("Set-Cookie") if v.startswith("pysid=")]
    assert line.endswith("; path=/app/; samesite=Lax; httponly")
    assert response.header("Cache-Control") == 'no-cache="set-cookie"'


def test_psp_page_gets_its_session_from_this_plugin(serve, site):
    """A PSP page naming ``session`` asks the named_handler hook; the sessions plugin answers."""
    s = site("FileSession")
    (s.docs / "pages").mkdir()
    (s.docs / "pages" / "count.psp").write_text(
        '<% session["n"] = session.get("n", 0) + 1 %>n=<%= session["n"] %> '
        'type=<%= type(session).__name__ %>')
    config = s.config("one") + textwrap.dedent(f'''
        <Directory "{s.docs}/pages">
            AddHandler mod_python .psp
            PythonHandler mod_python.psp
        </Directory>
    ''')
    server = serve(config)
    first = get(server.port, "/pages/count.psp")
    assert first.status == 200 and first.text.strip() == "n=1 type=FileSession", first.text
    cookie = session_cookie(first)
    second = get(server.port, "/pages/count.psp", headers={"Cookie": cookie})
    assert second.text.strip() == "n=2 type=FileSession"
