"""The server's hold on the workspace: opened once, read through pooled cursors, written under one lock.

``shopops serve`` is the one process that holds the DuckDB file read-write (a CLI command run beside it gets
``workspace busy (held by PID …)``). Requests run in a thread pool; each borrows a cursor and its ``Engine`` from a
small pool (DuckDB cursors may run concurrently; one cursor may not). Writes — imports, targets, accounts, task
changes — go through ``write()``, one at a time, and bump ``version``: page payloads are cached per version, so a
cached page is never older than the last write (this process is the only writer).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from shopops.metrics.engine import Engine
from shopops.warehouse import Workspace
from shopops.web import auth

log = logging.getLogger(__name__)

T = TypeVar("T")

STORE_SETTINGS_DDL = """
CREATE TABLE IF NOT EXISTS _web_store_settings (
    store_id VARCHAR NOT NULL,
    key VARCHAR NOT NULL,
    value VARCHAR NOT NULL,          -- JSON
    updated_at TIMESTAMP NOT NULL,
    updated_by VARCHAR NOT NULL,
    PRIMARY KEY (store_id, key)
);
CREATE SEQUENCE IF NOT EXISTS _web_upload_ids START 1;
CREATE TABLE IF NOT EXISTS _web_uploads (
    upload_id BIGINT PRIMARY KEY,
    store_id VARCHAR NOT NULL,
    username VARCHAR NOT NULL,
    original_name VARCHAR NOT NULL,  -- as the user named it: shown as text, never used as a path
    stored_name VARCHAR NOT NULL,    -- chosen by the server
    size BIGINT NOT NULL,
    status VARCHAR NOT NULL,         -- imported | unchanged | failed
    import_id BIGINT,
    error VARCHAR,                   -- JSON of the error when it failed
    uploaded_at TIMESTAMP NOT NULL
);
"""


@dataclass(frozen=True)
class Reader:
    con: Any  # a DuckDB cursor: one request at a time
    engine: Engine
    db: WebDB  # for ``cached``: small per-store lookups (data span, target) kept until the next write
    writes: int = 0  # the write count its engine was made at (whether rollups are current can change with one)


class WebDB:
    def __init__(self, ws: Workspace, cache_entries: int = 512) -> None:
        self.ws = ws
        self._write_lock = threading.RLock()
        self._pool: list[Reader] = []
        self._pool_lock = threading.Lock()
        self._cache: OrderedDict[Hashable, tuple[int, Any]] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._cache_entries = cache_entries
        self.version = 0  # bumped by writes pages show
        self.writes = 0  # bumped by every write, sessions included
        self._sessions: dict[str, Any] = {}
        with self._write_lock:
            auth.ensure_schema(ws.con)
            ws.con.execute(STORE_SETTINGS_DDL)

    @property
    def root(self):
        return self.ws.root

    @contextmanager
    def reader(self) -> Iterator[Reader]:
        """A cursor and its metric engine, for one request; pooled, the engine made again after a write."""
        with self._pool_lock:
            reader = self._pool.pop() if self._pool else None
        writes = self.writes
        if reader is None:
            reader = Reader(self.ws.con.cursor(), None, self, -1)  # type: ignore[arg-type]
        if reader.writes != writes:  # a new engine after writes: it reads the rollups only while they are current
            reader = Reader(reader.con, Engine.duckdb(reader.con), self, writes)
        try:
            yield reader
        finally:
            with self._pool_lock:
                self._pool.append(reader)

    def read(self, sql: str, params: list[Any] | None = None) -> list[tuple]:
        with self.reader() as r:
            return r.con.execute(sql, params or []).fetchall()

    @contextmanager
    def write(self, *, invalidate: bool = True) -> Iterator[Workspace]:
        """The workspace for a write; what is cached is dropped afterwards, whether or not it succeeded.

        ``invalidate=False`` for writes no page shows (sessions)."""
        with self._write_lock:
            try:
                yield self.ws
            finally:
                self.writes += 1
                self._sessions.clear()  # sign-in, sign-out, a changed password or role: look sessions up again
                if invalidate:
                    self.version += 1
                    with self._cache_lock:
                        self._cache.clear()

    def session(self, sid_hash: str, load: Callable[[], Any]) -> Any:
        """The session of a cookie, kept in memory until the next write (every request asks for it)."""
        hit = self._sessions.get(sid_hash)
        if hit is not None and hit.expires_at > dt.datetime.now():
            return hit
        writes = self.writes
        session = load()
        if session is not None and writes == self.writes:
            self._sessions[sid_hash] = session
        return session

    def cached(self, key: Hashable, build: Callable[[], T]) -> T:
        version = self.version
        with self._cache_lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] == version:
                self._cache.move_to_end(key)
                return hit[1]
        value = build()
        with self._cache_lock:
            if self.version == version:  # not written meanwhile
                self._cache[key] = (version, value)
                while len(self._cache) > self._cache_entries:
                    self._cache.popitem(last=False)
        return value

    def close(self) -> None:
        with self._pool_lock:
            for reader in self._pool:
                reader.con.close()
            self._pool.clear()
        self.ws.close()
