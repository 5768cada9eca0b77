"""ClickHouse as the warehouse: a server (``clickhouse://``) or embedded in this process (``chdb:``).

An import appends the batch to each ``<table>_versions`` with the new import id as version, then the ledger row;
the ``<table>`` views read ``FINAL``, so importing again, a shuffled copy or an overlapping re-export leaves each
view as if the file was imported once (see ``clickhouse_ddl``). ClickHouse has no multi-table transaction: a process
killed mid-import leaves some tables with the new versions and no ledger row, so the same file imports again in
full — and, the versions being equal, changes nothing more. Import ids come from the ledger (max + 1): run one
importer per database at a time (readers are never blocked).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from shopops.ingest import Batch
from shopops.ingest.formats import get_format
from shopops.schema import TABLES
from shopops.warehouse.backends.base import LEDGER_COLUMNS, Folder, imported, ledger_row, unchanged
from shopops.warehouse.backends.clickhouse_ddl import (
    LEDGER,
    LEDGER_DDL,
    VERSION,
    add_column_ddl,
    q,
    table_ddl,
    versions,
    view_ddl,
)
from shopops.warehouse.backends.errors import WarehouseBusy, WarehouseUnavailable
from shopops.warehouse.load import ImportResult
from shopops.warehouse.status import LedgerEntry, Status
from shopops.warehouse.url import WarehouseUrl

log = logging.getLogger(__name__)

INSERT_ROWS = 500_000  # rows per INSERT: bounds the memory of a 5 M-row batch
SETTINGS = {
    "session_timezone": "UTC",  # timestamps are naive; toDate() must not shift them by the server's zone
    "do_not_merge_across_partitions_select_final": 1,  # partitions follow the key: FINAL per partition is exact
}
INSERT_SETTINGS = {"max_partitions_per_insert_block": 1000}  # a 10-year history is 120 month partitions


class ClickHouseWarehouse:
    def __init__(self, url: WarehouseUrl, folder: Folder, *, read_only: bool = False) -> None:
        self.url = url
        self.folder = folder
        self.client = _connect(url, folder)
        if not read_only:
            self.ensure_schema()
            folder.sweep()

    # ----------------------------------------------------------------------------------------------- schema

    def ensure_schema(self) -> None:
        self.client.command(LEDGER_DDL)
        for name, table in TABLES.items():
            self.client.command(table_ddl(name))
            have = set(
                self.client.query(
                    f"SELECT name FROM system.columns WHERE database = currentDatabase() AND table = '{versions(name)}'"
                ).result_columns[0]
            )
            for col in table.columns:
                if col.name not in have:
                    log.info("adding column %s.%s", name, col.name)
                    self.client.command(add_column_ddl(name, col))
            self.client.command(view_ddl(name))

    # ----------------------------------------------------------------------------------------------- ledger

    def already_imported(self, sha256: str, store_id: str, fmt: str) -> int | None:
        rows = self.client.query(
            f"SELECT max(import_id), count() FROM {q(LEDGER)} "
            "WHERE sha256 = {sha:String} AND store_id = {store:String} AND format = {fmt:String}",
            parameters={"sha": sha256, "store": store_id, "fmt": fmt},
        ).result_rows
        return int(rows[0][0]) if rows and rows[0][1] else None

    def unchanged_result(self, import_id: int, file: str) -> ImportResult:
        sha, fmt, store, rows_read, rows_by_table = self.client.query(
            f"SELECT sha256, format, store_id, rows_read, rows_by_table FROM {q(LEDGER)} WHERE import_id = {{id:UInt64}}",
            parameters={"id": import_id},
        ).result_rows[0]
        return ImportResult(file, sha, fmt, store, "unchanged", import_id, rows_read, json.loads(rows_by_table))

    def _next_import_id(self) -> int:
        return int(self.client.query(f"SELECT max(import_id) FROM {q(LEDGER)}").result_rows[0][0] or 0) + 1

    # ------------------------------------------------------------------------------------------------ merge

    def merge_batch(self, batch: Batch, *, force: bool = False) -> ImportResult:
        src = batch.source
        previous = self.already_imported(src.sha256, batch.store_id, batch.format)
        if previous is not None and not force:
            return unchanged(batch, previous)
        raw = self.folder.keep_raw(src.path, src.sha256, src.suffix)
        import_id = self._next_import_id()
        for staged in batch.tables:
            self._append(staged.table, staged.path, import_id)
        self._ensure_stores(batch, import_id)
        row = ledger_row(batch, import_id, raw)
        self.client.insert(LEDGER, [[row[c] for c in LEDGER_COLUMNS]], column_names=list(LEDGER_COLUMNS))
        log.info("imported %s as #%s into %s", src.name, import_id, self.url.shown)
        return imported(batch, import_id)

    def _append(self, name: str, parquet: Path, import_id: int) -> None:
        for chunk in pq.ParquetFile(parquet).iter_batches(batch_size=INSERT_ROWS):
            data = pa.Table.from_batches([chunk])
            data = data.append_column(VERSION, pa.array([import_id] * data.num_rows, pa.uint64()))
            self.client.insert_arrow(versions(name), data, settings=INSERT_SETTINGS)

    def _ensure_stores(self, batch: Batch, import_id: int) -> None:
        """Every store a batch mentions gets a ``stores`` row (named after its id) unless it has one."""
        mentioned: set[str] = set()
        for t in batch.tables:
            if t.rows:
                mentioned |= set(pq.read_table(t.path, columns=["store_id"]).column(0).unique().to_pylist())
        if not mentioned:
            return
        known = {r[0] for r in self.client.query(f"SELECT store_id FROM {q('stores')}").result_rows}
        new = sorted(mentioned - known)
        if new:
            platform = get_format(batch.format).platform
            rows = [[s, s, platform, import_id] for s in new]
            self.client.insert(versions("stores"), rows, column_names=["store_id", "name", "platform", VERSION])

    # ------------------------------------------------------------------------------------------------ reads

    def status(self) -> Status:
        tables: dict[str, dict[str, int]] = {}
        for name in TABLES:
            rows = self.client.query(
                f"SELECT store_id, count() FROM {q(name)} GROUP BY store_id ORDER BY store_id"
            ).result_rows
            if rows:
                tables[name] = {store: int(n) for store, n in rows}
        ledger = self.client.query(
            "SELECT import_id, file_name, sha256, format, store_id, rows_read, rows_by_table, "
            f"formatDateTime(imported_at, '%Y-%m-%d %H:%i:%S') FROM {q(LEDGER)} ORDER BY import_id"
        ).result_rows
        entries = tuple(
            LedgerEntry(int(i), f, s, fmt, st, int(n), json.loads(rbt), at) for i, f, s, fmt, st, n, rbt, at in ledger
        )
        return Status(workspace=self.url.shown, tables=tables, imports=entries)

    def ibis(self) -> Any:
        import ibis

        return ibis.clickhouse.from_connection(self.client)

    def close(self) -> None:
        self.client.close()


def _connect(url: WarehouseUrl, folder: Folder) -> Any:
    try:
        import clickhouse_connect
    except ImportError:
        raise WarehouseUnavailable(url=url.shown, reason="pip install 'clickhouse-connect>=1.12,<2'") from None
    if url.kind == "chdb":
        return _chdb(url, folder, clickhouse_connect)
    try:
        client = clickhouse_connect.get_client(
            host=url.host,
            port=url.port,
            username=url.user or "default",
            password=url.password or "",
            secure=url.secure,
            settings=SETTINGS,
        )
        client.command(f"CREATE DATABASE IF NOT EXISTS {q(url.database)}")
    except Exception as exc:  # connection refused, bad password, TLS … — one line, not a traceback
        raise WarehouseUnavailable(url=url.shown, reason=_first_line(exc)) from None
    client.database = url.database
    return client


def _chdb(url: WarehouseUrl, folder: Folder, clickhouse_connect: Any) -> Any:
    try:
        import chdb  # noqa: F401
    except ImportError:
        raise WarehouseUnavailable(url=url.shown, reason="pip install 'chdb>=4.4,<5'") from None
    path = Path(url.path) if url.path else folder.root / "chdb"
    path.mkdir(parents=True, exist_ok=True)
    try:
        client = clickhouse_connect.get_client(dsn=f"chdb://{path.resolve()}", settings=SETTINGS)
    except Exception as exc:
        text = str(exc)
        if "already initialized with path" in text:
            held = text.split("path '", 1)[1].split("'", 1)[0]
            raise WarehouseBusy(url=url.shown, held=held) from None
        raise WarehouseUnavailable(url=url.shown, reason=_first_line(exc)) from None
    client.command(f"CREATE DATABASE IF NOT EXISTS {q(url.database)}")
    client.database = url.database
    return client


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
