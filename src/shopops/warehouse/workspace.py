"""The workspace: one folder holding the DuckDB file, the kept raw files and scratch space.

::

    shopops-data/
      shopops.duckdb     canonical tables + the import ledger
      raw/<sha256>.csv   every imported file as it arrived, read-only, named by content
      tmp/               staging scratch (safe to delete when nothing runs)

Only one process may open the DuckDB file read-write; a second one gets ``WorkspaceBusy`` naming the holder's PID.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import duckdb

from shopops.errors import WorkspaceBusy, WorkspaceMissing
from shopops.schema import TABLES

log = logging.getLogger(__name__)

DB_NAME = "shopops.duckdb"
SCHEMA_VERSION = 1
DEFAULT_WORKSPACE = "./shopops-data"

LEDGER_DDL = """
CREATE TABLE IF NOT EXISTS _imports (
    import_id BIGINT PRIMARY KEY,
    sha256 VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    format VARCHAR NOT NULL,
    store_id VARCHAR NOT NULL,
    rows_read BIGINT NOT NULL,
    rows_by_table VARCHAR NOT NULL,   -- JSON object: table -> rows merged
    raw_path VARCHAR NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    shopops_version VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS _meta (key VARCHAR PRIMARY KEY, value VARCHAR);
"""


_SCRATCH = re.compile(r"^(?:stage|utf8)-(\d+)-")
_PART = re.compile(r"\.(\d+)\.part$")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def workspace_path(option: str | os.PathLike[str] | None = None) -> Path:
    """``--workspace`` wins, then ``SHOPOPS_WORKSPACE``, then ``./shopops-data``."""
    return Path(option or os.environ.get("SHOPOPS_WORKSPACE") or DEFAULT_WORKSPACE)


@dataclass(frozen=True)
class Folder:
    """The workspace folder every backend keeps on this machine: raw files as they arrived and staging scratch."""

    root: Path

    @classmethod
    def at(cls, root: str | os.PathLike[str] | None, *, create: bool = True) -> Folder:
        folder = cls(workspace_path(root))
        if create:
            for d in (folder.root, folder.raw_dir, folder.tmp_dir):
                d.mkdir(parents=True, exist_ok=True)
        return folder

    @property
    def raw_dir(self) -> Path:
        return self.root / "raw"

    @property
    def tmp_dir(self) -> Path:
        return self.root / "tmp"

    def keep_raw(self, path: Path, sha256: str, suffix: str, *, copied: Path | None = None) -> Path:
        """The original bytes, named by content, read-only. ``copied``: a copy already made (``raw_part``)."""
        dest = self.raw_dir / f"{sha256}{suffix}"
        if copied is not None:
            if dest.exists():
                copied.unlink(missing_ok=True)
            else:
                copied.chmod(0o444)
                copied.replace(dest)
            return dest
        if not dest.exists():
            tmp = dest.with_name(dest.name + f".{os.getpid()}.part")
            shutil.copyfile(path, tmp)
            tmp.chmod(0o444)
            tmp.replace(dest)
        return dest

    def raw_part(self) -> Path:
        """Where to copy a file on its way into the raw store (``keep_raw(copied=…)``; swept if the import dies)."""
        self.raw_dir.mkdir(parents=True, exist_ok=True)
        return self.raw_dir / f"incoming-{uuid.uuid4().hex[:12]}.{os.getpid()}.part"

    def holds_raw_of_size(self, size: int) -> bool:
        """Some kept file has exactly this many bytes (so the same bytes may have been imported before)."""
        if not self.raw_dir.is_dir():
            return False
        return any(e.is_file() and e.stat().st_size == size for e in os.scandir(self.raw_dir))

    def sweep(self) -> None:
        """Scratch left by killed imports (``stage-<pid>-…``) of processes that no longer run."""
        for folder, pattern in ((self.tmp_dir, _SCRATCH), (self.raw_dir, _PART)):
            if not folder.is_dir():
                continue
            for leftover in folder.iterdir():
                match = pattern.search(leftover.name)
                if match and leftover.is_file() and not _alive(int(match.group(1))):
                    log.info("removing %s, left by a stopped import", leftover)
                    leftover.unlink(missing_ok=True)


def table_ddl(name: str) -> str:
    table = TABLES[name]
    cols = [f'"{c.name}" {c.sql_type}' for c in table.columns]
    cols.append('"_import_id" BIGINT')  # which import last wrote the row
    return f'CREATE TABLE IF NOT EXISTS "{name}" ({", ".join(cols)})'


class Workspace:
    def __init__(
        self, root: str | os.PathLike[str] | None = None, *, create: bool = True, read_only: bool = False
    ) -> None:
        self.root = workspace_path(root)
        self.db_path = self.root / DB_NAME
        self.raw_dir = self.root / "raw"
        self.tmp_dir = self.root / "tmp"
        if not self.db_path.exists() and not create:
            raise WorkspaceMissing(path=str(self.root))
        if create:
            for d in (self.root, self.raw_dir, self.tmp_dir):
                d.mkdir(parents=True, exist_ok=True)
        self.con = self._connect(read_only and self.db_path.exists())
        if not read_only:
            self._ensure_schema()
            self._sweep()

    def _connect(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        try:
            con = duckdb.connect(str(self.db_path), read_only=read_only)
        except duckdb.IOException as exc:
            match = re.search(r"PID (\d+)", str(exc))
            if match or "lock" in str(exc).lower():
                raise WorkspaceBusy(pid=match.group(1) if match else "?", path=str(self.db_path)) from None
            raise
        con.execute(f"SET temp_directory = '{self.tmp_dir}'")
        con.execute("SET enable_progress_bar = false")  # DuckDB's bar writes to stdout, into `--json` output
        return con

    def _ensure_schema(self) -> None:
        self.con.execute(LEDGER_DDL)
        have: dict[str, set[str]] = {}
        for table, column in self.con.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main'"
        ).fetchall():
            have.setdefault(table, set()).add(column)
        for name in TABLES:
            if name in have:
                self._add_missing_columns(name, have[name])
            else:
                self.con.execute(table_ddl(name))
        self.con.execute(
            "INSERT INTO _meta VALUES ('schema_version', ?) ON CONFLICT DO UPDATE SET value = excluded.value",
            [str(SCHEMA_VERSION)],
        )

    def _add_missing_columns(self, name: str, have: set[str]) -> None:
        """Columns added to the catalog after a workspace was made are added, empty, on open."""
        for col in TABLES[name].columns:
            if col.name not in have:
                log.info("adding column %s.%s", name, col.name)
                self.con.execute(f'ALTER TABLE "{name}" ADD COLUMN "{col.name}" {col.sql_type}')

    def _sweep(self) -> None:
        """Delete scratch files a killed import left behind (a 5 M-row staging file is gigabytes)."""
        Folder(self.root).sweep()

    def keep_raw(self, path: Path, sha256: str, suffix: str, *, copied: Path | None = None) -> Path:
        """Keep the original bytes, named by content hash, read-only. Idempotent."""
        return Folder(self.root).keep_raw(path, sha256, suffix, copied=copied)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
