"""``MetricFrame``: metric results as plain values — what the metric stage hands to diagnose and report."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

Value = int | float | Decimal | str | dt.date | None


def plain(value: Any) -> Value:
    """One engine's cell as a plain Python value: NaN → None, numpy scalars → Python, datetimes → dates."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if hasattr(value, "item") and not isinstance(value, Decimal | str):
        return plain(value.item())
    return value


@dataclass(frozen=True)
class MetricFrame:
    keys: tuple[str, ...]  # store_id and the grain's dimensions
    metrics: tuple[str, ...]
    rows: tuple[tuple[Value, ...], ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return self.keys + self.metrics

    def records(self) -> list[dict[str, Value]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def column(self, name: str) -> list[Value]:
        i = self.columns.index(name)
        return [row[i] for row in self.rows]

    def one(self) -> dict[str, Value]:
        """The single row of a store-grain query; every metric None when there is no data."""
        if not self.rows:
            return dict.fromkeys(self.metrics)
        if len(self.rows) > 1:
            raise ValueError(f"expected one row, got {len(self.rows)}")
        return {m: v for m, v in zip(self.columns, self.rows[0], strict=True) if m in self.metrics}

    def by_key(self, key: str) -> dict[Value, dict[str, Value]]:
        """Rows indexed by one key column (e.g. ``date`` or ``source``)."""
        return {r[key]: r for r in self.records()}
