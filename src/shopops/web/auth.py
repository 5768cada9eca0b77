"""Accounts, store grants and server-side sessions, kept in the workspace's DuckDB file.

* Passwords: argon2id with RFC 9106's low-memory profile (t=3, m=64 MiB, p=4) — above OWASP's minimum
  (m=19 MiB, t=2, p=1). Hashes are upgraded on sign-in when the parameters change.
* Sessions: a random 256-bit id in an HttpOnly cookie; the table keeps only its SHA-256, so a copy of the workspace
  does not hand out live sessions. Each session has its own CSRF token. Signing in always issues a new id.
* Grants: a user sees the stores listed in ``_web_grants``; ``*`` means every store, present and future.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from shopops.web.errors import BadUserName, UnknownRole, UserExists, WeakPassword
from shopops.web.roles import Role

log = logging.getLogger(__name__)

ALL_STORES = "*"
MIN_PASSWORD = 10
HASHER = PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)
# Verified when the user name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = HASHER.hash(secrets.token_hex(16))
_NAME = re.compile(r"^[A-Za-z0-9._-]{2,40}$")

DDL = """
CREATE TABLE IF NOT EXISTS _web_users (
    username VARCHAR PRIMARY KEY,
    password_hash VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS _web_grants (username VARCHAR NOT NULL, store_id VARCHAR NOT NULL,
    PRIMARY KEY (username, store_id));
CREATE TABLE IF NOT EXISTS _web_sessions (
    sid_hash VARCHAR PRIMARY KEY,
    username VARCHAR NOT NULL,
    csrf VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
"""


@dataclass(frozen=True)
class User:
    username: str
    role: Role
    stores: frozenset[str]  # granted store ids; {"*"} = all

    @property
    def all_stores(self) -> bool:
        return ALL_STORES in self.stores


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str
    sid_hash: str
    expires_at: dt.datetime


def ensure_schema(con: Any) -> None:
    con.execute(DDL)


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _hash_sid(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def session_key(sid: str) -> str:
    """What a session is known by on the server: the SHA-256 of its cookie value."""
    return _hash_sid(sid)


def check_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise UnknownRole(role=role, valid=", ".join(r.value for r in Role)) from None


def check_username(username: str) -> str:
    if not _NAME.match(username or ""):
        raise BadUserName(username=username)
    return username


def hash_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise WeakPassword(minimum=MIN_PASSWORD)
    return HASHER.hash(password)


def add_user(con: Any, username: str, password: str, role: str, stores: Iterable[str]) -> User:
    check_username(username)
    user_role = check_role(role)
    digest = hash_password(password)
    granted = frozenset(s.strip() for s in stores if s.strip())
    if con.execute("SELECT 1 FROM _web_users WHERE username = ?", [username]).fetchall():
        raise UserExists(username=username)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("INSERT INTO _web_users VALUES (?, ?, ?, ?)", [username, digest, user_role.value, _now()])
        _write_grants(con, username, granted)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    log.info("added user %s (%s) with stores %s", username, user_role, sorted(granted))
    return User(username, user_role, granted)


def _write_grants(con: Any, username: str, stores: frozenset[str]) -> None:
    con.execute("DELETE FROM _web_grants WHERE username = ?", [username])
    for store in sorted(stores):
        con.execute("INSERT INTO _web_grants VALUES (?, ?)", [username, store])


def update_user(con: Any, username: str, *, role: str | None = None, stores: Iterable[str] | None = None) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        if role is not None:
            con.execute("UPDATE _web_users SET role = ? WHERE username = ?", [check_role(role).value, username])
        if stores is not None:
            _write_grants(con, username, frozenset(s for s in stores if s))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def set_password(con: Any, username: str, password: str) -> None:
    con.execute("UPDATE _web_users SET password_hash = ? WHERE username = ?", [hash_password(password), username])
    con.execute("DELETE FROM _web_sessions WHERE username = ?", [username])  # a new password signs out everywhere


def remove_user(con: Any, username: str) -> None:
    for table in ("_web_sessions", "_web_grants", "_web_users"):
        con.execute(f"DELETE FROM {table} WHERE username = ?", [username])


def get_user(con: Any, username: str) -> User | None:
    rows = con.execute("SELECT role FROM _web_users WHERE username = ?", [username]).fetchall()
    if not rows:
        return None
    grants = con.execute("SELECT store_id FROM _web_grants WHERE username = ?", [username]).fetchall()
    return User(username, Role(rows[0][0]), frozenset(g[0] for g in grants))


def list_users(con: Any) -> list[User]:
    rows = con.execute(
        "SELECT u.username, u.role, list(g.store_id ORDER BY g.store_id) FILTER (WHERE g.store_id IS NOT NULL) "
        "FROM _web_users u LEFT JOIN _web_grants g USING (username) GROUP BY ALL ORDER BY u.username"
    ).fetchall()
    return [User(name, Role(role), frozenset(stores or ())) for name, role, stores in rows]


def count_users(con: Any) -> int:
    return con.execute("SELECT count(*) FROM _web_users").fetchall()[0][0]


def authenticate(con: Any, username: str, password: str) -> tuple[User | None, str | None]:
    """The user when the password is right, and a new hash when the stored one should be upgraded."""
    rows = con.execute("SELECT password_hash FROM _web_users WHERE username = ?", [username]).fetchall()
    stored = rows[0][0] if rows else _DUMMY_HASH
    try:
        HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None, None
    if not rows:
        return None, None
    rehash = HASHER.hash(password) if HASHER.check_needs_rehash(stored) else None
    return get_user(con, username), rehash


def store_rehash(con: Any, username: str, digest: str) -> None:
    con.execute("UPDATE _web_users SET password_hash = ? WHERE username = ?", [digest, username])


def create_session(con: Any, username: str, hours: int) -> tuple[str, str]:
    """A new session: (cookie value, CSRF token)."""
    sid, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = _now()
    con.execute(
        "INSERT INTO _web_sessions VALUES (?, ?, ?, ?, ?)",
        [_hash_sid(sid), username, csrf, now, now + dt.timedelta(hours=hours)],
    )
    con.execute("DELETE FROM _web_sessions WHERE expires_at < ?", [now])
    return sid, csrf


def load_session(con: Any, sid: str | None) -> Session | None:
    """The live session of a cookie value, with its user and grants — one query, as it runs on every request."""
    if not sid or len(sid) > 128:
        return None
    digest = _hash_sid(sid)
    rows = con.execute(
        "SELECT s.username, s.csrf, s.expires_at, u.role, list(g.store_id) FILTER (WHERE g.store_id IS NOT NULL) "
        "FROM _web_sessions s JOIN _web_users u USING (username) LEFT JOIN _web_grants g USING (username) "
        "WHERE s.sid_hash = ? AND s.expires_at > ? GROUP BY ALL",
        [digest, _now()],
    ).fetchall()
    if not rows:
        return None
    username, csrf, expires, role, stores = rows[0]
    return Session(User(username, Role(role), frozenset(stores or ())), csrf, digest, expires)


def end_session(con: Any, sid: str | None) -> None:
    if sid:
        con.execute("DELETE FROM _web_sessions WHERE sid_hash = ?", [_hash_sid(sid)])
