"""Targets in the warehouse: set one (as a canonical:targets import, so the ledger records it), read one back, and
gather what pacing learns from (GMV history, campaigns). Also which store a command means."""

from __future__ import annotations

import csv
import datetime as dt
import logging
import tempfile
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from shopops.metrics.compiler import MetricQuery
from shopops.metrics.engine import Engine
from shopops.metrics.errors import BadAmount, NoStores, StoreRequired, UnknownStore
from shopops.metrics.pacing import Campaign, MonthPlan, learn_plan, month_days, parse_month

log = logging.getLogger(__name__)

HISTORY_DAYS = 400  # enough to have seen last year's events


def _stores(tables, bind):
    return tables("traffic_daily").select("store_id").union(tables("stores").select("store_id")).distinct()


def resolve_store(engine: Engine, store_id: str | None) -> str:
    stores = sorted(r["store_id"] for r in engine.fetch("stores", _stores, {}) if r["store_id"] is not None)
    if store_id is not None:
        if stores and store_id not in stores:
            raise UnknownStore(store=store_id, valid=", ".join(stores))
        return store_id
    if not stores:
        raise NoStores()
    if len(stores) > 1:
        raise StoreRequired(valid=", ".join(stores))
    return stores[0]


def parse_amount(text: str | float | Decimal) -> Decimal:
    try:
        value = Decimal(str(text).replace(",", "").strip())
    except InvalidOperation:
        raise BadAmount(value=str(text)) from None
    if not value.is_finite() or value < 0 or value >= Decimal("1e15"):  # beyond 1e15 cents lose their precision
        raise BadAmount(value=str(text))
    return value.quantize(Decimal("0.01"))


def set_target(ws: Any, *, month: str, gmv: str | float | Decimal, store_id: str) -> Decimal:
    """Write one month's target through the importer: merged on (store, month), recorded in the ledger."""
    from shopops.warehouse import import_file

    parse_month(month)
    amount = parse_amount(gmv)
    with tempfile.TemporaryDirectory(dir=ws.tmp_dir) as tmp:
        path = Path(tmp) / f"target-{store_id}-{month}.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([("store_id", "month", "gmv_target"), (store_id, month, str(amount))])
        import_file(ws, path, format_name="canonical:targets", store_id=store_id)
    log.info("target %s %s = %s", store_id, month, amount)
    return amount


def _target(tables, bind):
    t = tables("targets")
    return t.filter((t.store_id == bind("store", "string")) & (t.month == bind("month", "string"))).select("gmv_target")


def read_target(engine: Engine, store_id: str, month: str) -> Decimal | None:
    rows = engine.fetch("target", _target, {"store": store_id, "month": month})
    return Decimal(rows[0]["gmv_target"]) if rows and rows[0]["gmv_target"] is not None else None


def _campaigns(tables, bind):
    t = tables("campaigns")
    t = t.filter((t.store_id == bind("store", "string")) & t.start_date.notnull())
    return t.select("name", "platform_event", "start_date", "end_date")


def read_campaigns(engine: Engine, store_id: str) -> tuple[Campaign, ...]:
    rows = engine.fetch("campaigns", _campaigns, {"store": store_id})
    found = [
        Campaign(r["platform_event"] or r["name"], r["start_date"], r["end_date"] or r["start_date"]) for r in rows
    ]
    return tuple(sorted(found, key=lambda c: (c.start, c.name)))


def gmv_history(engine: Engine, store_id: str, start: dt.date, end: dt.date) -> dict[dt.date, Decimal | None]:
    frame = engine.run(MetricQuery(("gmv",), ("date",), start, end, store_id))
    return {r["date"]: r["gmv"] for r in frame.records()}


def month_plan(engine: Engine, store_id: str, month: str) -> MonthPlan | None:
    target = read_target(engine, store_id, month)
    if target is None:
        return None
    first = month_days(month)[0]
    history = gmv_history(engine, store_id, first - dt.timedelta(days=HISTORY_DAYS), first - dt.timedelta(days=1))
    return learn_plan(store_id, month, target, history, read_campaigns(engine, store_id))
