"""Products: the best sellers of a period, the products that moved most against the period before, and the latest
bad reviews (rating ≤ 2) — titles and review text exactly as imported, rendered as text."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import FastAPI

from shopops.metrics.compiler import MetricQuery
from shopops.metrics.drilldown import product_titles
from shopops.web.db import Reader
from shopops.web.scope import StoreRef
from shopops.web.views.overview import num
from shopops.web.views.period import register_period_view
from shopops.web.views.traffic import period

METRICS = ("product_gmv", "units", "product_visitors")
TOP = 10
REVIEWS = 20


def _bad_reviews(tables, bind):
    t = tables("reviews")
    t = t.filter(
        (t.store_id == bind("store", "string"))
        & (t.rating <= 2)
        & (t.review_time.date() <= bind("end", "date"))
        & (t.review_time.date() >= bind("start", "date"))
    )
    return (
        t.select("review_id", "sku", "rating", "title", "text", "review_time")
        .order_by([t.review_time.desc(), t.review_id])
        .limit(REVIEWS)
    )


def products(r: Reader, store: StoreRef, start: dt.date | None, end: dt.date | None) -> dict[str, Any]:
    start, end = period(r, store, start, end)
    head = {"store": store.to_dict(), "start": start, "end": end}
    if end is None or start is None:
        return head | {"empty": True, "top": [], "movers": [], "bad_reviews": []}
    sid = store.store_id
    days = (end - start).days + 1
    prev_end = start - dt.timedelta(days=1)
    prev_start = prev_end - dt.timedelta(days=days - 1)
    now: dict[str, dict] = {
        str(x["sku"]): x for x in r.engine.run(MetricQuery(METRICS, ("sku",), start, end, sid)).records()
    }
    before: dict[str, dict] = {
        str(x["sku"]): x for x in r.engine.run(MetricQuery(METRICS, ("sku",), prev_start, prev_end, sid)).records()
    }
    rows: list[dict[str, Any]] = []
    for sku in set(now) | set(before):
        gmv = num(now.get(sku, {}).get("product_gmv")) or 0.0
        base = num(before.get(sku, {}).get("product_gmv")) or 0.0
        rows.append(
            {
                "sku": sku,
                "gmv": gmv,
                "units": now.get(sku, {}).get("units"),
                "visitors": now.get(sku, {}).get("product_visitors"),
                "previous_gmv": base,
                "delta": round(gmv - base, 2),
                "change": round(gmv / base - 1, 6) if base else None,
            }
        )
    top = sorted((x for x in rows if x["sku"] in now), key=lambda x: (-x["gmv"], x["sku"]))[:TOP]
    movers = sorted(rows, key=lambda x: (-abs(x["delta"]), x["sku"]))[:TOP]
    titles = product_titles(r.engine, sid, sorted({x["sku"] for x in top + movers}))
    for x in rows:
        x["title"] = titles.get(x["sku"])
    reviews = r.engine.fetch("web bad reviews", _bad_reviews, {"store": sid, "start": start, "end": end})
    review_titles = product_titles(r.engine, sid, sorted({x["sku"] for x in reviews if x["sku"]}))
    return head | {
        "empty": False,
        "previous": {"start": prev_start, "end": prev_end},
        "top": top,
        "movers": movers,
        "bad_reviews": [{**x, "product_title": review_titles.get(x["sku"])} for x in reviews],
    }


def register(app: FastAPI) -> None:
    register_period_view(
        app, "products", "Products: top sellers, movers against the previous period, latest bad reviews", products
    )
