"""Drill-down: the products and keywords that carry a day's change against its comparison base."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import ibis

from shopops.metrics.compiler import MetricQuery
from shopops.metrics.engine import Engine
from shopops.metrics.frame import MetricFrame

TOP = 5


@dataclass(frozen=True)
class Mover:
    kind: str  # "product" | "keyword"
    key: str
    title: str | None
    value: Decimal  # GMV (product) or ad GMV (keyword), the day
    base: Decimal  # the same on the comparison base (a mean for the 7-day mean)
    delta: Decimal
    visitors: float | None = None  # product visitors / ad clicks
    base_visitors: float | None = None
    cost: Decimal | None = None  # keyword ad cost, the day and base
    base_cost: Decimal | None = None

    @property
    def roas(self) -> float | None:
        return float(self.value / self.cost) if self.cost else None


def cents(x: Fraction | Decimal | float | None) -> Decimal:
    if x is None:
        return Decimal("0.00")
    return (Decimal(x.numerator) / Decimal(x.denominator) if isinstance(x, Fraction) else Decimal(str(x))).quantize(
        Decimal("0.01")
    )


def per_key(frame: MetricFrame, key: str, day: dt.date, base_dates: tuple[dt.date, ...]) -> dict[str, dict]:
    """{key: {metric: (day value, base value)}}, the base a mean over ``base_dates`` (missing days count as 0)."""
    out: dict[str, dict[str, list[Fraction]]] = {}
    for r in frame.records():
        slot = 0 if r["date"] == day else 1 if r["date"] in base_dates else None
        if slot is None:
            continue
        row = out.setdefault(r[key], {m: [Fraction(0), Fraction(0)] for m in frame.metrics})
        for m in frame.metrics:
            if r[m] is not None:
                row[m][slot] += Fraction(Decimal(str(r[m])))
    n = len(base_dates)
    return {k: {m: (v[0], v[1] / n) for m, v in row.items()} for k, row in out.items()}


def product_movers(
    frame: MetricFrame, day: dt.date, base_dates: tuple[dt.date, ...], top: int = TOP
) -> tuple[Mover, ...]:
    """The SKUs whose GMV moved most (no titles yet): ``frame`` holds product_gmv, product_visitors by date, sku."""
    rows = per_key(frame, "sku", day, base_dates)
    movers = [
        Mover(
            "product",
            sku,
            None,
            cents(v["product_gmv"][0]),
            cents(v["product_gmv"][1]),
            cents(v["product_gmv"][0]) - cents(v["product_gmv"][1]),
            float(v["product_visitors"][0]),
            float(v["product_visitors"][1]),
        )
        for sku, v in rows.items()
    ]
    return tuple(sorted(movers, key=lambda m: (-abs(m.delta), m.key))[:top])


def titled(movers: tuple[Mover, ...], titles: Mapping[str, str]) -> tuple[Mover, ...]:
    return tuple(
        Mover(m.kind, m.key, titles.get(m.key), m.value, m.base, m.delta, m.visitors, m.base_visitors) for m in movers
    )


def keyword_movers(
    frame: MetricFrame, day: dt.date, base_dates: tuple[dt.date, ...], top: int = TOP
) -> tuple[Mover, ...]:
    """The keywords that moved most: ``frame`` holds ad_gmv, ad_cost, ad_clicks by date, keyword."""
    rows = per_key(frame, "keyword", day, base_dates)
    movers = [
        Mover(
            "keyword",
            kw,
            None,
            cents(v["ad_gmv"][0]),
            cents(v["ad_gmv"][1]),
            cents(v["ad_gmv"][0]) - cents(v["ad_gmv"][1]),
            float(v["ad_clicks"][0]),
            float(v["ad_clicks"][1]),
            cents(v["ad_cost"][0]),
            cents(v["ad_cost"][1]),
        )
        for kw, v in rows.items()
    ]
    # what moved most in sales or in spend: paid traffic that got dearer shows even when sales held
    return tuple(
        sorted(movers, key=lambda m: (-max(abs(m.delta), abs((m.cost or 0) - (m.base_cost or 0))), m.key))[:top]
    )


PRODUCT_METRICS = ("product_gmv", "product_visitors")
KEYWORD_METRICS = ("ad_gmv", "ad_cost", "ad_clicks")


def top_products(
    engine: Engine, store_id: str, day: dt.date, base_dates: tuple[dt.date, ...], top: int = TOP
) -> tuple[Mover, ...]:
    lo = min((day, *base_dates))
    frame = engine.run(MetricQuery(PRODUCT_METRICS, ("date", "sku"), lo, day, store_id))
    chosen = product_movers(frame, day, base_dates, top)
    return titled(chosen, product_titles(engine, store_id, [m.key for m in chosen]))


def top_keywords(
    engine: Engine, store_id: str, day: dt.date, base_dates: tuple[dt.date, ...], top: int = TOP
) -> tuple[Mover, ...]:
    lo = min((day, *base_dates))
    frame = engine.run(MetricQuery(KEYWORD_METRICS, ("date", "keyword"), lo, day, store_id))
    return keyword_movers(frame, day, base_dates, top)


def _titles(n: int):
    """Titles from the product report, then the product list's (which win): one query, ranked by source."""

    def build(tables, bind):
        skus = [bind(f"sku{i}", "string") for i in range(n)]
        ranked = []
        for rank, table in enumerate(("product_daily", "products")):
            t = tables(table)
            t = t.filter((t.store_id == bind("store", "string")) & t.sku.isin(skus) & t.title.notnull())
            ranked.append(t.group_by("sku").aggregate(title=t.title.max()).mutate(rank=ibis.literal(rank, "int8")))
        both = ibis.union(*ranked, distinct=False)
        return both.order_by("rank", "sku")

    return build


def product_titles(engine: Engine, store_id: str, skus: list[str]) -> Mapping[str, str]:
    if not skus:
        return {}
    params: dict[str, object] = {"store": store_id, **{f"sku{i}": s for i, s in enumerate(skus)}}
    return {r["sku"]: r["title"] for r in engine.fetch(("titles", len(skus)), _titles(len(skus)), params)}
