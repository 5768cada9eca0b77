"""Monthly GMV target → daily targets, and how the day and month-to-date pace against them.

The month is split by weights learned from the store's own history before the month: a weekday pattern (mean GMV
per weekday ÷ mean GMV, over the last 12 weeks of ordinary days) times an event factor for platform events and the
store's campaigns (GMV on earlier occurrences ÷ what its weekday would have given; 1 when never seen). Daily
targets are rounded to cents so they add up to the month target exactly.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from statistics import fmean

from shopops.metrics.decompose import apportion

# Platform events on fixed dates (month, day) → name. Campaigns from the store's own table are added on top.
PLATFORM_EVENTS: dict[tuple[int, int], str] = {
    (3, 8): "38节",
    (6, 18): "618",
    (9, 9): "99大促",
    (11, 11): "双11",
    (12, 12): "双12",
}
WEEKDAY_WINDOW = 84  # days of history for the weekday pattern
MIN_HISTORY = 14  # fewer ordinary days than this: a flat weekday pattern


@dataclass(frozen=True)
class Campaign:
    name: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class DayPlan:
    date: dt.date
    weekday_factor: float
    event: str | None
    event_factor: float
    weight: float  # the day's share of the month, Σ = 1
    target: Decimal


@dataclass(frozen=True)
class MonthPlan:
    store_id: str
    month: str
    target: Decimal
    days: tuple[DayPlan, ...]
    weekday_factors: tuple[float, ...]  # Monday … Sunday
    event_factors: tuple[tuple[str, float, int], ...]  # (event, factor, occurrences seen)
    history_days: int  # ordinary days the weekday pattern was learned from

    def day(self, date: dt.date) -> DayPlan:
        return self.days[date.day - 1]

    def to_date(self, date: dt.date) -> Decimal:
        return sum((d.target for d in self.days if d.date <= date), Decimal("0.00"))


@dataclass(frozen=True)
class Pacing:
    month: str
    month_target: Decimal
    day_target: Decimal
    day_actual: Decimal
    attainment: float | None  # actual ÷ target
    mtd: Decimal
    mtd_target: Decimal
    mtd_attainment: float | None
    day_gap: Decimal  # target − actual; ≤ 0 means the day made its share
    mtd_gap: Decimal
    days_left: int  # after the report date
    needed_per_day: Decimal | None  # the rest of the month's target spread over the days left
    extra_visitors: int | None  # closes the day's gap at the day's conversion and 客单价
    extra_conversion_pp: float | None  # … or this many points of conversion at the day's traffic and 客单价
    event: str | None
    weight: float


def parse_month(month: str) -> tuple[int, int]:
    from shopops.metrics.errors import BadMonth

    try:
        year, mon = (int(p) for p in month.split("-"))
        dt.date(year, mon, 1)
    except ValueError:
        raise BadMonth(value=month) from None
    if len(month) != 7:
        raise BadMonth(value=month)
    return year, mon


def month_days(month: str) -> list[dt.date]:
    year, mon = parse_month(month)
    return [dt.date(year, mon, d) for d in range(1, calendar.monthrange(year, mon)[1] + 1)]


def events_on(date: dt.date, campaigns: Sequence[Campaign]) -> str | None:
    names = [c.name for c in campaigns if c.start <= date <= c.end]
    fixed = PLATFORM_EVENTS.get((date.month, date.day))
    if fixed and fixed not in names:
        names.insert(0, fixed)
    return " + ".join(names) or None


def learn_plan(
    store_id: str,
    month: str,
    target: Decimal,
    history: Mapping[dt.date, Decimal | float | None],
    campaigns: Sequence[Campaign] = (),
) -> MonthPlan:
    days = month_days(month)
    first = days[0]
    past = {d: float(v) for d, v in history.items() if d < first and v is not None}
    ordinary = {d: v for d, v in past.items() if events_on(d, campaigns) is None}
    recent = {d: v for d, v in ordinary.items() if (first - d).days <= WEEKDAY_WINDOW}
    weekday = _weekday_factors(recent)
    event_factors = _event_factors(past, ordinary, weekday, campaigns)
    raw = []
    for d in days:
        event = events_on(d, campaigns)
        factor = event_factors.get(event, (1.0, 0))[0] if event else 1.0
        raw.append((d, weekday[d.weekday()], event, factor))
    weights = [Fraction(w).limit_denominator(10**9) * Fraction(e).limit_denominator(10**9) for _, w, _, e in raw]
    total_w = sum(weights)
    cents = apportion(round(Fraction(target) * 100), [Fraction(target) * w / total_w for w in weights])
    plan_days = tuple(
        DayPlan(d, w, event, e, float(wt / total_w), (Decimal(c) / 100).quantize(Decimal("0.01")))
        for (d, w, event, e), wt, c in zip(raw, weights, cents, strict=True)
    )
    seen = tuple(sorted((name, f, n) for name, (f, n) in event_factors.items()))
    return MonthPlan(store_id, month, Decimal(target), plan_days, tuple(weekday), seen, len(recent))


def _weekday_factors(days: Mapping[dt.date, float]) -> list[float]:
    by_weekday: dict[int, list[float]] = {i: [] for i in range(7)}
    for d, v in days.items():
        by_weekday[d.weekday()].append(v)
    if len(days) < MIN_HISTORY or any(not v for v in by_weekday.values()):
        return [1.0] * 7
    means = [fmean(by_weekday[i]) for i in range(7)]
    overall = fmean(means)
    if overall <= 0:
        return [1.0] * 7
    return [round(m / overall, 4) for m in means]


def _event_factors(
    past: Mapping[dt.date, float],
    ordinary: Mapping[dt.date, float],
    weekday: Sequence[float],
    campaigns: Sequence[Campaign],
) -> dict[str, tuple[float, int]]:
    """Event → (mean of GMV ÷ weekday-expected GMV over its past occurrences, occurrences)."""
    ratios: dict[str, list[float]] = {}
    for d, v in sorted(past.items()):
        event = events_on(d, campaigns)
        if event is None:
            continue
        before = [ordinary[b] / weekday[b.weekday()] for b in ordinary if 0 < (d - b).days <= 28]
        if len(before) < 7:
            continue
        expected = fmean(before) * weekday[d.weekday()]
        if expected > 0:
            ratios.setdefault(event, []).append(v / expected)
    return {e: (round(fmean(r), 4), len(r)) for e, r in ratios.items()}


def pace(
    plan: MonthPlan,
    date: dt.date,
    gmv_by_date: Mapping[dt.date, Decimal | float | None],
    *,
    visitors: float | None,
    buyers: float | None,
) -> Pacing:
    day = plan.day(date)
    actual = _dec(gmv_by_date.get(date))
    mtd = sum((_dec(v) for d, v in gmv_by_date.items() if d.month == date.month and d <= date), Decimal("0.00"))
    mtd_target = plan.to_date(date)
    gap = day.target - actual
    days_left = len(plan.days) - date.day
    rest = plan.target - mtd
    extra_visitors = extra_pp = None
    if gap > 0 and visitors and actual > 0:
        extra_visitors = math.ceil(float(gap) * visitors / float(actual))  # gap ÷ UV value
        if buyers:
            extra_pp = round(float(gap) * buyers / (visitors * float(actual)) * 100, 2)  # gap ÷ (UV × 客单价)
    return Pacing(
        month=plan.month,
        month_target=plan.target,
        day_target=day.target,
        day_actual=actual,
        attainment=_ratio(actual, day.target),
        mtd=mtd,
        mtd_target=mtd_target,
        mtd_attainment=_ratio(mtd, mtd_target),
        day_gap=gap,
        mtd_gap=mtd_target - mtd,
        days_left=days_left,
        needed_per_day=(rest / days_left).quantize(Decimal("0.01")) if days_left else None,
        extra_visitors=extra_visitors,
        extra_conversion_pp=extra_pp,
        event=day.event,
        weight=day.weight,
    )


def _dec(v: Decimal | float | None) -> Decimal:
    return Decimal("0.00") if v is None else Decimal(str(v)).quantize(Decimal("0.01"))


def _ratio(a: Decimal, b: Decimal) -> float | None:
    return round(float(a / b), 6) if b else None
