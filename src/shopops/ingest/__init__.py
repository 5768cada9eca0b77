"""Stage one: read an export as it is, map it onto the canonical schema, check every row, stage it."""

from shopops.ingest.stage import Batch, StagedTable, recognise, stage_file

__all__ = ["Batch", "StagedTable", "recognise", "stage_file"]
