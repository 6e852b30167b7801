"""Sessions through real greenphase processes: restarts, two servers sharing one store,
concurrent requests of one session, illegal ids, expiry. Redis is a real redis-server.

One site serves every store, each under its own directory (``/memory/``, ``/file/``,
``/dbm/``, ``/redis/``, chosen by ``PythonOption session``); two servers share it."""

import os
import textwrap
import threading
import time
import uuid
import warnings

import pytest

from support.httpclient import get
from support.redis import INSTALL_HINT, missing as redis_missing
from support.server import Server, free_port, greenphase_command, serve as start_server, write_config

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

STORES = {"memory": "MemorySession", "file": "FileSession", "dbm": "DbmSession",
          "redis": "RedisSession"}
DIRECTORIES = dict(STORES, default=None)    # /default/ sets no type: Session() chooses
SHARED = ["file", "dbm", "redis"]


class Site:
    """The site's files under ``root``; ``config(name)`` for one server of it."""

    def __init__(self, root, redis_url):
        self.root = root
        self.docs = root / "docs"
        self.gates = root / "gates"
        self.gates.mkdir(parents=True, exist_ok=True)
        for directory in DIRECTORIES:
            (self.docs / directory).mkdir(parents=True, exist_ok=True)
            (self.docs / directory / "counter.py").write_text(textwrap.dedent(HANDLER))
        (self.docs / "pages").mkdir(exist_ok=True)
        (self.docs / "pages" / "count.psp").write_text(
            '<% session["n"] = session.get("n", 0) + 1 %>n=<%= session["n"] %> '
            'type=<%= type(session).__name__ %>')
        self.redis_url = redis_url

    def config(self, name):
        sections = "".join(textwrap.dedent(f'''
            <Directory "{self.docs}/{directory}">
                SetHandler mod_python
                PythonHandler counter
                {"PythonOption session " + cls if cls else ""}
            </Directory>
            ''') for directory, cls in DIRECTORIES.items())
        return textwrap.dedent(f'''
            DocumentRoot "{self.docs}"
            ErrorLog "{self.root}/{name}-error.log"
            LogLevel info
            PythonOption mod_python.session.database_directory "{self.root}/store"
            PythonOption session_redis_url "{self.redis_url}"
            PythonOption mod_python.session.redis_prefix "{self.root.name}:"
            PythonOption gates "{self.gates}"
            <Directory "{self.docs}/pages">
                AddHandler mod_python .psp
                PythonHandler mod_python.psp
                PythonOption session FileSession
            </Directory>
            ''') + sections

    def error_log(self, name):
        path = self.root / f"{name}-error.log"
        return path.read_text() if path.exists() else ""


@pytest.fixture(scope="module")
def redis_url(request):
    """The real Redis's URL; without redis-server (locally) an unused address, and the
    Redis cases skip (under CI=true they fail) through the ``redis_server`` fixture."""
    if redis_missing() and os.environ.get("CI") != "true":
        return "redis://127.0.0.1:%d/0" % free_port()
    return request.getfixturevalue("redis_server").url


@pytest.fixture(scope="module")
def redis_url_is_real(redis_url):
    if redis_missing() and os.environ.get("CI") != "true":
        warnings.warn("redis-server not found (%s): Redis left out of the restart test" % INSTALL_HINT)
        return False
    return True


@pytest.fixture(scope="module")
def site(tmp_path_factory, redis_url):
    return Site(tmp_path_factory.mktemp("sessions"), redis_url)


@pytest.fixture(scope="module")
def servers(site, tmp_path_factory):
    """Two servers of the one site: different processes, one store."""
    conf = tmp_path_factory.mktemp("conf")
    started = [start_server(site.config(name), directory=conf) for name in ("one", "two")]
    yield started
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def two_workers(site, tmp_path_factory):
    """The site under the arbiter with two worker processes (``--workers 2``)."""
    port = free_port()
    config = write_config(site.config("workers"), port, tmp_path_factory.mktemp("conf2"))
    server = Server(config, port, command=greenphase_command() + [
        "serve", "--workers", "2", "--config", str(config)])
    yield server
    server.stop()


@pytest.fixture
def needs(request):
    """``needs(store)``: skip (or fail under CI) a Redis case when redis-server is absent."""
    def check(store):
        if store == "redis":
            request.getfixturevalue("redis_server")
    return check


def parse(response):
    assert response.status == 200, response.text
    return dict(item.split("=", 1) for item in response.text.split())


def session_cookie(response):
    lines = [v for v in response.header_all("Set-Cookie") if v.startswith("pysid=")]
    return lines[-1].split(";", 1)[0] if lines else None


def count(port, store, cookie=None, query="count"):
    response = get(port, "/%s/x?%s" % (store, query), headers={"Cookie": cookie} if cookie else None)
    return parse(response), session_cookie(response)


def wait_until(condition, what, timeout=15.0):
    """Poll a condition (bounded); never a fixed sleep."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.005)


def test_sessions_survive_a_restart(site, serve, request):
    """File, dbm and Redis keep their sessions over a restart (Redis left out, with a
    message, only where redis-server is missing outside CI)."""
    shared = SHARED if request.getfixturevalue("redis_url_is_real") else ["file", "dbm"]
    first = serve(site.config("restart-one"))
    cookies = {}
    for store in ["memory"] + shared:
        state, cookies[store] = count(first.port, store)
        assert state["n"] == "1" and state["new"] == "1" and state["type"] == STORES[store]
        assert cookies[store] == "pysid=" + state["id"]
    first.stop()
    second = serve(site.config("restart-two"))
    for store in shared:
        state, again = count(second.port, store, cookies[store])
        assert (state["n"], state["new"], "pysid=" + state["id"]) == ("2", "0", cookies[store]), store
        assert again is None                # a known session sends no new cookie
    # The control: memory really starts from nothing after a restart.
    state, fresh = count(second.port, "memory", cookies["memory"])
    assert state["n"] == "1" and state["new"] == "1" and fresh != cookies["memory"]


@pytest.mark.parametrize("store", SHARED)
def test_two_servers_share_one_session(servers, needs, store):
    needs(store)
    one, two = servers
    state, cookie = count(one.port, store)
    state2, _ = count(two.port, store, cookie)
    state3, _ = count(one.port, store, cookie)
    assert (state["n"], state2["n"], state3["n"]) == ("1", "2", "3")
    assert state["pid"] != state2["pid"] and state2["id"] == state["id"] == state3["id"]


def _run_in_thread(port, store, cookie, query, results):
    def run():
        try:
            results[query] = count(port, store, cookie, query)[0]
        except BaseException as exc:       # reported by the test, not lost in the thread
            results[query] = exc
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _serialised(site, store, port_a, port_b, log_b):
    """A holds the session (read n, wait for its gate); B asks for it and must wait: B's
    server logs that B waits for this session, B has read nothing, and after A's write B
    reads A's value. No lost update: n goes 1 -> 2 -> 3 -> 4."""
    state, cookie = count(port_a, store)
    a, b = "a-" + uuid.uuid4().hex, "b-" + uuid.uuid4().hex
    results = {}
    thread_a = _run_in_thread(port_a, store, cookie, "slow=" + a, results)
    wait_until(lambda: (site.gates / (a + ".read")).exists(), "A to read the session")
    thread_b = _run_in_thread(port_b, store, cookie, "slow=" + b, results)
    waiting = "%s %s: waiting for another request holding the session" % (STORES[store], state["id"])
    wait_until(lambda: waiting in site.error_log(log_b), "B to wait for the session lock")
    assert not (site.gates / (b + ".read")).exists(), "B read the session while A held it"
    (site.gates / (b + ".go")).touch()      # B will not wait at its own gate
    (site.gates / (a + ".go")).touch()
    thread_a.join(30)
    thread_b.join(30)
    for name in (a, b):
        assert not isinstance(results["slow=" + name], BaseException), results["slow=" + name]
    assert results["slow=" + a]["n"] == "2" and results["slow=" + b]["n"] == "3"
    assert count(port_a, store, cookie)[0]["n"] == "4"


@pytest.mark.parametrize("store", list(STORES))
def test_concurrent_requests_of_one_session_are_serialised(site, servers, needs, store):
    needs(store)
    _serialised(site, store, servers[0].port, servers[0].port, "one")


@pytest.mark.parametrize("store", SHARED)
def test_concurrent_requests_on_two_servers_are_serialised(site, servers, needs, store):
    needs(store)
    _serialised(site, store, servers[0].port, servers[1].port, "two")


@pytest.mark.parametrize("store", SHARED)
def test_concurrent_requests_under_two_workers_are_serialised(site, two_workers, needs, store):
    """Whichever worker each request reaches, the second waits for the first."""
    needs(store)
    _serialised(site, store, two_workers.port, two_workers.port, "workers")


def test_default_store_follows_the_process_count(servers, two_workers):
    """``Session()`` without ``PythonOption session``: memory for one process, the dbm store
    (which every worker sees) for two."""
    assert count(servers[0].port, "default")[0]["type"] == "MemorySession"
    state, cookie = count(two_workers.port, "default")
    assert state["type"] == "DbmSession"
    for n in range(2, 6):                   # whichever worker answers, the session is there
        state, _ = count(two_workers.port, "default", cookie)
        assert state["n"] == str(n) and state["type"] == "DbmSession"


ILLEGAL_IDS = ["../../../../etc/passwd", "0123456789ABCDEF0123456789ABCDEF",
               "0123456789abcdef0123456789abcdef0", "*", "%2e%2e%2fx", "a" * 31 + "/"]


@pytest.mark.parametrize("store", list(STORES))
def test_illegal_or_unknown_pysid_gets_a_new_session(site, servers, needs, store):
    """A malformed id is never used as a file name or key, and a client cannot choose its
    session id (fixation): an id the store does not know is replaced too."""
    needs(store)
    port = servers[0].port
    for bad in ILLEGAL_IDS + ["0123456789abcdef0123456789abcdef"]:
        state, cookie = count(port, store, "pysid=" + bad)
        assert state["new"] == "1" and state["id"] != bad and len(state["id"]) == 32, bad
        assert cookie == "pysid=" + state["id"]
        assert count(port, store, cookie)[0]["n"] == "2"
    if store == "file":
        stored = [p.name for p in (site.root / "store" / "mp_sess").glob("*/*")
                  if p.parent.name != "locks"]
        assert stored and all(len(name) == 32 and name.isalnum() for name in stored), stored
        assert not list((site.root / "store").glob("**/*passwd*"))


@pytest.mark.parametrize("store", list(STORES))
def test_session_expires(servers, needs, store):
    needs(store)
    port = servers[0].port
    state, cookie = count(port, store, query="timeout=1")
    alive, _ = count(port, store, cookie, "peek")
    assert alive["new"] == "0" and alive["n"] == "None" and alive["id"] == state["id"]
    # the stored access time is the first request's: the session lapses a second after it
    wait_until(lambda: count(port, store, cookie, "peek")[0]["new"] == "1",
               "the session to expire", timeout=10)


def test_regenerate_id_at_login(servers):
    port = servers[0].port
    state, cookie = count(port, "file")
    login, new_cookie = count(port, "file", cookie, "login=ann")
    assert new_cookie == "pysid=" + login["id"] and login["id"] != state["id"]
    assert login["n"] == "1" and login["user"] == "ann"
    after, _ = count(port, "file", new_cookie, "peek")
    assert after["user"] == "ann" and after["new"] == "0"
    assert count(port, "file", cookie, "peek")[0]["new"] == "1"     # the old id is gone


def test_session_cookie_attributes_over_http(servers):
    response = get(servers[0].port, "/memory/x")
    line, = [v for v in response.header_all("Set-Cookie") if v.startswith("pysid=")]
    assert line.endswith("; path=/memory/; samesite=Lax; httponly")
    assert response.header("Cache-Control") == 'no-cache="set-cookie"'


def test_psp_page_gets_its_session_from_this_plugin(servers):
    """A PSP page naming ``session`` asks the named_handler hook; the sessions plugin answers."""
    port = servers[0].port
    first = get(port, "/pages/count.psp")
    assert first.status == 200 and first.text.strip() == "n=1 type=FileSession", first.text
    second = get(port, "/pages/count.psp", headers={"Cookie": session_cookie(first)})
    assert second.text.strip() == "n=2 type=FileSession"
