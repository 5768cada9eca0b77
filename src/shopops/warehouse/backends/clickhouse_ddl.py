"""ClickHouse DDL from the catalog: every version of a row in ``<table>_versions``, one row per key in ``<table>``.

``<table>_versions`` is a ReplacingMergeTree ordered by the natural key (store_id first, so a store's rows are one
range of the primary index) with ``_import_id`` as its version: an import only appends, and a later import of a key
wins. ``<table>`` is a view ``SELECT … FROM <table>_versions FINAL``, which collapses the versions at read time
whether or not ClickHouse has merged them yet — metrics, diagnosis and reports read only the views.

Partitions are months of the key's ``date`` where the key has one, else none. They must be a function of the key:
ReplacingMergeTree collapses versions only within a partition. (Not by store: a marketplace's thousands of stores ×
months would pass ClickHouse's advice of at most ~1,000 partitions and its 100-partitions-per-INSERT limit; the
sort key's store_id prefix already skips other stores' data.)
"""

from __future__ import annotations

from shopops.schema import TABLES, Column, Table

CH_TYPES = {
    "text": "String",
    "int": "Int64",
    "money": "Decimal(18, 2)",
    "number": "Float64",
    "rate": "Float64",
    "date": "Date32",  # Date stops at 1970 … 2149; Excel dates and launch dates can be older
    "timestamp": "DateTime64(6)",  # naive, read and written in UTC (the client's session_timezone)
    "bool": "Bool",
}

LEDGER = "_imports"
VERSION = "_import_id"


def q(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def versions(name: str) -> str:
    return f"{name}_versions"


def column_type(col: Column) -> str:
    # Nullable even in the key (staging proves key values present): the views then have DuckDB's schema, and the
    # metric compiler's UNION ALL of facts needs one nullability per column. Hence allow_nullable_key.
    return f"Nullable({CH_TYPES[col.type]})"


def partition_by(table: Table) -> str | None:
    if "date" in table.key:
        return "toYYYYMM(date)"
    return None


def table_ddl(name: str) -> str:
    table = TABLES[name]
    cols = [f"{q(c.name)} {column_type(c)}" for c in table.columns]
    cols.append(f"{q(VERSION)} UInt64")
    order = ", ".join(q(k) for k in table.key)
    partition = partition_by(table)
    return (
        f"CREATE TABLE IF NOT EXISTS {q(versions(name))} ({', '.join(cols)}) "
        f"ENGINE = ReplacingMergeTree({q(VERSION)}) "
        + (f"PARTITION BY {partition} " if partition else "")
        + f"ORDER BY ({order}) SETTINGS allow_nullable_key = 1"
    )


def view_ddl(name: str) -> str:
    cols = ", ".join(q(c) for c in (*TABLES[name].column_names, VERSION))
    return f"CREATE OR REPLACE VIEW {q(name)} AS SELECT {cols} FROM {q(versions(name))} FINAL"


def add_column_ddl(name: str, col: Column) -> str:
    """A column the catalog gained after the table was made is added, empty (as the DuckDB workspace does)."""
    return f"ALTER TABLE {q(versions(name))} ADD COLUMN IF NOT EXISTS {q(col.name)} {column_type(col)}"


LEDGER_DDL = f"""CREATE TABLE IF NOT EXISTS {q(LEDGER)} (
    import_id UInt64,
    sha256 String,
    file_name String,
    format String,
    store_id String,
    rows_read Int64,
    rows_by_table String,
    raw_path String,
    imported_at DateTime,
    shopops_version String
) ENGINE = MergeTree ORDER BY import_id"""
