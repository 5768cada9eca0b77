"""Run every enabled rule on one store-day and hand back a ranked, self-contained ``Diagnosis``."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import math
from fractions import Fraction

import numpy as np

import shopops.diagnose.builtin  # noqa: F401  (registers the built-in declared rules)
import shopops.diagnose.functions  # noqa: F401  (registers the built-in function rules)
from shopops.diagnose.context import DayContext
from shopops.diagnose.data import HISTORY_DAYS, StoreData, load_store
from shopops.diagnose.engine import due_today, evaluate
from shopops.diagnose.errors import NoDataOnDate
from shopops.diagnose.model import DaySummary, Diagnosis, Evidence, Finding
from shopops.diagnose.overrides import NONE, Overrides
from shopops.diagnose.panel import matrix
from shopops.diagnose.rootcause import rank
from shopops.diagnose.rules import RULES, Rule
from shopops.metrics.decompose import Funnel, decompose
from shopops.metrics.engine import Engine
from shopops.metrics.targets import resolve_store

log = logging.getLogger(__name__)


def diagnose(engine: Engine, day: dt.date, store_id: str | None = None, overrides: Overrides = NONE) -> Diagnosis:
    """Load the store's data around ``day`` through the metric layer and diagnose that day."""
    store = resolve_store(engine, store_id)
    data = load_store(engine, store, day, day, history_days(store, overrides))
    first, last = data_span(data)
    if first is None or last is None or not first <= day <= last:
        raise NoDataOnDate(store=store, date=day.isoformat(), first=first or "–", last=last or "–")
    return diagnose_day(data, day, overrides)


def history_days(store_id: str, overrides: Overrides = NONE) -> int:
    """Days of history to load: enough for the longest window any enabled rule reads (``window_days``)."""
    windows = [
        int(overrides.params(name, store_id).get("window_days", 0))
        for name in RULES
        if overrides.enabled(name, store_id)
    ]
    return max([HISTORY_DAYS, *(w + 7 for w in windows)])


def data_span(data: StoreData) -> tuple[dt.date | None, dt.date | None]:
    dates = [
        d
        for df in (data.store_daily, data.product_daily, data.deliveries, data.service)
        if len(df)
        for d in (df["date"].min(), df["date"].max())
    ]
    if len(data.sessions) and data.sessions["date"].isna().all():
        return data.start, data.end  # undated sessions are judged by month
    return (min(dates), max(dates)) if dates else (None, None)


def diagnose_day(data: StoreData, day: dt.date, overrides: Overrides = NONE) -> Diagnosis:
    ctx = DayContext(data, day)
    findings: list[Finding] = []
    for rule in RULES.values():
        if not overrides.enabled(rule.name, data.store_id):
            continue
        params = overrides.params(rule.name, data.store_id)
        if isinstance(rule, Rule):
            findings += evaluate(rule, ctx, params)
        elif due_today(rule.info.cadence, ctx, params):
            findings += rule.func(ctx, params)
    summary, decomposition = _summary(ctx)
    if decomposition is not None:
        findings = [_with_decomposition(f, decomposition) for f in findings]
    ranked = rank(findings, expected_gmv=summary.expected_gmv, gap=summary.gap)
    log.info("%s %s: %d findings", data.store_id, day, len(ranked))
    return Diagnosis(data.store_id, day, summary, ranked)


def _num(x) -> float | None:
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else round(f, 2)


def _summary(ctx: DayContext) -> tuple[DaySummary, Evidence | None]:
    v = ctx.view("store")
    row = v.iloc[0].to_dict() if len(v) else {}
    gmv, expected = _num(row.get("gmv")), _num(row.get("gmv_base"))
    gap = None if gmv is None or expected is None else round(expected - gmv, 2)
    summary = DaySummary(
        gmv=gmv,
        expected_gmv=expected,
        low=_num(row.get("gmv_low")),
        high=_num(row.get("gmv_high")),
        gap=gap,
        target=_num(row.get("target")),
        event=ctx.event,
        comparable_days=len(ctx.calendar.comparable(ctx.day)) if 0 <= ctx.t < len(ctx.calendar.dates) else 0,
    )
    return summary, _decomposition(ctx)


def _decomposition(ctx: DayContext) -> Evidence | None:
    """GMV by source against the mean of comparable days: traffic, conversion and 客单价 effects (Shapley)."""
    d, t = ctx.data, ctx.t
    V, names = matrix(d, "traffic", "source", "visitors")
    if not names or not 0 <= t < V.shape[0] or np.all(np.isnan(V[t])):
        return None
    B, _ = matrix(d, "traffic", "source", "buyers")
    G, _ = matrix(d, "traffic", "source", "gmv")
    comparable = ctx.calendar.comparable(ctx.day)
    if not comparable:
        return None

    def funnel(i_list: list[int], j: int) -> Funnel:
        n = len(i_list)
        vals = [Fraction(str(float(np.nansum(M[i_list, j])))) / n for M in (V, B, G)]
        return Funnel(*vals)

    now = {s: funnel([t], j) for j, s in enumerate(names)}
    base = {s: funnel(comparable, j) for j, s in enumerate(names)}
    dec = decompose(now, base)
    rows = [
        (e.source, e.gmv, e.base_gmv, e.delta_gmv, e.traffic_effect, e.conversion_effect, e.aov_effect)
        for e in (*dec.sources, dec.total)
    ]
    return Evidence.of(
        f"GMV by source against the mean of {len(comparable)} comparable days (Shapley effects)",
        "traffic_daily",
        ("source", "gmv", "base_gmv", "delta", "traffic_effect", "conversion_effect", "rpb_effect"),
        rows,
    )


def _with_decomposition(f: Finding, ev: Evidence) -> Finding:
    if f.code in ("gmv_below_normal", "day_below_target", "traffic_source_low"):
        return dataclasses.replace(f, evidence=(*f.evidence, ev))
    return f
