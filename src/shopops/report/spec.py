"""What a report is, declared before it runs: its kind, day, store and language, and the periods it compares.

daily   the day, against the morning report's comparison base (prev_day, same_weekday or mean_7d)
weekly  the 7 days ending on the date, against the 7 days before — the weekly page-health review
monthly the month up to the date, against the same days of the month before — the phased evaluation
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Literal

from shopops.errors import UsageError

Kind = Literal["daily", "weekly", "monthly"]
KINDS: tuple[str, ...] = ("daily", "weekly", "monthly")
TREND_DAYS = {"daily": 30, "weekly": 28}  # monthly: the month's own days


class UnknownReportKind(UsageError):
    en = "unknown report '{name}'; valid reports: {valid}"
    zh = "未知报告类型 '{name}';可用:{valid}"


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def dates(self) -> tuple[dt.date, ...]:
        return tuple(self.start + dt.timedelta(days=i) for i in range(self.days))

    def label(self) -> str:
        return self.start.isoformat() if self.days == 1 else f"{self.start.isoformat()} … {self.end.isoformat()}"


@dataclass(frozen=True)
class ReportSpec:
    kind: Kind
    date: dt.date
    store_id: str | None = None  # None: the workspace's only store
    compare: str = "prev_day"  # daily only

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise UnknownReportKind(name=self.kind, valid=", ".join(KINDS))

    @property
    def period(self) -> Period:
        d = self.date
        match self.kind:
            case "daily":
                return Period(d, d)
            case "weekly":
                return Period(d - dt.timedelta(days=6), d)
            case _:
                return Period(d.replace(day=1), d)

    @property
    def base(self) -> Period:
        """The period compared with: as long as ``period`` and just before it (monthly: the same days a month back)."""
        p = self.period
        if self.kind == "monthly":
            last = p.start - dt.timedelta(days=1)
            first = last.replace(day=1)
            end = first + dt.timedelta(days=min(p.days, calendar.monthrange(first.year, first.month)[1]) - 1)
            return Period(first, end)
        return Period(p.start - dt.timedelta(days=p.days), p.start - dt.timedelta(days=1))

    @property
    def trend(self) -> Period:
        """The days the trend chart and the store operations summary sheet show."""
        if self.kind == "monthly":
            return self.period
        return Period(self.date - dt.timedelta(days=TREND_DAYS[self.kind] - 1), self.date)


class OutputNeeded(UsageError):
    en = "--format {format} writes a file: add --out FILE (e.g. --out report.{format})"
    zh = "--format {format} 需要输出到文件:请加上 --out 文件名(如 --out report.{format})"
