"""The one interface the rest of shopops uses to reach the canonical tables, whatever engine holds them.

Every backend merges a staged ``Batch`` idempotently on each table's natural key and writes its ledger row, says
whether a file was imported before, reports its status, and hands out an Ibis backend whose tables are the
canonical ones, one row per key — metrics, diagnosis and reports read only that.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from shopops import __version__
from shopops.ingest import Batch
from shopops.warehouse.load import ImportResult
from shopops.warehouse.status import Status
from shopops.warehouse.url import WarehouseUrl
from shopops.warehouse.workspace import Folder

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
