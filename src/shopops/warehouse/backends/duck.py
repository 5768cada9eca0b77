"""DuckDB, the default: the workspace's own ``shopops.duckdb``, reached through the existing ``Workspace`` code.

Nothing is re-implemented here — merge, ledger and status are ``load.py`` and ``status.py`` — so the DuckDB path
behaves exactly as before the other backends existed (one transaction per file, WorkspaceBusy for a second writer).
"""

from __future__ import annotations

from typing import Any

from shopops.ingest import Batch
from shopops.warehouse import load
from shopops.warehouse.backends.base import Folder
from shopops.warehouse.load import ImportResult
from shopops.warehouse.status import Status, workspace_status
from shopops.warehouse.url import WarehouseUrl
from shopops.warehouse.workspace import Workspace


class DuckDBWarehouse:
    def __init__(self, ws: Workspace, url: WarehouseUrl) -> None:
        self.ws = ws
        self.url = url
        self.folder = Folder(ws.root)

    @property
    def con(self) -> Any:
        return self.ws.con

    def ensure_schema(self) -> None:
        self.ws._ensure_schema()

    def already_imported(self, sha256: str, store_id: str, fmt: str) -> int | None:
        return load.already_imported(self.ws, sha256, store_id, fmt)

    def unchanged_result(self, import_id: int, file: str) -> ImportResult:
        return load.unchanged_result(self.ws, import_id, file)

    def merge_batch(self, batch: Batch, *, force: bool = False) -> ImportResult:
        return load.merge_batch(self.ws, batch, force=force)

    def status(self) -> Status:
        return workspace_status(self.ws)

    def ibis(self) -> Any:
        import ibis

        return ibis.duckdb.from_connection(self.ws.con)

    def close(self) -> None:
        self.ws.close()
