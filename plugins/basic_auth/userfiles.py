"""AuthUserFile (htpasswd) and AuthGroupFile: parsed when first needed, again when they change.

Entries are kept as bytes and compared with the bytes the client sent, as Apache does.
"""

import os

import bcrypt
import gevent
from passlib.context import CryptContext

# What Apache's htpasswd writes on Unix: bcrypt ($2y$), apr1 MD5, {SHA}, crypt (DES, $1$,
# $5$, $6$). Plain text is refused, as Apache does outside Windows.
HASHES = CryptContext(schemes=["bcrypt", "apr_md5_crypt", "ldap_sha1", "md5_crypt",
                               "sha256_crypt", "sha512_crypt", "des_crypt"])
BCRYPT_MAX_BYTES = 72    # bcrypt ignores the rest; the bcrypt package refuses longer input


class FileError(Exception):
    """A password or group file could not be read (answered 500, like Apache)."""


_cache = {}     # (path, parser) -> ((mtime_ns, size, inode), parsed)


def _load(path, parser):
    try:
        st = os.stat(path)
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        known = _cache.get((path, parser))
        if known is not None and known[0] == stamp:
            return known[1]
        with open(path, "rb") as f:
            parsed = parser(f.read())
    except OSError as exc:
        raise FileError("could not open %s: %s" % (path, exc.strerror)) from None
    _cache[(path, parser)] = (stamp, parsed)
    return parsed


def _lines(data):
    for line in data.split(b"\n"):
        line = line.strip()
        if line and not line.startswith(b"#"):
            yield line


def _parse_passwords(data):
    """``user:hash[:anything]`` per line; the first line for a user counts."""
    entries = {}
    for line in _lines(data):
        user, colon, rest = line.partition(b":")
        if colon:
            entries.setdefault(user, rest.split(b":", 1)[0].decode("ascii", "replace"))
    return entries


def _parse_groups(data):
    """``group: user user ...`` per line (a group may span several lines) -> user -> groups."""
    groups_by_user = {}
    for line in _lines(data):
        group, colon, members = line.partition(b":")
        if colon:
            for user in members.split():
                groups_by_user.setdefault(user, set()).add(group.strip())
    return groups_by_user


def stored_hash(path, user):
    """The hash stored for ``user`` (bytes) in the htpasswd file, or None."""
    return _load(path, _parse_passwords).get(user)


def groups_of(path, user):
    """The set of group names (bytes) ``user`` (bytes) belongs to."""
    return _load(path, _parse_groups).get(user, frozenset())


_decoy = []


def decoy_hash():
    """A bcrypt hash nobody's password matches, made once: checked for unknown users."""
    if not _decoy:
        _decoy.append(bcrypt.hashpw(os.urandom(16), bcrypt.gensalt(10)))
    return _decoy[0]


# Schemes checked in the calling greenlet: one SHA-1 (a few µs) costs less than the thread
# hand-off (some 25 µs). The others are slow on purpose (bcrypt) or in pure Python (apr1).
INLINE_SCHEMES = frozenset({"ldap_sha1"})


def password_matches(password, stored):
    """Check ``password`` (bytes) against an htpasswd hash, in constant time.

    Runs in gevent's thread pool, but for the fast ``{SHA}`` hashes: bcrypt is slow on
    purpose and must not stall the other connections. ValueError when the stored hash is of
    no known or a malformed format."""
    scheme = HASHES.identify(stored, required=False)
    if scheme is None:
        raise ValueError("unknown password hash format")
    if scheme in INLINE_SCHEMES:
        return _verify(password, stored, scheme)
    return gevent.get_hub().threadpool.apply(_verify, (password, stored, scheme))


def _verify(password, stored, scheme=None):
    if scheme is None:
        scheme = HASHES.identify(stored, required=False)
        if scheme is None:
            raise ValueError("unknown password hash format")
    if scheme == "bcrypt":
        password = password[:BCRYPT_MAX_BYTES]
    return HASHES.handler(scheme).verify(password, stored)
