"""The canonical schema shared by every stage: tables, columns, types, header aliases."""

from shopops.errors import UnknownTable
from shopops.schema.catalog import (
    EXPECTED,
    EXPECTED_ZH,
    SQL_TYPES,
    Column,
    ColumnType,
    SyntheticKey,
    Table,
    normalise_header,
)
from shopops.schema.tables import TABLES

__all__ = [
    "EXPECTED",
    "EXPECTED_ZH",
    "SQL_TYPES",
    "TABLES",
    "Column",
    "ColumnType",
    "SyntheticKey",
    "Table",
    "get_table",
    "normalise_header",
]


def get_table(name: str) -> Table:
    try:
        return TABLES[name]
    except KeyError:
        raise UnknownTable(name=name, valid=", ".join(TABLES)) from None
