"""The fact views metrics are measured on: one canonical table each, with a ``date`` column and boolean flags.

A fact names the dimensions it can be grouped by and the flag columns its measures filter on, so measures stay
declarative (``sum visitors where is_paid``) and every engine sees the same portable Ibis expression.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

# Traffic sources that are paid for, as the platforms name them (zh and en). A source also counts as paid on a day
# it reports ad cost, so a shop's own naming ("直通车-关键词") still lands on the paid side.
PAID_SOURCES: tuple[str, ...] = (
    "直通车",
    "万相台",
    "引力魔方",
    "钻展",
    "淘宝客",
    "京东快车",
    "京东直投",
    "京准通",
    "多多搜索",
    "多多场景",
    "付费推广",
    "paid search",
    "paid social",
    "display",
    "affiliate",
    "sponsored products",
    "sponsored brands",
    "sponsored display",
    "cpc",
    "ads",
)


@dataclass(frozen=True)
class Fact:
    name: str
    table: str
    dims: tuple[str, ...]  # besides store_id, which every fact has
    prepare: Callable[[ir.Table], ir.Table]  # adds ``date``, the dims and the flag columns
    entity: str | None = None  # the column distinct counts count (one per fact, see compiler)
    semi_additive: bool = False  # a snapshot: across dates take the last one, never the sum


def _traffic(t: ir.Table) -> ir.Table:
    src = t.source.lower()
    return t.mutate(
        is_paid=src.isin([s.lower() for s in PAID_SOURCES]) | (t.cost.fill_null(0) > 0),
        has_bounce=t.bounce_rate.notnull() & t.visitors.notnull(),
        has_pv=t.page_views.notnull() & t.visitors.notnull(),
        has_buyers=t.paid_buyers.notnull() & t.visitors.notnull(),
        has_fav=t.favourites.notnull() & t.visitors.notnull(),
        has_cart=t.add_to_cart.notnull() & t.visitors.notnull(),
    )


def _orders(t: ir.Table) -> ir.Table:
    paid = t.filter(t.paid_time.notnull())
    # A buyer's first paid order ever (before any date filter): ties broken by order id so it is deterministic.
    first = ibis.row_number().over(
        ibis.window(group_by=[paid.store_id, paid.buyer_id], order_by=[paid.paid_time, paid.order_id])
    )
    ranked = paid.mutate(date=paid.paid_time.date(), _rank=first)
    return ranked.mutate(
        is_first=ranked.buyer_id.notnull() & (ranked._rank == 0),
        is_repeat=ranked.buyer_id.notnull() & (ranked._rank > 0),
    ).drop("_rank")


def _products(t: ir.Table) -> ir.Table:
    return t


def _product_dates(t: ir.Table) -> ir.Table:
    return t.mutate(has_units=t.units.notnull())


def _ads(t: ir.Table) -> ir.Table:
    return t


def _reviews(t: ir.Table) -> ir.Table:
    return t.mutate(
        date=t.review_time.date(),
        has_rating=t.rating.notnull(),
        is_negative=t.rating <= 2,
    )


def _inventory(t: ir.Table) -> ir.Table:
    return t


def _service(t: ir.Table) -> ir.Table:
    return t


FACTS: dict[str, Fact] = {
    f.name: f
    for f in (
        Fact("traffic", "traffic_daily", ("date", "source"), _traffic),
        Fact("orders", "orders", ("date",), _orders, entity="buyer_id"),
        Fact("products", "product_daily", ("date", "sku"), _products),
        # product_daily again, counting the days a SKU has data (for days of cover) — its own fact because a
        # fact counts one distinct column.
        Fact("product_dates", "product_daily", ("date", "sku"), _product_dates, entity="date"),
        Fact("ads", "ad_keywords", ("date", "sku", "campaign", "keyword"), _ads),
        Fact("reviews", "reviews", ("date", "sku"), _reviews),
        Fact("inventory", "inventory", ("date", "sku"), _inventory, semi_additive=True),
        Fact("service", "service_daily", ("date",), _service),  # 客服: per agent, summed over agents
    )
}
