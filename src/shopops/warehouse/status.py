"""What a workspace holds: rows per table and store, and the import ledger."""

from __future__ import annotations

import json
from dataclasses import dataclass

from shopops.schema import TABLES
from shopops.warehouse.workspace import Workspace


@dataclass(frozen=True)
class LedgerEntry:
    import_id: int
    file_name: str
    sha256: str
    format: str
    store_id: str
    rows_read: int
    rows_by_table: dict[str, int]
    imported_at: str


@dataclass(frozen=True)
class Status:
    workspace: str
    tables: dict[str, dict[str, int]]  # table -> store -> rows (only non-empty tables)
    imports: tuple[LedgerEntry, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "workspace": self.workspace,
            "tables": self.tables,
            "imports": [e.__dict__ for e in self.imports],
        }


def workspace_status(ws: Workspace) -> Status:
    tables: dict[str, dict[str, int]] = {}
    for name in TABLES:
        rows = ws.con.execute(f'SELECT store_id, count(*) FROM "{name}" GROUP BY store_id ORDER BY store_id').fetchall()
        if rows:
            tables[name] = {store: n for store, n in rows}
    ledger = ws.con.execute(
        "SELECT import_id, file_name, sha256, format, store_id, rows_read, rows_by_table, "
        "strftime(imported_at, '%Y-%m-%d %H:%M:%S') FROM _imports ORDER BY import_id"
    ).fetchall()
    entries = tuple(LedgerEntry(i, f, s, fmt, st, n, json.loads(rbt), at) for i, f, s, fmt, st, n, rbt, at in ledger)
    return Status(workspace=str(ws.root), tables=tables, imports=entries)
