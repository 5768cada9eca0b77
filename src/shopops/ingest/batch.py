"""What staging hands to the warehouse: a file that passed every check, as one parquet file per canonical table."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from shopops.ingest.source import SourceFile

# Which reader staged it: DuckDB's parallel CSV reader (``fast``) or the reference path that reports every problem.
Route = Literal["fast", "exact"]


@dataclass(frozen=True)
class StagedTable:
    table: str
    path: Path  # parquet with exactly the canonical columns
    rows: int


@dataclass(frozen=True)
class Batch:
    """A file that passed every check, staged as canonical tables, ready to merge."""

    source: SourceFile
    format: str
    store_id: str
    rows_read: int
    tables: tuple[StagedTable, ...]
    route: Route = "exact"

    def cleanup(self) -> None:
        for staged in self.tables:
            staged.path.unlink(missing_ok=True)


def staged_path(workdir: Path, src: SourceFile, table_name: str) -> Path:
    # The PID in every scratch name lets a later run sweep what a killed one left (Workspace._sweep).
    return workdir / f"stage-{os.getpid()}-{src.sha256[:16]}-{table_name}-{uuid.uuid4().hex[:8]}.parquet"
