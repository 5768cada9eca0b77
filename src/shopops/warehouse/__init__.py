"""Stage two: the embedded DuckDB workspace — schema, idempotent merge, import ledger, raw file store."""

from shopops.warehouse.importer import import_file, import_files
from shopops.warehouse.load import ImportResult
from shopops.warehouse.status import Status, workspace_status
from shopops.warehouse.workspace import Workspace, workspace_path

__all__ = ["ImportResult", "Status", "Workspace", "import_file", "import_files", "workspace_path", "workspace_status"]
