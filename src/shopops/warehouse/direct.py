"""The workspace's own route for a plain CSV: DuckDB reads the file straight into its canonical table, inside the
merge's transaction.

The fast route (``ingest/fast.py``) stages a file as parquet that any warehouse can merge; on the DuckDB workspace
that hand-off costs a write and a second read of every row. Here the same guarded SELECT — every value parsed once,
every check a condition that raises — is inserted under the new import id in the transaction that also writes the
ledger row and the rollups. Then the new rows' keys are proven unique, and older rows with those keys deleted. A
check that fires, a ragged row, a byte that is not UTF-8 or a repeated key rolls the transaction back and the caller
stages the file on the reference route, which reports every problem; a process killed anywhere in between leaves
the transaction uncommitted, so none of the file. Only formats with one output that does not depend on file order
take this route (``fast.streamable``); a missing synthetic id sends the file to the staged fast route, which
numbers ids over the whole file. When one of the pass's shortcuts does not hold for the file — DuckDB's CSV
reader refuses a cell of a column it parses itself (``fast.NATIVE``), or a text cell kept as read needs cleaning
(``fast.CLEAN``) — the pass starts again with every cell read as text and parsed by shopops.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Literal

from shopops.ingest import fast
from shopops.ingest.formats import Format
from shopops.ingest.outputs import DEFAULT_STORE
from shopops.ingest.read import Progress
from shopops.ingest.source import BackgroundDigest, SourceFile
from shopops.schema import get_table
from shopops.warehouse.load import (
    ImportResult,
    Merged,
    added_keys,
    already_imported,
    delete_replaced,
    in_transaction,
    unchanged_result,
)
from shopops.warehouse.rollups import Touched
from shopops.warehouse.workspace import Workspace

log = logging.getLogger(__name__)

# Why the file must be staged instead: a check stopped the pass (the reference route reports it), or a synthetic
# id is missing (the staged fast route numbers them).
Declined = Literal["stopped", "needs-ids"]


def import_direct(
    ws: Workspace,
    src: SourceFile,
    fmt: Format,
    *,
    store_id: str | None,
    tz: str,
    progress: Progress | None,
    force: bool = False,
    digest: BackgroundDigest | None = None,
) -> ImportResult | Declined:
    """``digest``: the file being hashed (and copied for the raw store) meanwhile; ``src.sha256`` when ``None``."""
    (table_name,) = fmt.outputs
    con = ws.con
    previous: list[int] = []  # the rows named their store, and these bytes were merged for it before
    with fast.tuned(con), fast.readable(con, src, fmt, ws.tmp_dir) as reading:
        if reading is None:
            return "stopped"
        while True:

            def fill(import_id: int, touched: Touched | None, read: fast.Reading = reading) -> Merged | None:
                merged = _insert(ws, src, fmt, table_name, read, import_id, touched, store_id, tz)
                if merged is None:
                    return None
                if digest is not None:  # by now the thread has usually finished
                    merged = replace(merged, sha256=digest.result(), copied=digest.copy_to)
                if not force:
                    earlier = already_imported(ws, merged.sha256, merged.store_id, fmt.name)
                    if earlier is not None:
                        previous.append(earlier)
                        return None
                return merged

            try:
                with fast.polling(con, src.size, progress):
                    result = in_transaction(ws, src, fmt.name, [table_name], fill)
                break
            except fast.STOPPED as exc:
                again = fast.start_again(reading, exc)  # a shortcut did not hold for this file: parse it all
                if again is not None:
                    reading = again
                    continue
                log.info("%s: direct route stopped (%s)", src.name, fast.first_line(exc))
                return "needs-ids" if fast.needs_ids(exc) else "stopped"
            finally:
                con.execute("DROP VIEW IF EXISTS src")
    if previous:
        return unchanged_result(ws, previous[0], str(src.path))
    return result if result is not None else "stopped"


def _insert(
    ws: Workspace,
    src: SourceFile,
    fmt: Format,
    table_name: str,
    reading: fast.Reading,
    import_id: int,
    touched: Touched | None,
    store_id: str | None,
    tz: str,
) -> Merged | None:
    con = ws.con
    table = get_table(table_name)
    quoted = f'"{table_name}"'
    had_rows = bool(con.execute(f"SELECT 1 FROM {quoted} LIMIT 1").fetchall())
    fast.open_src(con, src, fmt, tz, reading, materialise=False)
    select = fast.guarded_select(con, fmt, table_name, store_id, numbered=False)
    inserted, scanned = fast.run_counted(
        con, f"INSERT INTO {quoted} BY NAME SELECT *, {import_id} AS _import_id FROM ({select})"
    )
    new = f"(SELECT * FROM {quoted} WHERE _import_id = {import_id})"
    if fast.has_duplicate_keys(con, new, table.key):
        log.info("%s: duplicate %s keys; staging on the reference route", src.name, table_name)
        return None
    if had_rows:  # an empty table has no older rows to replace
        delete_replaced(ws, table_name, new, touched, keep_import=import_id)
    added_keys(ws, table_name, new, touched)
    rows_read = scanned if fast.reads_file_once(fmt.outputs[table_name]) else None
    if rows_read is None:
        rows_read = con.execute(f"SELECT count(*) FROM {reading.plain().sql()}").fetchall()[0][0]
    stores = [r[0] for r in con.execute(f"SELECT DISTINCT store_id FROM {new}").fetchall()]
    store = store_id or (stores[0] if len(stores) == 1 else DEFAULT_STORE)
    rows = inserted[0][0]
    stored = [f"SELECT DISTINCT store_id FROM {new}"] if rows else []
    return Merged(store, rows_read, {table_name: rows}, stored, src.sha256)
