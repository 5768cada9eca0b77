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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from shopops import __version__
from shopops.ingest import Batch
from shopops.ingest.formats import get_format
from shopops.ingest.source import SourceFile
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

    def fill(import_id: int, touched: Touched | None) -> Merged:
        for staged in batch.tables:
            parquet = f"read_parquet('{staged.path}')"
            delete_replaced(ws, staged.table, parquet, touched)
            insert_rows(ws, staged.table, parquet, import_id, touched)
        stores = [f"SELECT DISTINCT store_id FROM read_parquet('{t.path}')" for t in batch.tables if t.rows]
        return Merged(batch.store_id, batch.rows_read, rows_by_table, stores, src.sha256)

    result = in_transaction(ws, src, batch.format, [t.table for t in batch.tables], fill)
    assert result is not None  # a staged batch has been checked: its fill never declines
    return result


@dataclass(frozen=True)
class Merged:
    """What a merge's fill step wrote, for the ledger."""

    store_id: str
    rows_read: int
    rows_by_table: dict[str, int]
    stores: list[str]  # queries yielding the store_id of the rows written
    sha256: str  # the file's, known by the time its rows are written (it may be hashed while they are read)
    copied: Path | None = None  # the file already copied on its way into the raw store


def in_transaction(
    ws: Workspace,
    src: SourceFile,
    fmt: str,
    tables: list[str],
    fill: Callable[[int, Touched | None], Merged | None],
) -> ImportResult | None:
    """One transaction: ``fill`` writes the rows under a new import id, then stores, rollups and the ledger row.
    ``fill`` returning ``None`` rolls everything back (and so does any error it raises); the file's bytes are kept
    in the raw store only for a fill that succeeded."""
    con = ws.con
    # Rows of a canonical table have no order. Keeping the input's order made closing the workspace rewrite a
    # large batch (2 s per million rows at the checkpoint).
    con.execute("SET preserve_insertion_order = false")
    con.execute("BEGIN TRANSACTION")
    try:
        # Rollups that matched their base tables are refreshed for the touched keys; others are rebuilt.
        touched = Touched(con, tables) if rollups.current(con) else None
        # Not a sequence: DuckDB's do not roll back, and a route that declined a file would leave a gap.
        import_id = con.execute("SELECT coalesce(max(import_id), 0) + 1 FROM _imports").fetchall()[0][0]
        merged = fill(import_id, touched)
        if merged is None:
            con.execute("ROLLBACK")
            return None
        raw = ws.keep_raw(src.path, merged.sha256, src.suffix, copied=merged.copied)
        _ensure_stores(ws, merged.stores, fmt, import_id)
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
                merged.sha256,
                src.name,
                fmt,
                merged.store_id,
                merged.rows_read,
                json.dumps(merged.rows_by_table, sort_keys=True),
                str(raw),
                datetime.now().replace(microsecond=0),
                __version__,
            ],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.execute("RESET preserve_insertion_order")
    log.info("imported %s as #%s (%s)", src.name, import_id, merged.rows_by_table)
    return ImportResult(
        str(src.path),
        merged.sha256,
        fmt,
        merged.store_id,
        "imported",
        import_id,
        merged.rows_read,
        merged.rows_by_table,
    )


def delete_replaced(
    ws: Workspace, name: str, rows: str, touched: Touched | None, *, keep_import: int | None = None
) -> None:
    """Delete the rows of table ``name`` whose key is among ``rows`` (a relation), except those written by
    ``keep_import``; their rollup keys count as touched."""
    table = TABLES[name]
    keys = ", ".join(f'"{k}"' for k in table.key)
    on = " AND ".join(f't."{k}" = b."{k}"' for k in table.key)
    kept = f" AND t._import_id IS DISTINCT FROM {keep_import}" if keep_import is not None else ""
    delete = f'DELETE FROM "{name}" t USING (SELECT {keys} FROM {rows}) b WHERE {on}{kept}'
    needed = touched.columns(name) if touched is not None else ()
    if not needed:
        ws.con.execute(delete)
        return
    # The replaced rows' keys come back with the DELETE (usually none: new days), so no second join.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # DuckDB notes that a DB-API result is copied to Arrow
        replaced = ws.con.execute(delete + " RETURNING " + ", ".join(f't."{c}"' for c in needed)).to_arrow_table()
    if replaced is not None and replaced.num_rows:
        ws.con.register("_replaced", replaced)
        touched.add(name, "_replaced")  # type: ignore[union-attr]
        ws.con.unregister("_replaced")


def insert_rows(ws: Workspace, name: str, rows: str, import_id: int, touched: Touched | None) -> int:
    """Insert ``rows`` (a relation with the table's columns) under ``import_id``; how many."""
    n = ws.con.execute(f'INSERT INTO "{name}" BY NAME SELECT *, {import_id} AS _import_id FROM {rows}').fetchall()
    added_keys(ws, name, rows, touched)
    return n[0][0]


def added_keys(ws: Workspace, name: str, rows: str, touched: Touched | None) -> None:
    needed = touched.columns(name) if touched is not None else ()
    if needed:
        touched.add(name, "(SELECT " + ", ".join(f'"{c}"' for c in needed) + f" FROM {rows})")  # type: ignore[union-attr]


def _ensure_stores(ws: Workspace, sources: list[str], fmt: str, import_id: int) -> None:
    """Every store the merged rows mention gets a ``stores`` row (named after its id) unless it has one."""
    if not sources:
        return
    platform = get_format(fmt).platform
    ws.con.execute(
        f"""INSERT INTO stores (store_id, name, platform, _import_id)
            SELECT s.store_id, s.store_id, ?, ? FROM ({" UNION ".join(sources)}) s
            WHERE s.store_id NOT IN (SELECT store_id FROM stores)""",
        [platform, import_id],
    )
