"""Import files into a warehouse: stage each file completely, then merge it idempotently with its ledger row.

``target`` is any ``Warehouse`` (DuckDB, ClickHouse, Spark) or a ``Workspace`` (its DuckDB, as before backends).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from shopops.ingest import fast, recognise, stage_file
from shopops.ingest.read import Progress
from shopops.ingest.source import BackgroundDigest, digest_file
from shopops.ingest.stage import DEFAULT_STORE
from shopops.warehouse.backends import Warehouse, as_warehouse
from shopops.warehouse.backends.duck import DuckDBWarehouse
from shopops.warehouse.direct import import_direct
from shopops.warehouse.load import ImportResult
from shopops.warehouse.workspace import Workspace


def import_file(
    target: Warehouse | Workspace,
    path: str | Path,
    *,
    store_id: str | None = None,
    format_name: str | None = None,
    tz: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
    direct: bool = True,
) -> ImportResult:
    """``direct=False`` stages even what the DuckDB workspace could read straight in (the tests compare)."""
    wh = as_warehouse(target)
    path = Path(path)
    # The encoding is proven by whichever reader reads the whole file next (DuckDB, or staging in Python).
    src, fmt = recognise(path, format_name, prove_encoding=False, hashed=False)
    direct_route = direct and isinstance(wh, DuckDBWarehouse) and fast.streamable(src, fmt)
    digest = None
    if direct_route and (force or not wh.folder.holds_raw_of_size(src.size)):
        # No kept file has these many bytes, so these bytes were never imported: no "unchanged" to look for first.
        # Hash the file — and copy it for the raw store in the same pass — while DuckDB reads it.
        digest = BackgroundDigest(path, copy_to=wh.folder.raw_part())
    else:
        src = src if src.sha256 else replace(src, sha256=digest_file(path))  # (a workbook is hashed on inspection)
        if not force:
            # The same bytes, format and store were merged before: say so without staging the file again.
            previous = wh.already_imported(src.sha256, store_id or DEFAULT_STORE, fmt.name)
            if previous is not None:
                return wh.unchanged_result(previous, str(path))
    exact = False
    if direct_route:
        try:
            outcome = import_direct(
                wh.ws, src, fmt, store_id=store_id, tz=tz or fmt.tz, progress=progress, force=force, digest=digest
            )
        finally:
            if digest is not None:
                digest.discard()  # kept in the raw store by a merged import, else removed
        if isinstance(outcome, ImportResult):
            return outcome
        exact = outcome == "stopped"  # the fast route would stop where this did
        if digest is not None:
            src = replace(src, sha256=digest.result())
    batch = stage_file(
        path,
        wh.folder.tmp_dir,
        store_id=store_id,
        format_name=format_name,
        tz=tz,
        progress=progress,
        recognised=(src, fmt),
        exact=exact,
    )
    try:
        return wh.merge_batch(batch, force=force)
    finally:
        batch.cleanup()


def import_files(target: Warehouse | Workspace, paths: Sequence[str | Path], **options) -> list[ImportResult]:
    """Import several files, each on its own; stops at the first bad one (earlier ones stay imported)."""
    return [import_file(target, p, **options) for p in paths]
