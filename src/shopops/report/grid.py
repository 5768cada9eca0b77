"""A ``Grid``: one titled table of plain values with typed columns — what the operator's summary tables are made of.

Every format renders the same grid: Markdown and HTML format the values, JSON keeps them, the workbook writes
numbers as numbers and dates as dates. A column's ``unit`` (a catalog unit, or date/text) decides how.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from shopops.metrics.catalog import CATALOG
from shopops.metrics.frame import Value

TEXT_UNITS = ("text", "date")


@dataclass(frozen=True)
class Col:
    key: str
    en: str
    zh: str
    unit: str  # date | text | money | count | rate | ratio | pages | stars | days

    @classmethod
    def metric(cls, name: str) -> Col:
        m = CATALOG[name]
        return cls(name, m.en, m.zh, m.unit)

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Grid:
    key: str
    en: str
    zh: str
    cols: tuple[Col, ...]
    rows: tuple[tuple[Value, ...], ...]
    total: tuple[Value, ...] | None = None  # a totals row (ratios over the whole span, never sums of ratios)

    def title(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def column(self, key: str) -> list[Value]:
        i = [c.key for c in self.cols].index(key)
        return [r[i] for r in self.rows]

    def records(self) -> list[dict[str, Value]]:
        return [dict(zip((c.key for c in self.cols), r, strict=True)) for r in self.rows]

    def to_dict(self, j: Any) -> dict[str, Any]:
        """``j`` makes a value JSON-safe and stable (see render._j)."""
        keys = [c.key for c in self.cols]
        return {
            "title": {"en": self.en, "zh": self.zh},
            "columns": keys,
            "units": {c.key: c.unit for c in self.cols},
            "rows": [{k: j(v) for k, v in zip(keys, r, strict=True)} for r in self.rows],
            "total": None if self.total is None else {k: j(v) for k, v in zip(keys, self.total, strict=True)},
        }

    def without_empty_columns(self) -> Grid:
        """Drop metric columns this store's exports never fill (no ad data, no bounce rates …)."""
        keep = [
            i
            for i, c in enumerate(self.cols)
            if c.unit in TEXT_UNITS
            or any(r[i] is not None for r in self.rows)
            or (self.total and self.total[i] is not None)
        ]
        pick = lambda row: tuple(row[i] for i in keep)  # noqa: E731
        return Grid(
            self.key,
            self.en,
            self.zh,
            tuple(self.cols[i] for i in keep),
            tuple(pick(r) for r in self.rows),
            None if self.total is None else pick(self.total),
        )


def is_date(v: object) -> bool:
    return isinstance(v, dt.date)
