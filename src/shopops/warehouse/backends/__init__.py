"""Where the canonical tables live: DuckDB (default), ClickHouse (server or embedded chdb) or Spark.

``open_warehouse(url, workspace)`` gives a ``Warehouse``; import, status, metrics, diagnosis and reports use only
that interface, so each runs unchanged on every engine. Backends register by URL kind in ``BACKENDS``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from shopops.errors import WorkspaceMissing
from shopops.warehouse.backends.base import Folder, Warehouse
from shopops.warehouse.backends.errors import (
    BadWarehouseUrl,
    UnknownWarehouseScheme,
    WarehouseBusy,
    WarehouseUnavailable,
)
from shopops.warehouse.url import KINDS, Kind, WarehouseUrl, parse_url, warehouse_url
from shopops.warehouse.workspace import Workspace

Opener = Callable[[WarehouseUrl, Folder, bool, bool], Warehouse]


def _duckdb(url: WarehouseUrl, folder: Folder, create: bool, read_only: bool) -> Warehouse:
    from shopops.warehouse.backends.duck import DuckDBWarehouse

    return DuckDBWarehouse(Workspace(url.path or folder.root, create=create, read_only=read_only), url)


def _clickhouse(url: WarehouseUrl, folder: Folder, create: bool, read_only: bool) -> Warehouse:
    from shopops.warehouse.backends.clickhouse import ClickHouseWarehouse

    if url.kind == "chdb" and not create:
        data = Path(url.path) if url.path else folder.root / "chdb"
        if not data.is_dir():
            raise WorkspaceMissing(path=str(data))
    return ClickHouseWarehouse(url, folder, read_only=read_only)


def _spark(url: WarehouseUrl, folder: Folder, create: bool, read_only: bool) -> Warehouse:
    from shopops.warehouse.backends.spark import SparkWarehouse

    if not create and url.warehouse_dir is None and not (folder.root / "spark-warehouse").is_dir():
        raise WorkspaceMissing(path=str(folder.root / "spark-warehouse"))
    return SparkWarehouse(url, folder, read_only=read_only)


BACKENDS: dict[Kind, Opener] = {"duckdb": _duckdb, "chdb": _clickhouse, "clickhouse": _clickhouse, "spark": _spark}
assert set(BACKENDS) == set(KINDS)


def open_warehouse(
    url: WarehouseUrl | str | None = None,
    workspace: str | os.PathLike[str] | None = None,
    *,
    create: bool = True,
    read_only: bool = False,
) -> Warehouse:
    """Open the warehouse ``url`` (default: ``$SHOPOPS_WAREHOUSE``, else the workspace's DuckDB).

    ``workspace`` is the local folder for raw files and scratch (and the default home of embedded engines).
    ``create=False`` refuses a workspace that does not exist yet; ``read_only`` skips schema upkeep.
    """
    parsed = url if isinstance(url, WarehouseUrl) else (parse_url(url) if url else warehouse_url())
    if parsed.kind != "duckdb" and not create:
        root = Folder.at(workspace, create=False).root
        if not root.is_dir():
            raise WorkspaceMissing(path=str(root))
    folder = Folder.at(workspace, create=create and parsed.kind != "duckdb")
    return BACKENDS[parsed.kind](parsed, folder, create, read_only)


def as_warehouse(target: Warehouse | Workspace) -> Warehouse:
    """A ``Workspace`` (what callers held before backends existed) is the DuckDB warehouse."""
    if isinstance(target, Workspace):
        from shopops.warehouse.backends.duck import DuckDBWarehouse

        return DuckDBWarehouse(target, parse_url("duckdb:"))
    return target


__all__ = [
    "BACKENDS",
    "BadWarehouseUrl",
    "Folder",
    "UnknownWarehouseScheme",
    "Warehouse",
    "WarehouseBusy",
    "WarehouseUnavailable",
    "WarehouseUrl",
    "as_warehouse",
    "open_warehouse",
    "parse_url",
    "warehouse_url",
]
