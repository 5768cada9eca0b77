"""The one interface the rest of shopops uses to reach the canonical tables, whatever engine holds them.

Every backend merges a staged ``Batch`` idempotently on each table's natural key and writes its ledger row, says
whether a file was imported before, reports its status, and hands out an Ibis backend whose tables are the
canonical ones, one row per key — metrics, diagnosis and reports read only that.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from shopops import __version__
from shopops.ingest import Batch
from shopops.warehouse.load import ImportResult
from shopops.warehouse.status import Status
from shopops.warehouse.url import WarehouseUrl
from shopops.warehouse.workspace import _PART, _SCRATCH, _alive, workspace_path

log = logging.getLogger(__name__)

LEDGER_COLUMNS = (
    "import_id",
    "sha256",
    "file_name",
    "format",
    "store_id",
    "rows_read",
    "rows_by_table",
    "raw_path",
    "imported_at",
    "shopops_version",
)


@runtime_checkable
class Warehouse(Protocol):
    url: WarehouseUrl
    folder: Folder

    def ensure_schema(self) -> None: ...

    def already_imported(self, sha256: str, store_id: str, fmt: str) -> int | None: ...

    def unchanged_result(self, import_id: int, file: str) -> ImportResult: ...

    def merge_batch(self, batch: Batch, *, force: bool = False) -> ImportResult: ...

    def status(self) -> Status: ...

    def ibis(self) -> Any: ...

    def close(self) -> None: ...


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

    def keep_raw(self, path: Path, sha256: str, suffix: str) -> Path:
        """The original bytes, named by content, read-only (the same rule as ``Workspace.keep_raw``)."""
        dest = self.raw_dir / f"{sha256}{suffix}"
        if not dest.exists():
            tmp = dest.with_name(dest.name + f".{os.getpid()}.part")
            shutil.copyfile(path, tmp)
            tmp.chmod(0o444)
            tmp.replace(dest)
        return dest

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


def ledger_row(batch: Batch, import_id: int, raw: Path) -> dict[str, Any]:
    """The ledger entry of a merged batch, column by column (``LEDGER_COLUMNS``)."""
    src = batch.source
    return {
        "import_id": import_id,
        "sha256": src.sha256,
        "file_name": src.name,
        "format": batch.format,
        "store_id": batch.store_id,
        "rows_read": batch.rows_read,
        "rows_by_table": json.dumps({t.table: t.rows for t in batch.tables}, sort_keys=True),
        "raw_path": str(raw),
        "imported_at": datetime.now().replace(microsecond=0),
        "shopops_version": __version__,
    }


def imported(batch: Batch, import_id: int) -> ImportResult:
    src = batch.source
    rows = {t.table: t.rows for t in batch.tables}
    return ImportResult(
        str(src.path), src.sha256, batch.format, batch.store_id, "imported", import_id, batch.rows_read, rows
    )


def unchanged(batch: Batch, import_id: int) -> ImportResult:
    """``--force`` not given and these bytes were merged before: report the earlier import."""
    src = batch.source
    rows = {t.table: t.rows for t in batch.tables}
    return ImportResult(
        str(src.path), src.sha256, batch.format, batch.store_id, "unchanged", import_id, batch.rows_read, rows
    )
