"""Overview: target pacing, the KPIs with day-over-day and week-over-week, and the GMV decomposition waterfall.

The morning report's numbers from the same public pieces of the metric layer (``learn_plan`` / ``pace``,
``decompose``, ``top_products``), serialised by the report's own ``to_json`` — so the page, its JSON twin and
``shopops report daily`` never disagree (a test holds them equal). What it leaves out is the report's every-metric
KPI table, whose first-order-ever metrics rank all of a store's orders: the page shows its twelve KPIs with one
eight-day query instead, which keeps an uncached Overview fast on millions of orders.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Query
from fastapi.responses import Response

from shopops.metrics.catalog import CATALOG
from shopops.metrics.compiler import MetricQuery
from shopops.metrics.decompose import Decomposition, Funnel, decompose
from shopops.metrics.drilldown import cents, per_key, top_products
from shopops.metrics.errors import NoTrafficData
from shopops.metrics.pacing import MonthPlan, learn_plan, pace
from shopops.metrics.targets import HISTORY_DAYS, read_campaigns, read_target
from shopops.report.daily import DailyReport, base_dates
from shopops.report.i18n import metric_label
from shopops.report.render import to_json
from shopops.web.db import Reader, WebDB
from shopops.web.roles import Permission
from shopops.web.schemas import Envelope, documented
from shopops.web.scope import StoreRef
from shopops.web.views.base import CtxDep, ok, page

KPIS = (
    "gmv",
    "visitors",
    "buyers",
    "conversion_rate",
    "revenue_per_buyer",
    "uv_value",
    "pages_per_visitor",
    "bounce_rate",
    "paid_traffic_cost",
    "orders",
    "aov",
    "refunds",
)
Compare = Literal["prev_day", "same_weekday", "mean_7d"]


def _span(tables, bind):
    t = tables("traffic_daily")
    t = t.filter(t.store_id == bind("store", "string"))
    return t.aggregate(first=t.date.min(), last=t.date.max())


def data_span(r: Reader, store: StoreRef) -> tuple[dt.date | None, dt.date | None]:
    """First and last day with traffic data (kept until the next write)."""

    def build() -> tuple[dt.date | None, dt.date | None]:
        row = r.engine.fetch("web traffic span", _span, {"store": store.store_id})[0]
        return row["first"], row["last"]

    return r.db.cached(("span", store.store_id), build)


def num(value: object) -> float | None:
    """A metric cell as a float; None stays None (a column the store's exports lack)."""
    return None if value is None else float(value)  # type: ignore[arg-type]


def _change(value: Any, base: Any, unit: str) -> float | None:
    """Rates change in points (absolute); everything else relative to the base."""
    if value is None or base is None:
        return None
    a, b = float(value), float(base)
    if unit == "rate":
        return round(a - b, 6)
    return None if b == 0 else round(a / b - 1, 6)


def kpi_rows(r: Reader, store: StoreRef, day: dt.date, lang: str) -> list[dict[str, Any]]:
    frame = r.engine.run(MetricQuery(KPIS, ("date",), day - dt.timedelta(days=7), day, store.store_id))
    by_date = frame.by_key("date")
    today, before, week = (by_date.get(d, {}) for d in (day, day - dt.timedelta(days=1), day - dt.timedelta(days=7)))
    rows = []
    for name in KPIS:
        unit = CATALOG[name].unit
        value = today.get(name)
        rows.append(
            {
                "name": name,
                "label": metric_label(name, lang),  # type: ignore[arg-type]
                "unit": unit,
                "direction": CATALOG[name].direction,
                "value": value,
                "prev_day": before.get(name),
                "dod": _change(value, before.get(name), unit),
                "prev_week": week.get(name),
                "wow": _change(value, week.get(name), unit),
            }
        )
    return rows


def _decomposition(r: Reader, store: str, day: dt.date, bases: tuple[dt.date, ...]) -> Decomposition:
    frame = r.engine.run(
        MetricQuery(("visitors", "buyers", "gmv", "paid_traffic_cost"), ("date", "source"), min(bases), day, store)
    )
    rows = per_key(frame, "source", day, bases)
    now = {s: Funnel(v["visitors"][0], v["buyers"][0], v["gmv"][0]) for s, v in rows.items()}
    base = {s: Funnel(v["visitors"][1], v["buyers"][1], v["gmv"][1]) for s, v in rows.items()}
    has_cost = {x["source"] for x in frame.records() if x["paid_traffic_cost"] is not None}
    cost = {
        s: (cents(v["paid_traffic_cost"][0]), cents(v["paid_traffic_cost"][1]))
        for s, v in rows.items()
        if s in has_cost
    }
    return decompose(now, base, cost)


def _mtd(plan: MonthPlan, day: dt.date, gmv: dict) -> tuple[tuple[dt.date, Decimal | None, Decimal], ...]:
    """Cumulative actual (to the day) and plan, for the pacing chart."""
    out, actual, planned = [], Decimal("0.00"), Decimal("0.00")
    for d in plan.days:
        planned += d.target
        if d.date <= day:
            actual += cents(gmv.get(d.date))
        out.append((d.date, actual if d.date <= day else None, planned))
    return tuple(out)


def morning(r: Reader, store: StoreRef, day: dt.date, compare: str) -> DailyReport:
    """The morning report of the day without its KPI table: pacing, decomposition, top products."""
    sid = store.store_id
    bases = base_dates(day, compare)
    first = day.replace(day=1)
    history = r.engine.run(
        MetricQuery(("gmv", "visitors", "buyers"), ("date",), first - dt.timedelta(days=HISTORY_DAYS), day, sid)
    ).by_key("date")
    today = history.get(day, {})
    if today.get("visitors") is None:
        span_first, span_last = data_span(r, store)
        raise NoTrafficData(store=sid, date=day.isoformat(), first=span_first, last=span_last)
    gmv: dict[dt.date, Any] = {d: x["gmv"] for d, x in history.items()}  # type: ignore[misc]
    month = day.strftime("%Y-%m")
    target = r.db.cached(("target", sid, month), lambda: read_target(r.engine, sid, month))
    plan = pacing = None
    series: tuple = ()
    if target is not None:
        campaigns = r.db.cached(("campaigns", sid), lambda: read_campaigns(r.engine, sid))
        plan = learn_plan(sid, month, target, gmv, campaigns)
        pacing = pace(plan, day, gmv, visitors=num(today.get("visitors")), buyers=num(today.get("buyers")))
        series = _mtd(plan, day, gmv)
    return DailyReport(
        date=day,
        store_id=sid,
        compare=compare,  # type: ignore[arg-type]
        base_dates=bases,
        kpis=(),
        pacing=pacing,
        plan=plan,
        mtd_series=series,
        decomposition=_decomposition(r, sid, day, bases),
        products=top_products(r.engine, sid, day, bases),
        keywords=(),
    )


def overview(r: Reader, store: StoreRef, day: dt.date | None, compare: str, lang: str) -> dict[str, Any]:
    first, last = data_span(r, store)
    head: dict[str, Any] = {"store": store.to_dict(), "compare": compare, "span": {"first": first, "last": last}}
    if last is None:
        return head | {"date": None, "empty": True, "kpis": [], "target": None, "waterfall": None, "sources": []}
    day = day or last
    report = morning(r, store, day, compare)
    rj = to_json(report, lang)  # type: ignore[arg-type]
    total = rj["decomposition_total"]
    waterfall = {
        "base": total["base_gmv"],
        "steps": [{"name": k, "value": total[k]} for k in ("traffic_effect", "conversion_effect", "aov_effect")],
        "total": total["gmv"],
        "delta": total["delta_gmv"],
    }
    target = rj["target"]
    if target is not None:
        target = {k: v for k, v in target.items() if k != "plan"}
        target["series"] = [{"date": d, "actual": a, "plan": p} for d, a, p in report.mtd_series]
    return head | {
        "date": day,
        "empty": False,
        "base_dates": rj["base_dates"],
        "kpis": kpi_rows(r, store, day, lang),
        "target": target,
        "waterfall": waterfall,
        "sources": rj["decomposition"],
        "products": rj["top_movers"]["products"],
    }


def cached_overview(db: WebDB, store: StoreRef, day: dt.date | None, compare: str, lang: str) -> dict[str, Any]:
    def build() -> dict[str, Any]:
        with db.reader() as r:
            return overview(r, store, day, compare, lang)

    return db.cached(("overview", store.store_id, day, compare, lang), build)


def register(app: FastAPI) -> None:
    router = app.router  # routes straight on the app: app.routes lists every one (the authorisation test reads it)

    @router.get(
        "/api/stores/{store_id}/overview",
        summary="Overview: target pacing, KPIs (day over day, week over week), decomposition waterfall",
        responses=documented(Envelope),
    )
    def overview_json(
        store_id: str,
        c: CtxDep,
        date: Annotated[dt.date | None, Query(description="The day (default: the last day with data)")] = None,
        compare: Annotated[Compare, Query(description="Base of the decomposition")] = "prev_day",
    ) -> Response:
        store = c.scope.store(store_id, Permission.READ_DASHBOARD)
        return ok(cached_overview(c.db, store, date, compare, c.lang))

    @router.get("/stores/{store_id}/overview", include_in_schema=False)
    def overview_page(store_id: str, c: CtxDep, date: dt.date | None = None, compare: Compare = "prev_day") -> Response:
        store = c.scope.store(store_id, Permission.READ_DASHBOARD)
        return page(
            c, "overview.html", active="overview", store=store, data=cached_overview(c.db, store, date, compare, c.lang)
        )
