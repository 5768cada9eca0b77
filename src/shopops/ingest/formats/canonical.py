"""The generic canonical CSV: one file per table, headed by the column names (or their zh/en labels)."""

from __future__ import annotations

from shopops.ingest.formats.base import Format, fields_from_table, register
from shopops.schema import TABLES

# Tables whose columns are all optional still need something to recognise them by.
_ALSO_REQUIRED = {"stores": {"store_id", "name"}, "reviews": {"text"}, "sessions": {"page_views"}}

for _table in TABLES.values():
    _extra = _ALSO_REQUIRED.get(_table.name, set())
    register(
        Format(
            name=f"canonical:{_table.name}",
            zh=f"通用格式:{_table.zh}",
            en=f"Canonical {_table.en}",
            platform="generic",
            fields=fields_from_table(_table, required=lambda c, t=_table, e=_extra: t.column(c).required or c in e),
            outputs={_table.name: "SELECT * FROM src"},
            sample=f"canonical/{_table.name}.csv",
        )
    )
