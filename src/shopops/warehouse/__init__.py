"""Stage two: the warehouse — the embedded DuckDB workspace by default, or ClickHouse / Spark by URL (backends/):
schema, idempotent merge, import ledger, raw file store."""

from shopops.warehouse.backends import Warehouse, open_warehouse
from shopops.warehouse.importer import import_file, import_files
from shopops.warehouse.load import ImportResult
from shopops.warehouse.status import Status, workspace_status
from shopops.warehouse.workspace import Workspace, workspace_path

__all__ = [
    "ImportResult",
    "Status",
    "Warehouse",
    "Workspace",
    "import_file",
    "import_files",
    "open_warehouse",
    "workspace_path",
    "workspace_status",
]
