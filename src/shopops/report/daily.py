"""The morning report: did the day make its share of the month's target, and if not, where did it go?

``build_daily_report`` asks the metric layer everything once (``fetch_inputs``: a handful of cached, parameterised
queries that read the workspace's rollups) and ``assemble``s a frozen ``DailyReport`` from the answers; the
renderers (terminal, Markdown, JSON, HTML) only read that object, so every format shows the same numbers and none
queries. ``ReportInputs`` is the whole of what the report reads: the benchmark fills it by hand-written SQL, pandas
and polars and checks that ``assemble`` then gives the very same report.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

from shopops.metrics.catalog import CATALOG
from shopops.metrics.compiler import MetricQuery
from shopops.metrics.decompose import Decomposition, Funnel, decompose
from shopops.metrics.drilldown import (
    KEYWORD_METRICS,
    PRODUCT_METRICS,
    Mover,
    cents,
    keyword_movers,
    per_key,
    product_movers,
    product_titles,
    titled,
)
from shopops.metrics.engine import Engine
from shopops.metrics.errors import BadDate, NoTrafficData, UnknownCompare
from shopops.metrics.frame import MetricFrame, Value
from shopops.metrics.pacing import Campaign, MonthPlan, Pacing, learn_plan, pace
from shopops.metrics.targets import HISTORY_DAYS, read_campaigns, read_target, resolve_store
from shopops.report.html import to_html
from shopops.report.render import render_terminal, to_json, to_markdown

log = logging.getLogger(__name__)

Compare = Literal["prev_day", "same_weekday", "mean_7d"]
COMPARES: tuple[str, ...] = ("prev_day", "same_weekday", "mean_7d")

__all__ = [
    "COMPARES",
    "DailyReport",
    "Kpi",
    "ReportInputs",
    "assemble",
    "build_daily_report",
    "fetch_inputs",
    "render_terminal",
    "to_html",
    "to_json",
    "to_markdown",
]


@dataclass(frozen=True)
class Kpi:
    name: str
    value: Value
    base: Value


@dataclass(frozen=True)
class DailyReport:
    date: dt.date
    store_id: str
    compare: Compare
    base_dates: tuple[dt.date, ...]
    kpis: tuple[Kpi, ...]  # catalog order
    pacing: Pacing | None
    plan: MonthPlan | None
    mtd_series: tuple[tuple[dt.date, Decimal, Decimal], ...]  # (date, cumulative actual, cumulative plan)
    decomposition: Decomposition
    products: tuple[Mover, ...]
    keywords: tuple[Mover, ...]

    @property
    def month(self) -> str:
        return self.date.strftime("%Y-%m")

    def kpi(self, name: str) -> Kpi:
        return next(k for k in self.kpis if k.name == name)


def base_dates(date: dt.date, compare: str) -> tuple[dt.date, ...]:
    match compare:
        case "prev_day":
            return (date - dt.timedelta(days=1),)
        case "same_weekday":
            return (date - dt.timedelta(days=7),)
        case "mean_7d":
            return tuple(date - dt.timedelta(days=i) for i in range(7, 0, -1))
    raise UnknownCompare(name=compare, valid=", ".join(COMPARES))


def parse_date(value: str | dt.date) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadDate(value=value) from None


HISTORY_METRICS = ("gmv", "visitors", "buyers")
SOURCE_METRICS = ("visitors", "buyers", "gmv", "paid_traffic_cost")


@dataclass(frozen=True)
class ReportInputs:
    """Everything the morning report reads, as metric frames (rows ordered by their keys)."""

    date: dt.date
    store_id: str
    compare: Compare
    base_dates: tuple[dt.date, ...]
    history: MetricFrame  # HISTORY_METRICS by date, HISTORY_DAYS before the month's first day → the day
    daily: MetricFrame  # every catalog metric by date, first base date → the day
    window: MetricFrame | None  # every catalog metric over the base dates as one period (mean_7d only)
    sources: MetricFrame  # SOURCE_METRICS by date and source, first base date → the day
    products: MetricFrame  # PRODUCT_METRICS by date and SKU, same dates
    keywords: MetricFrame  # KEYWORD_METRICS by date and keyword, same dates
    target: Decimal | None  # the month's GMV target
    campaigns: tuple[Campaign, ...]


def history_start(day: dt.date) -> dt.date:
    return day.replace(day=1) - dt.timedelta(days=HISTORY_DAYS)


def build_daily_report(
    con: Any, *, date: str | dt.date, store_id: str | None = None, compare: str = "prev_day"
) -> DailyReport:
    """``con``: a DuckDB connection (``Workspace.con``) or an ``Engine`` over any Ibis backend."""
    engine = con if isinstance(con, Engine) else Engine.duckdb(con)
    inputs = fetch_inputs(engine, date=date, store_id=store_id, compare=compare)
    return assemble(inputs, lambda skus: product_titles(engine, inputs.store_id, skus))


def fetch_inputs(engine: Engine, *, date: str | dt.date, store_id: str | None, compare: str) -> ReportInputs:
    day = parse_date(date)
    bases = base_dates(day, compare)
    store = resolve_store(engine, store_id)
    lo = min(bases)
    history = engine.run(MetricQuery(HISTORY_METRICS, ("date",), history_start(day), day, store))
    if history.by_key("date").get(day, {}).get("visitors") is None:
        _no_data(engine, store, day)
    names = tuple(CATALOG)
    window = engine.run(MetricQuery(names, (), bases[0], bases[-1], store)) if len(bases) > 1 else None
    target = read_target(engine, store, day.strftime("%Y-%m"))
    return ReportInputs(
        date=day,
        store_id=store,
        compare=compare,  # type: ignore[arg-type]
        base_dates=bases,
        history=history,
        daily=engine.run(MetricQuery(names, ("date",), lo, day, store)),
        window=window,
        sources=engine.run(MetricQuery(SOURCE_METRICS, ("date", "source"), lo, day, store)),
        products=engine.run(MetricQuery(PRODUCT_METRICS, ("date", "sku"), lo, day, store)),
        keywords=engine.run(MetricQuery(KEYWORD_METRICS, ("date", "keyword"), lo, day, store)),
        target=target,
        campaigns=read_campaigns(engine, store) if target is not None else (),  # only pacing reads them
    )


def assemble(inputs: ReportInputs, titles: Callable[[list[str]], Mapping[str, str]]) -> DailyReport:
    """The report from its inputs; ``titles`` names the SKUs that made the top movers."""
    day, store, bases = inputs.date, inputs.store_id, inputs.base_dates
    history = inputs.history.by_key("date")
    plan = None
    gmv_by_date: dict[dt.date, Any] = {d: r["gmv"] for d, r in history.items()}  # type: ignore[misc]
    if inputs.target is not None:
        plan = learn_plan(store, day.strftime("%Y-%m"), inputs.target, gmv_by_date, inputs.campaigns)
    pacing = None
    series: tuple[tuple[dt.date, Decimal, Decimal], ...] = ()
    if plan is not None:
        today = history[day]
        pacing = pace(plan, day, gmv_by_date, visitors=_num(today["visitors"]), buyers=_num(today["buyers"]))
        series = _mtd_series(plan, day, gmv_by_date)
    products = product_movers(inputs.products, day, bases)
    return DailyReport(
        date=day,
        store_id=store,
        compare=inputs.compare,
        base_dates=bases,
        kpis=_kpis(inputs),
        pacing=pacing,
        plan=plan,
        mtd_series=series,
        decomposition=_decomposition(inputs.sources, day, bases),
        products=titled(products, titles([m.key for m in products]) if products else {}),
        keywords=keyword_movers(inputs.keywords, day, bases),
    )


def _num(v: Value) -> float | None:
    return None if v is None else float(v)  # type: ignore[arg-type]


def _span(tables, bind):
    t = tables("traffic_daily")
    t = t.filter(t.store_id == bind("store", "string"))
    return t.aggregate(first=t.date.min(), last=t.date.max())


def _no_data(engine: Engine, store: str, day: dt.date) -> None:
    span = engine.fetch("traffic span", _span, {"store": store})[0]
    raise NoTrafficData(store=store, date=day.isoformat(), first=span["first"], last=span["last"])


def _kpis(inputs: ReportInputs) -> tuple[Kpi, ...]:
    names = inputs.daily.metrics
    daily = inputs.daily.by_key("date")
    today = daily.get(inputs.date, {})
    bases = inputs.base_dates
    if inputs.window is None:
        before = daily.get(bases[0], {})
        return tuple(Kpi(n, today.get(n), before.get(n)) for n in names)
    # A mean over days: extensive metrics average their daily values (a missing day is 0); ratios are the
    # ratio over the whole window, never a mean of daily ratios.
    window = inputs.window.one()
    out = []
    for n in names:
        if CATALOG[n].extensive:
            values = [daily.get(d, {}).get(n) for d in bases]
            present = [Fraction(Decimal(str(v))) for v in values if v is not None]
            base: Value = _mean_value(sum(present, Fraction(0)) / len(bases), CATALOG[n].unit) if present else None
        else:
            base = window.get(n)
        out.append(Kpi(n, today.get(n), base))
    return tuple(out)


def _mean_value(x: Fraction, unit: str) -> Value:
    return cents(x) if unit == "money" else float(x)


def _decomposition(frame: MetricFrame, day: dt.date, bases: tuple[dt.date, ...]) -> Decomposition:
    rows = per_key(frame, "source", day, bases)
    now = {s: Funnel(v["visitors"][0], v["buyers"][0], v["gmv"][0]) for s, v in rows.items()}
    base = {s: Funnel(v["visitors"][1], v["buyers"][1], v["gmv"][1]) for s, v in rows.items()}
    has_cost = {r["source"] for r in frame.records() if r["paid_traffic_cost"] is not None}
    cost = {
        s: (cents(v["paid_traffic_cost"][0]), cents(v["paid_traffic_cost"][1]))
        for s, v in rows.items()
        if s in has_cost
    }
    return decompose(now, base, cost)


def _mtd_series(plan: MonthPlan, day: dt.date, gmv: dict) -> tuple[tuple[dt.date, Decimal, Decimal], ...]:
    out, actual, planned = [], Decimal("0.00"), Decimal("0.00")
    for d in plan.days:
        planned += d.target
        if d.date <= day:
            actual += cents(gmv.get(d.date))
        out.append((d.date, actual if d.date <= day else None, planned))
    return tuple(out)  # type: ignore[arg-type]
