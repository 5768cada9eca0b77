"""Import files into a workspace: stage each file completely, then merge it in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from shopops.ingest import recognise, stage_file
from shopops.ingest.read import Progress
from shopops.ingest.stage import DEFAULT_STORE
from shopops.warehouse.load import ImportResult, already_imported, merge_batch, unchanged_result
from shopops.warehouse.workspace import Workspace


def import_file(
    ws: Workspace,
    path: str | Path,
    *,
    store_id: str | None = None,
    format_name: str | None = None,
    tz: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    recognised = recognise(Path(path), format_name)
    src, fmt = recognised
    if not force:
        # The same bytes, format and store were merged before: say so without staging the file again.
        previous = already_imported(ws, src.sha256, store_id or DEFAULT_STORE, fmt.name)
        if previous is not None:
            return unchanged_result(ws, previous, str(path))
    batch = stage_file(Path(path), ws.tmp_dir, store_id=store_id, tz=tz, progress=progress, recognised=recognised)
    try:
        return merge_batch(ws, batch, force=force)
    finally:
        batch.cleanup()


def import_files(ws: Workspace, paths: Sequence[str | Path], **options) -> list[ImportResult]:
    """Import several files, each on its own; stops at the first bad one (earlier ones stay imported)."""
    return [import_file(ws, p, **options) for p in paths]
