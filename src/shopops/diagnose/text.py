"""Sentences from templates and a row of numbers: a missing value prints as "–" whatever its format spec."""

from __future__ import annotations

import math
import string
from collections.abc import Mapping
from typing import Any

MISSING = "–"


class _Formatter(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return MISSING
        try:
            return super().format_field(value, format_spec)
        except (ValueError, TypeError):
            return str(value)

    def get_value(self, key, args, kwargs):  # type: ignore[override]
        return kwargs.get(key) if isinstance(key, str) else super().get_value(key, args, kwargs)


_FMT = _Formatter()


def render(template: str, values: Mapping[str, Any]) -> str:
    return _FMT.vformat(template, (), dict(values))


def pct(x: float | None) -> str:
    return MISSING if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:+.0%}"
