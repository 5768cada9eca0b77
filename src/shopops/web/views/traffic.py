"""Traffic: where visitors came from over a period, how each source converted, and the page-health verdicts
(bounce rate, visit depth) against the store's thresholds."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import FastAPI

from shopops.metrics.compiler import MetricQuery
from shopops.web.db import Reader
from shopops.web.scope import StoreRef
from shopops.web.storeconf import health, thresholds
from shopops.web.views.overview import data_span, num
from shopops.web.views.period import register_period_view

SOURCE_METRICS = (
    "visitors",
    "gmv",
    "buyers",
    "conversion_rate",
    "revenue_per_buyer",
    "bounce_rate",
    "pages_per_visitor",
    "paid_traffic_cost",
)
DAY_METRICS = ("visitors", "bounce_rate", "pages_per_visitor", "conversion_rate")
DEFAULT_DAYS = 14
MAX_DAYS = 400


def period(
    r: Reader, store: StoreRef, start: dt.date | None, end: dt.date | None
) -> tuple[dt.date | None, dt.date | None]:
    """The asked period, defaulting to the last ``DEFAULT_DAYS`` days with data (at most ``MAX_DAYS``)."""
    _, last = data_span(r, store)
    end = end or last
    if end is None:
        return None, None
    start = start or end - dt.timedelta(days=DEFAULT_DAYS - 1)
    start, end = min(start, end), max(start, end)  # the days between two dates, whichever came first
    if (end - start).days >= MAX_DAYS:  # at most MAX_DAYS, ending on end: the payload says which
        start = end - dt.timedelta(days=MAX_DAYS - 1)
    return start, end


def traffic(r: Reader, store: StoreRef, start: dt.date | None, end: dt.date | None) -> dict[str, Any]:
    start, end = period(r, store, start, end)
    levels = thresholds(r.con, store)
    head = {"store": store.to_dict(), "start": start, "end": end, "thresholds": levels}
    if end is None:
        return head | {"empty": True, "sources": [], "store_health": None, "trend": None}
    sid = store.store_id
    by_source = r.engine.run(MetricQuery(SOURCE_METRICS, ("source",), start, end, sid)).records()
    whole = r.engine.run(MetricQuery(SOURCE_METRICS, (), start, end, sid)).one()
    daily = r.engine.run(MetricQuery(DAY_METRICS, ("date",), start, end, sid)).records()
    per_day_source = r.engine.run(MetricQuery(("visitors",), ("date", "source"), start, end, sid)).records()
    total = num(whole["visitors"]) or 0.0
    sources = []
    for row in sorted(by_source, key=lambda x: -(num(x["visitors"]) or 0.0)):
        sources.append(
            {
                "source": row["source"],
                **{m: row[m] for m in SOURCE_METRICS},
                "share": round((num(row["visitors"]) or 0.0) / total, 6) if total else None,
                "bounce_health": health("bounce_rate", num(row["bounce_rate"]), levels["bounce_rate"]),
                "depth_health": health("pages_per_visitor", num(row["pages_per_visitor"]), levels["pages_per_visitor"]),
            }
        )
    dates = [row["date"] for row in daily]
    names = [s["source"] for s in sources]
    grid = {(x["date"], x["source"]): x["visitors"] for x in per_day_source}
    return head | {
        "empty": False,
        "store_health": {
            **{m: whole[m] for m in SOURCE_METRICS},
            "bounce_health": health("bounce_rate", num(whole["bounce_rate"]), levels["bounce_rate"]),
            "depth_health": health("pages_per_visitor", num(whole["pages_per_visitor"]), levels["pages_per_visitor"]),
        },
        "sources": sources,
        "trend": {
            "dates": dates,
            "visitors": [{"source": s, "data": [grid.get((d, s)) for d in dates]} for s in names],
            **{m: [row[m] for row in daily] for m in ("bounce_rate", "pages_per_visitor", "conversion_rate")},
        },
    }


def register(app: FastAPI) -> None:
    register_period_view(app, "traffic", "Traffic: sources, daily trend, bounce-rate and visit-depth health", traffic)
