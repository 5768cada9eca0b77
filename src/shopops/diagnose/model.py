"""What diagnosis hands on: frozen ``Finding``s that already hold their evidence rows, ranked in a ``Diagnosis``.

CLI, web and report render a finding without querying again; ``act`` turns it into tasks. ``facts`` carries the
numbers an action needs (a suggested bid, units to reorder, the bad reviews to answer), so the playbook never
reaches back into the warehouse either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Literal

from shopops.schema.causes import Cause

SubjectKind = Literal["store", "source", "sku", "keyword", "agent", "competitor", "seller", "category"]
SUBJECT_KINDS: tuple[str, ...] = ("store", "source", "sku", "keyword", "agent", "competitor", "seller", "category")

Value = int | float | str | bool | dt.date | None


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}[self]


def plain(value: Any) -> Value:
    """Evidence cells as plain JSON-able values (Decimal → float, datetime → ISO text, NaN → None)."""
    if value is None:
        return None
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "item"):  # numpy / pandas scalars
        return plain(value.item())
    if isinstance(value, float):
        return None if value != value else round(value, 6)
    return str(value)


@dataclass(frozen=True)
class Evidence:
    """Rows that prove a finding, as the table they come from shows them."""

    title: str
    table: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Value, ...], ...]

    @classmethod
    def of(cls, title: str, table: str, columns: tuple[str, ...], rows: Any) -> Evidence:
        return cls(title, table, columns, tuple(tuple(plain(v) for v in r) for r in rows))

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "table": self.table,
            "columns": list(self.columns),
            "rows": [[_json(v) for v in r] for r in self.rows],
        }


def _json(v: Value) -> Any:
    return v.isoformat() if isinstance(v, dt.date) else v


@dataclass(frozen=True)
class Finding:
    """One problem (or unusually good news) on one subject on one day, with the numbers and the rows behind it.

    ``code`` is a cause code from ``shopops.schema.causes`` when the finding names a root cause, otherwise the
    producing rule's own code (``bounce_rate_high``, ``traffic_source_low`` …). ``impact`` is money per day the
    problem costs (lost GMV or extra ad spend; for good news, the GMV it added); ``share_of_gap`` is the part of the
    store's GMV gap it explains.
    """

    store_id: str
    date: dt.date
    code: str
    rule: str
    severity: Severity
    subject_kind: SubjectKind
    subject: str
    metric: str
    value: float | None
    baseline: float | None
    en: str
    zh: str
    subject_label: str | None = None
    impact: float | None = None
    share_of_gap: float | None = None
    confidence: float | None = None  # a z-score or similar strength; larger is surer
    evidence: tuple[Evidence, ...] = ()
    facts: Mapping[str, Value] = field(default_factory=dict)
    explains: tuple[str, ...] = ()  # symptoms this cause accounts for ("conversion_drop:SKU1", …)

    def __post_init__(self) -> None:
        object.__setattr__(self, "facts", MappingProxyType({k: plain(v) for k, v in self.facts.items()}))

    @property
    def change(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline - 1

    @property
    def is_cause(self) -> bool:
        return self.code in set(Cause)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.code, self.subject_kind, self.subject)

    def sentence(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" else self.en

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "store_id": self.store_id,
            "date": self.date.isoformat(),
            "code": self.code,
            "is_cause": self.is_cause,
            "rule": self.rule,
            "severity": str(self.severity),
            "subject_kind": self.subject_kind,
            "subject": self.subject,
            "subject_label": self.subject_label,
            "metric": self.metric,
            "value": self.value,
            "baseline": self.baseline,
            "change": None if self.change is None else round(self.change, 6),
            "impact": self.impact,
            "share_of_gap": self.share_of_gap,
            "confidence": self.confidence,
            "en": self.en,
            "zh": self.zh,
            "facts": {k: _json(v) for k, v in self.facts.items()},
            "explains": list(self.explains),
            "evidence": [e.to_dict() for e in self.evidence],
        }
        if lang is not None:
            out["text"] = self.sentence(lang)
        return out


@dataclass(frozen=True)
class DaySummary:
    """The store's day against its calendar-aware baseline and its target: the gap causes are measured against."""

    gmv: float | None
    expected_gmv: float | None  # robust baseline of comparable days
    low: float | None  # the normal band
    high: float | None
    gap: float | None  # expected − actual (> 0: a bad day)
    target: float | None
    event: str | None  # the calendar event the day belongs to, if any
    comparable_days: int


@dataclass(frozen=True)
class Diagnosis:
    store_id: str
    date: dt.date
    summary: DaySummary
    findings: tuple[Finding, ...]  # ranked, most important first

    @property
    def top(self) -> Finding | None:
        return self.findings[0] if self.findings else None

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=None)

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        s = self.summary
        return {
            "store_id": self.store_id,
            "date": self.date.isoformat(),
            "summary": {
                "gmv": s.gmv,
                "expected_gmv": s.expected_gmv,
                "normal_band": [s.low, s.high],
                "gap": s.gap,
                "target": s.target,
                "event": s.event,
                "comparable_days": s.comparable_days,
            },
            "findings": [f.to_dict(lang) for f in self.findings],
        }
