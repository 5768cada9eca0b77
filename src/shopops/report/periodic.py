"""Spec → run → result: ``build_report`` runs a ``ReportSpec`` on the warehouse once into a frozen ``Report`` that
holds every number; Markdown, JSON, HTML, the workbook and the terminal render it without querying again.

A daily report wraps the morning report (``daily.build_daily_report``: pacing, decomposition, movers) and adds the
sections every report has; weekly adds the page-health review; monthly the phased evaluation and proposals.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from shopops.metrics.decompose import Decomposition
from shopops.metrics.engine import Engine
from shopops.metrics.errors import NoTrafficData
from shopops.metrics.pacing import Pacing, pace
from shopops.metrics.targets import month_plan, resolve_store
from shopops.report import sections
from shopops.report.daily import DailyReport, Kpi, build_daily_report
from shopops.report.findings import Diagnosed, run_diagnosis
from shopops.report.grid import Grid
from shopops.report.health import PageHealth, page_health
from shopops.report.ledger import InputLedger, input_ledger
from shopops.report.phases import AspectResult, Evaluation, evaluate, propose
from shopops.report.spec import Period, ReportSpec

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProposalLine:
    code: str
    role: str
    en: str
    zh: str

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Report:
    spec: ReportSpec
    store_id: str
    period: Period
    base: Period
    window: Period  # the trend chart's and the summary sheet's days
    ledger: InputLedger
    kpis: tuple[Kpi, ...]  # period against base, catalog order
    summary: Grid  # 全店运营数据汇总表
    decomposition: Decomposition
    products: Grid
    campaigns: Grid  # 店铺活动销售成果汇报表
    paid_sources: Grid  # 淘客资源汇总表
    ad_campaigns: Grid
    diagnosis: Diagnosed
    morning: DailyReport | None = None  # daily
    health: PageHealth | None = None  # weekly and monthly
    phases: tuple[Period, ...] = ()  # monthly
    evaluation: tuple[AspectResult, ...] = ()
    proposals: tuple[ProposalLine, ...] = ()
    pacing: Pacing | None = None  # monthly, when the month has a target

    @property
    def kind(self) -> str:
        return self.spec.kind

    @property
    def date(self) -> dt.date:
        return self.spec.date

    def kpi(self, name: str) -> Kpi:
        return next(k for k in self.kpis if k.name == name)


def build_report(con: Any, spec: ReportSpec, *, diagnosis: Diagnosed | None = None) -> Report:
    """``con``: the workspace's DuckDB connection, or an ``Engine`` on any warehouse. ``diagnosis``: findings and
    tasks already made (run-daily), else the diagnosis runs here when it is installed."""
    engine = con if isinstance(con, Engine) else Engine.duckdb(con)
    store = resolve_store(engine, spec.store_id)
    period, base, window = spec.period, spec.base, spec.trend
    morning = None
    if spec.kind == "daily":
        morning = build_daily_report(engine, date=spec.date, store_id=store, compare=spec.compare)
        kpis, decomposition = morning.kpis, morning.decomposition
    else:
        kpis = sections.kpis(engine, store, period, base)
        if all(k.value is None for k in kpis if k.name == "visitors"):
            _no_data(engine, store, spec.date)
        decomposition = sections.decomposition(engine, store, period, base)
    products = sections.top_products(engine, store, period, base)
    summary = sections.summary(engine, store, window)
    found = diagnosis if diagnosis is not None else run_diagnosis(engine, store, spec.date)
    extra: dict[str, Any] = {}
    if spec.kind != "daily":
        now = {k.name: k.value for k in kpis}
        before = {k.name: k.base for k in kpis}
        extra["health"] = page_health(now, before, sections.main_product(products))
    if spec.kind == "monthly":
        extra |= _monthly(engine, store, period, kpis, summary, extra["health"])
    log.info("built %s report for %s on %s", spec.kind, store, spec.date)
    return Report(
        spec=spec,
        store_id=store,
        period=period,
        base=base,
        window=window,
        ledger=input_ledger(engine, store),
        kpis=kpis,
        summary=summary,
        decomposition=decomposition,
        products=products,
        campaigns=sections.campaign_results(engine, store, window, spec.date),
        paid_sources=sections.paid_sources(engine, store, period),
        ad_campaigns=sections.ad_campaigns(engine, store, period),
        diagnosis=found,
        morning=morning,
        **extra,
    )


def _monthly(
    engine: Engine, store: str, period: Period, kpis: tuple[Kpi, ...], summary: Grid, health: PageHealth
) -> dict[str, Any]:
    now = {k.name: k.value for k in kpis}
    before = {k.name: k.base for k in kpis}
    phases, results = evaluate(engine, store, period, now, before)
    pacing = None
    plan = month_plan(engine, store, period.end.strftime("%Y-%m"))
    if plan is not None:
        days = {r["date"]: r for r in summary.records()}
        today = days.get(period.end, {})
        pacing = pace(
            plan,
            period.end,
            {d: r.get("gmv") for d, r in days.items()},
            visitors=_num(today.get("visitors")),
            buyers=_num(today.get("buyers")),
        )
    e = Evaluation(
        now,
        before,
        health,
        None if pacing is None else pacing.mtd_attainment,
        None if pacing is None or pacing.needed_per_day is None else float(pacing.needed_per_day),
    )
    proposals = tuple(ProposalLine(p.code, p.role, p.text(e, "en"), p.text(e, "zh")) for p in propose(e))
    return {"phases": phases, "evaluation": results, "proposals": proposals, "pacing": pacing}


def _num(v: Any) -> float | None:
    return None if v is None else float(v)


def _span(tables, bind):
    t = tables("traffic_daily")
    t = t.filter(t.store_id == bind("store", "string"))
    return t.aggregate(first=t.date.min(), last=t.date.max())


def _no_data(engine: Engine, store: str, day: dt.date) -> None:
    span = engine.fetch("report traffic span", _span, {"store": store})[0]
    raise NoTrafficData(store=store, date=day.isoformat(), first=span["first"], last=span["last"])
