"""Reproducibility: which imported files fed a report, as one hash, shown in every format with the version.

Every canonical row keeps ``_import_id`` (the import that last wrote it); the files behind a store's rows are the
ledger entries those ids point to. The hash covers their sha256s and formats — not import times or ids — so
importing the same files again, in any order, gives the same hash, and any new or changed file a new one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import ibis

from shopops import __version__
from shopops.schema import TABLES


@dataclass(frozen=True)
class InputLedger:
    sha256: str  # of the sorted (file sha256, format) lines and the shopops version
    files: int
    version: str

    @property
    def short(self) -> str:
        return self.sha256[:16]

    def line(self, lang: str = "en") -> str:
        if lang == "zh":
            return f"输入台账 {self.short}({self.files} 个文件)· shopops {self.version}"
        return f"Input ledger {self.short} ({self.files} files) · shopops {self.version}"

    def to_dict(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "files": self.files, "shopops_version": self.version}


def input_ledger(con: Any, store_id: str) -> InputLedger:
    """``con``: the workspace's DuckDB connection, or a metrics ``Engine`` on any warehouse (one Ibis query)."""
    from shopops.metrics.engine import Engine

    engine = con if isinstance(con, Engine) else Engine.duckdb(con)
    used = []
    for name in TABLES:
        t = engine.table(name)
        used.append(t.filter(t.store_id == store_id).select(import_id=t._import_id).distinct())
    ids = ibis.union(*used, distinct=True)
    imports = engine.table("_imports")
    files = imports.semi_join(ids, imports.import_id == ids.import_id).select("sha256", "format").distinct()
    rows = sorted((r["sha256"], r["format"]) for r in files.to_pyarrow().to_pylist())
    lines = [f"{sha} {fmt}" for sha, fmt in rows] + [f"shopops {__version__}"]
    digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
    return InputLedger(digest, len(rows), __version__)
