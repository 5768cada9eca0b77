"""Merge a staged batch into the canonical tables and write its ledger row — all in ONE transaction.

Rows are merged on each table's natural key: existing rows with a key in the batch are deleted, then the batch is
inserted. So importing the same file again, a shuffled copy, or an overlapping re-export leaves each table as if
the file had been imported once. (Delete-then-insert instead of ``INSERT … ON CONFLICT``: the batch's keys are
already proven unique by staging, and this avoids DuckDB keeping the first of two equal keys silently.)
The rollups (``rollups.py``) are brought up to date in the same transaction, for exactly the keys the batch
touched. A process killed at any point leaves either all of the file or none of it.
"""

from __future__ import annotations

import json
import logging
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from shopops import __version__
from shopops.ingest import Batch
from shopops.ingest.formats import get_format
from shopops.schema import TABLES
from shopops.warehouse import rollups
from shopops.warehouse.rollups import Touched
from shopops.warehouse.workspace import Workspace

log = logging.getLogger(__name__)

Status = Literal["imported", "unchanged"]


@dataclass(frozen=True)
class ImportResult:
    file: str
    sha256: str
    format: str
    store_id: str
    status: Status
    import_id: int
    rows_read: int
    rows_by_table: dict[str, int]

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def already_imported(ws: Workspace, sha256: str, store_id: str, fmt: str) -> int | None:
    row = ws.con.execute(
        "SELECT max(import_id) FROM _imports WHERE sha256 = ? AND store_id = ? AND format = ?",
        [sha256, store_id, fmt],
    ).fetchall()
    return row[0][0] if row and row[0][0] is not None else None


def unchanged_result(ws: Workspace, import_id: int, file: str) -> ImportResult:
    """What an import that changed nothing reports: the ledger entry it matched."""
    sha, fmt, store, rows_read, rows_by_table = ws.con.execute(
        "SELECT sha256, format, store_id, rows_read, rows_by_table FROM _imports WHERE import_id = ?", [import_id]
    ).fetchall()[0]
    return ImportResult(file, sha, fmt, store, "unchanged", import_id, rows_read, json.loads(rows_by_table))


def merge_batch(ws: Workspace, batch: Batch, *, force: bool = False) -> ImportResult:
    src = batch.source
    previous = already_imported(ws, src.sha256, batch.store_id, batch.format)
    rows_by_table = {t.table: t.rows for t in batch.tables}
    if previous is not None and not force:
        return ImportResult(
            str(src.path),
            src.sha256,
            batch.format,
            batch.store_id,
            "unchanged",
            previous,
            batch.rows_read,
            rows_by_table,
        )
    raw = ws.keep_raw(src.path, src.sha256, src.suffix)
    con = ws.con
    # Rows of a canonical table have no order. Keeping the parquet's order made closing the workspace rewrite a
    # large batch (2 s per million rows at the checkpoint).
    con.execute("SET preserve_insertion_order = false")
    try:
        return _merge(ws, batch, raw, rows_by_table)
    finally:
        con.execute("RESET preserve_insertion_order")


def _merge(ws: Workspace, batch: Batch, raw: Path, rows_by_table: dict[str, int]) -> ImportResult:
    src = batch.source
    con = ws.con
    con.execute("BEGIN TRANSACTION")
    try:
        # Rollups that matched their base tables are refreshed for the touched keys; others are rebuilt.
        touched = Touched(con, [t.table for t in batch.tables]) if rollups.current(con) else None
        import_id = con.execute("SELECT nextval('_import_ids')").fetchall()[0][0]
        for staged in batch.tables:
            _merge_table(ws, staged.table, str(staged.path), import_id, touched)
        _ensure_stores(ws, batch, import_id)
        if touched is None:
            rollups.rebuild(con)
        else:
            touched.refresh()
            touched.drop()
        rollups.record(con)
        con.execute(
            "INSERT INTO _imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                import_id,
                src.sha256,
                src.name,
                batch.format,
                batch.store_id,
                batch.rows_read,
                json.dumps(rows_by_table, sort_keys=True),
                str(raw),
                datetime.now().replace(microsecond=0),
                __version__,
            ],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    log.info("imported %s as #%s (%s)", src.name, import_id, rows_by_table)
    return ImportResult(
        str(src.path), src.sha256, batch.format, batch.store_id, "imported", import_id, batch.rows_read, rows_by_table
    )


def _merge_table(ws: Workspace, name: str, parquet: str, import_id: int, touched: Touched | None) -> None:
    table = TABLES[name]
    con = ws.con
    # Read the parquet twice rather than copy it into a temp table: the DELETE needs only the keys, the INSERT
    # streams, and a 5 M-row batch held in memory was the import's peak (1.1 GB).
    batch = f"read_parquet('{parquet}')"
    keys = ", ".join(f'"{k}"' for k in table.key)
    on = " AND ".join(f't."{k}" = b."{k}"' for k in table.key)
    delete = f'DELETE FROM "{name}" t USING (SELECT {keys} FROM {batch}) b WHERE {on}'
    needed = touched.columns(name) if touched is not None else ()
    if touched is None or not needed:
        con.execute(delete)
        con.execute(f'INSERT INTO "{name}" BY NAME SELECT *, {import_id} AS _import_id FROM {batch}')
        return
    # The replaced rows' keys come back with the DELETE (usually none: new days), so no second join.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # DuckDB notes that a DB-API result is copied to Arrow
        replaced = con.execute(delete + " RETURNING " + ", ".join(f't."{c}"' for c in needed)).to_arrow_table()
    if replaced is not None and replaced.num_rows:
        con.register("_replaced", replaced)
        touched.add(name, "_replaced")
        con.unregister("_replaced")
    con.execute(f'INSERT INTO "{name}" BY NAME SELECT *, {import_id} AS _import_id FROM {batch}')
    touched.add(name, "(SELECT " + ", ".join(f'"{c}"' for c in needed) + f" FROM {batch})")


def _ensure_stores(ws: Workspace, batch: Batch, import_id: int) -> None:
    """Every store a batch mentions gets a ``stores`` row (named after its id) unless it has one."""
    sources = [f"SELECT DISTINCT store_id FROM read_parquet('{t.path}')" for t in batch.tables if t.rows]
    if not sources:
        return
    platform = get_format(batch.format).platform
    ws.con.execute(
        f"""INSERT INTO stores (store_id, name, platform, _import_id)
            SELECT s.store_id, s.store_id, ?, ? FROM ({" UNION ".join(sources)}) s
            WHERE s.store_id NOT IN (SELECT store_id FROM stores)""",
        [platform, import_id],
    )
