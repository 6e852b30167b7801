"""Sessions without a server: ids, cookies, load/save, expiry, locks, the stores."""

import os
import pickle
import stat
import time

import gevent
import pytest

from plugins.sessions import (
    BaseSession, DbmSession, FileSession, MemorySession, RedisSession, Session,
    SessionStoreError, default_type)
from plugins.sessions import locks
from plugins.sessions.dbmstore import dbm_cleanup
from plugins.sessions.filestore import file_cleanup
from support.sessionreq import SessionRequest

SID = "0123456789abcdef0123456789abcdef"


@pytest.fixture(autouse=True)
def no_memory_left():
    MemorySession.sdict.clear()
    yield
    MemorySession.sdict.clear()
    assert not locks._entries, "a session lock was not released"


def make(cls, tmp_path, cookie=None, options=None, **kw):
    opts = {"mod_python.session.database_directory": str(tmp_path / "store")}
    opts.update(options or {})
    req = SessionRequest(options=opts, cookie=cookie, **kw)
    return req, cls(req)


STORES = [MemorySession, FileSession, DbmSession]


@pytest.mark.parametrize("cls", STORES)
def test_new_session_sets_cookie_and_survives_a_save(cls, tmp_path):
    req, sess = make(cls, tmp_path)
    assert sess.is_new() and len(sess.id()) == 32
    assert sess.timeout() == 1800 and sess.created() == pytest.approx(time.time(), abs=5)
    cookie = req.session_cookie()
    assert cookie == "pysid=" + sess.id()
    assert req.headers_out["Cache-Control"] == 'no-cache="set-cookie"'
    sess["n"] = 1
    sess.save()
    req.end()
    req2, again = make(cls, tmp_path, cookie=cookie)
    assert not again.is_new() and again.id() == sess.id() and again["n"] == 1
    assert again.created() == sess.created()
    assert req2.set_cookies() == []         # a known session sends no cookie again
    req2.end()


@pytest.mark.parametrize("cls", STORES)
def test_unsaved_session_is_not_kept(cls, tmp_path):
    req, sess = make(cls, tmp_path)
    sess["n"] = 1
    req.end()
    req2, again = make(cls, tmp_path, cookie="pysid=" + sess.id())
    assert again.is_new() and again.id() != sess.id()
    req2.end()


@pytest.mark.parametrize("cls", STORES)
def test_expired_session_starts_over(cls, tmp_path):
    req, sess = make(cls, tmp_path)
    sess.set_timeout(-1)        # already past: no waiting needed
    sess.save()
    req.end()
    req2, again = make(cls, tmp_path, cookie="pysid=" + sess.id())
    assert again.is_new() and again.id() != sess.id()
    req2.end()


@pytest.mark.parametrize("bad", ["../../etc/passwd", SID.upper(), SID[:-1], SID + "0",
                                 "x" * 32, "0123456789abcdef0123456789abcde/", "%2e%2e"])
def test_illegal_cookie_id_gets_a_new_session(bad, tmp_path):
    req, sess = make(FileSession, tmp_path, cookie="pysid=" + bad)
    assert sess.is_new() and sess.id() != bad and len(sess.id()) == 32
    sess.save()
    req.end()
    files = [p.name for p in (tmp_path / "store" / "mp_sess").rglob("*") if p.is_file()]
    assert files == [sess.id()]


def test_illegal_explicit_id_raises(tmp_path):
    req = SessionRequest(options={})
    with pytest.raises(ValueError, match="Invalid Session ID"):
        MemorySession(req, sid="../x")


def test_signed_session_cookie():
    req = SessionRequest()
    sess = MemorySession(req, secret="s3cret")
    sess.save()
    cookie = req.session_cookie()
    assert cookie.endswith(sess.id()) and len(cookie) == len("pysid=") + 64 + 32
    req.end()
    ok_req = SessionRequest(cookie=cookie)
    assert MemorySession(ok_req, secret="s3cret").id() == sess.id()
    ok_req.end()
    forged = SessionRequest(cookie="pysid=" + "0" * 64 + sess.id())
    assert MemorySession(forged, secret="s3cret").id() != sess.id()
    forged.end()
    unsigned = SessionRequest(cookie="pysid=" + sess.id())
    assert MemorySession(unsigned, secret="s3cret").id() != sess.id()
    unsigned.end()


def test_cookie_options(tmp_path):
    req = SessionRequest(options={"session_cookie_name": "SID",
                                  "mod_python.session.application_domain": "example.org",
                                  "mod_python.session.cookie_secure": "On",
                                  "mod_python.session.cookie_samesite": "strict"})
    MemorySession(req)
    line, = req.set_cookies()
    assert line.startswith("SID=")
    assert "; path=/; domain=example.org; secure; samesite=Strict; httponly" in line
    req.end()
    req = SessionRequest(options={"mod_python.session.cookie_httponly": "Off",
                                  "mod_python.session.cookie_samesite": "Off",
                                  "ApplicationPath": "/shop"})
    MemorySession(req)
    assert req.set_cookies()[0].endswith("; path=/shop")
    req.end()


def test_cookie_path_defaults_to_handler_directory(tmp_path):
    req = SessionRequest(directory="/srv/www/app/", uri="/app/page")
    MemorySession(req)
    assert "; path=/app/;" in req.set_cookies()[0]
    req.end()
    req = SessionRequest(directory="/srv/www/app/", uri="/elsewhere")   # Alias: not a prefix
    MemorySession(req)
    assert "; path=/;" in req.set_cookies()[0]
    req.end()


def test_https_request_gets_a_secure_cookie():
    req = SessionRequest(https=True)
    MemorySession(req)
    assert "; secure;" in req.set_cookies()[0]
    req.end()


def test_invalidate_expires_cookie_and_deletes(tmp_path):
    req, sess = make(FileSession, tmp_path)
    sess.save()
    req.end()
    req2, again = make(FileSession, tmp_path, cookie="pysid=" + sess.id())
    again.invalidate()
    again.save()                      # ignored once invalid
    assert "expires=Thu, 01-Jan-1970 00:00:00 GMT" in req2.set_cookies()[-1]
    req2.end()
    assert not list((tmp_path / "store" / "mp_sess").glob("*/" + sess.id()))


@pytest.mark.parametrize("cls", STORES)
def test_regenerate_id_keeps_data_under_a_new_id(cls, tmp_path):
    req, sess = make(cls, tmp_path)
    sess["user"] = "ann"
    sess.save()
    req.end()
    old = sess.id()
    req2, again = make(cls, tmp_path, cookie="pysid=" + old)
    new = again.regenerate_id()
    again.save()
    assert new != old and again["user"] == "ann"
    assert req2.session_cookie() == "pysid=" + new
    req2.end()
    req3, stale = make(cls, tmp_path, cookie="pysid=" + old)
    assert stale.is_new()
    req3.end()
    req4, fresh = make(cls, tmp_path, cookie="pysid=" + new)
    assert fresh["user"] == "ann"
    req4.end()


def test_session_factory_reads_the_option(tmp_path):
    opts = {"mod_python.session.database_directory": str(tmp_path)}
    for name, cls in (("FileSession", FileSession), ("DbmSession", DbmSession),
                      ("MemorySession", MemorySession)):
        req = SessionRequest(options=dict(opts, session=name))
        assert type(Session(req)) is cls
        req.end()
    req = SessionRequest(options={"session": "CookieJarSession"})
    with pytest.raises(SessionStoreError, match="Unknown session type CookieJarSession"):
        Session(req)
    req = SessionRequest(options={"session": "RedisSession"})
    with pytest.raises(SessionStoreError, match="mod_python.session.redis_url"):
        Session(req)


def test_default_type_follows_the_process_count():
    req = SessionRequest()
    req.site = type("Site", (), {})()
    assert default_type(req) == "MemorySession"          # today: one process
    req.site.workers = 2
    assert default_type(req) == "DbmSession"
    req.site.workers = None                             # unknown (a WSGI server)
    assert default_type(req) == "DbmSession"


def test_store_directory_must_be_private(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o777)
    req = SessionRequest(options={"mod_python.session.database_directory": str(tmp_path)})
    (tmp_path / "mp_sess").mkdir(mode=0o777)
    os.chmod(tmp_path / "mp_sess", 0o777)
    with pytest.raises(SessionStoreError, match="writable by no one else"):
        FileSession(req)
    req = SessionRequest(options={"mod_python.dbm_session.database_filename": str(shared / "s.db")})
    with pytest.raises(SessionStoreError, match="writable by no one else"):
        DbmSession(req)


def test_files_are_private(tmp_path):
    req, sess = make(FileSession, tmp_path)
    sess.save()
    req.end()
    path, = (tmp_path / "store" / "mp_sess").glob("*/" + sess.id())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "store" / "mp_sess").stat().st_mode) == 0o700
    req, sess = make(DbmSession, tmp_path)
    sess.save()
    req.end()
    db, = (tmp_path / "store" / "mp_sess_dbm").glob("mp_sess.dbm")
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_lock_released_at_request_end_and_lock_files_removed(tmp_path):
    req, sess = make(FileSession, tmp_path)
    key = ("FileSession", sess._sessdir, sess.id())
    assert locks.held_here(key)
    assert os.listdir(tmp_path / "store" / "mp_sess" / "locks") == [sess.id() + ".lock"]
    req.end()
    assert not locks.held_here(key)
    assert os.listdir(tmp_path / "store" / "mp_sess" / "locks") == []


@pytest.mark.parametrize("cls", STORES)
def test_concurrent_greenlets_of_one_session_are_serialised(cls, tmp_path):
    """Each greenlet reads n, yields while holding the session, writes n + 1."""
    req, sess = make(cls, tmp_path)
    sess["n"] = 0
    sess.save()
    req.end()
    cookie = "pysid=" + sess.id()
    waits = []

    def bump():
        r, s = make(cls, tmp_path, cookie=cookie)
        n = s["n"]
        gevent.sleep(0)           # let the others run while this one holds the session
        s["n"] = n + 1
        s.save()
        waits.extend(m for m, level in r.logged if "waiting for another request" in m)
        r.end()

    gevent.joinall([gevent.spawn(bump) for _ in range(5)], raise_error=True)
    r, s = make(cls, tmp_path, cookie=cookie)
    assert s["n"] == 5
    assert len(waits) == 4        # every later greenlet found it locked and said so
    r.end()


def test_two_sessions_for_one_id_in_one_request_do_not_deadlock(tmp_path):
    req, sess = make(FileSession, tmp_path)
    cookie = "pysid=" + sess.id()
    sess.save()
    req.end()
    req2, first = make(FileSession, tmp_path, cookie=cookie)
    second = FileSession(req2)
    assert second.id() == first.id()
    req2.end()


def test_lock_zero_takes_no_lock(tmp_path):
    req = SessionRequest()
    sess = MemorySession(req, lock=0)
    assert not locks.held_here(("MemorySession", None, sess.id()))
    assert req.cleanups == []


def test_cleanup_deletes_only_expired(tmp_path):
    old = time.time() - 10000
    records = {}
    for cls in (FileSession, DbmSession, MemorySession):
        req, live = make(cls, tmp_path)
        live.save()
        req.end()
        req, dead = make(cls, tmp_path)
        dead._accessed = old
        dead.set_timeout(60)
        dead.save()
        req.end()
        records[cls] = (live.id(), dead.id())
    # FileSession's fast cleanup looks at the file time first: age the dead one's file.
    live, dead = records[FileSession]
    dead_file, = (tmp_path / "store" / "mp_sess").glob("*/" + dead)
    os.utime(dead_file, (old, old))
    for cls in (FileSession, DbmSession, MemorySession):
        req = SessionRequest(options={"mod_python.session.database_directory":
                                      str(tmp_path / "store"), "session_cleanup_chance": "1"})
        cls(req)                      # one in 1: this request runs the cleanup
        assert "registered" in req.log_text
        req.end()
        live, dead = records[cls]
        assert _exists(cls, tmp_path, live) and not _exists(cls, tmp_path, dead), cls.__name__


def _exists(cls, tmp_path, sid):
    req, sess = make(cls, tmp_path, cookie="pysid=" + sid)
    found = not sess.is_new()
    req.end()
    return found


def test_redis_session(redis_server):
    opts = {"session": "RedisSession", "session_redis_url": redis_server.url,
            "mod_python.session.redis_prefix": "unit:"}
    req = SessionRequest(options=opts)
    sess = Session(req)
    assert isinstance(sess, RedisSession)
    sess["n"] = 1
    sess.save()
    import redis
    client = redis.Redis.from_url(redis_server.url)
    assert client.exists("unit:lock:" + sess.id())
    assert 1790 <= client.ttl("unit:" + sess.id()) <= 1800
    req.end()
    assert not client.exists("unit:lock:" + sess.id())
    req = SessionRequest(options=opts, cookie="pysid=" + sess.id())
    assert Session(req)["n"] == 1
    req.end()


def test_mod_python_face_names():
    from mod_python import Session as face
    for name in ("Session", "BaseSession", "MemorySession", "FileSession", "DbmSession",
                 "RedisSession", "COOKIE_NAME", "DFT_TIMEOUT", "DFT_LOCK", "CLEANUP_CHANCE",
                 "dbm_cleanup", "filesession_cleanup", "mem_cleanup", "unlock_session_cleanup",
                 "make_filesession_dirs", "validate_sid_re", "tempdir"):
        assert hasattr(face, name), name
    assert (face.COOKIE_NAME, face.DFT_TIMEOUT, face.CLEANUP_CHANCE) == ("pysid", 1800, 1000)
    assert face.true_or_false("yes") is True and face.true_or_false("0") is False
    with pytest.raises(ValueError):
        face.true_or_false("On")
    assert face.md5_hash("x") == "9dd4e461268c8034f5c8564e155c67a6"
