"""The fact views metrics are measured on: canonical rows with a ``date`` column and boolean flags.

A fact names the dimensions it can be grouped by and the flag columns its measures filter on, so measures stay
declarative (``sum visitors where is_paid``) and every engine sees the same portable Ibis expression.

Most facts are one canonical table. Two fill the days a platform export does not cover from finer data, so a
shop with visitor-level sessions or order lines but no 生意参谋-style daily export still has its numbers:

* ``traffic`` — traffic_daily, plus, for each store-day with sessions but no traffic_daily row, one row per
  source summed from the sessions (visitors, page views, bounces, purchases) with GMV from that day's paid orders
  by channel;
* ``products`` — product_daily, plus, for store-days with paid order lines but no product_daily row, units and
  line amounts by SKU.

On a DuckDB workspace whose rollups are current (``warehouse/rollups.py``), ``rolled`` views read the rollups the
import keeps instead — the two filled facts whole, each buyer's first order — and ``SUMMARIES`` answer additive
measures from daily rollups when a query keeps no finer dimension. The numbers are the same either way
(tests/warehouse/test_rollups.py compares every metric); engines without rollups compute them from these views.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.operations as ops
import ibis.expr.types as ir
from ibis.common.exceptions import TableNotFound

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


TableSource = Callable[[str], ir.Table]
UNATTRIBUTED = "unattributed"  # the source of sessions and orders that name none


@dataclass(frozen=True)
class Fact:
    name: str
    table: str  # the table it reads (others it fills days from are facts of their own, see ``view``)
    dims: tuple[str, ...]  # besides store_id, which every fact has
    prepare: Callable[[ir.Table], ir.Table]  # adds ``date``, the dims and the flag columns
    entity: str | None = None  # the column distinct counts count (one per fact, see compiler)
    semi_additive: bool = False  # a snapshot: across dates take the last one, never the sum
    # The fact's rows from the tables (and, with ``rolled``, the rollups); None: ``prepare(table)``.
    rows: Callable[[TableSource, bool], ir.Table] | None = field(default=None, compare=False)

    def view(self, tables: TableSource, rolled: bool = False) -> ir.Table:
        base = self.rows(tables, rolled) if self.rows else tables(self.table)
        return self.prepare(base)


@dataclass(frozen=True)
class Summary:
    """A rollup that answers some of a fact's measures when a query keeps no dimension beyond ``dims``.

    ``sums``: measure → (column holding the sum, column counting the values summed — NULL sums stay NULL);
    ``counts``: measure → column holding the row count.
    """

    fact: str
    table: str
    dims: tuple[str, ...]
    sums: Mapping[str, tuple[str, str]]
    counts: Mapping[str, str]
    per_day: bool = False  # exact for one day only (distinct counts): the query's grain must keep ``date``

    @property
    def measures(self) -> frozenset[str]:
        return frozenset(self.sums) | frozenset(self.counts)


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


def _order_rows(tables: TableSource, rolled: bool) -> ir.Table:
    """With rollups, each buyer's first order comes from ``rollup_buyer_firsts``: no window over all history."""
    t = tables("orders")
    if not rolled:
        return _orders(t)
    # `date` before the join, so a date filter reaches the orders scan (after it, DuckDB scanned every order).
    paid = t.filter(t.paid_time.notnull()).mutate(date=t.paid_time.date())
    firsts = tables("rollup_buyer_firsts")
    joined = paid.left_join(firsts, [paid.store_id == firsts.store_id, paid.buyer_id == firsts.buyer_id])
    first = (joined.first_order_id == joined.order_id).fill_null(False)
    return joined.select(
        *[joined[c] for c in paid.columns],
        is_first=joined.buyer_id.notnull() & first,
        is_repeat=joined.buyer_id.notnull() & ~first,
    )


def _optional(tables: TableSource, name: str) -> ir.Table | None:
    """A table the backend may not have (a ClickHouse or Spark warehouse loaded with the daily exports only)."""
    try:
        return tables(name)
    except TableNotFound:
        return None


def _day_flag(t: ir.Table, condition: ir.BooleanValue) -> ir.BooleanValue:
    """Whether any row of the row's store-day meets ``condition``.

    A window rather than a join to a list of days: each table is read once, so the SQL needs no CTE and engines
    push the date filter through it.
    """
    return _cast(condition, "int8").max().over(ibis.window(group_by=[t.store_id, t.date])) == 1


def _cast(x: ir.Value, to: str | dt.DataType) -> ir.Value:
    """A cast Ibis keeps even where it thinks the type matches (ClickHouse's count() is UInt64, not Int64)."""
    return ops.Cast(x, to=dt.dtype(to)).to_expr()


def _whole(total: ir.Value, present: ir.Value, rows: ir.Value) -> ir.Value:
    """A day's total only when every row had the value (a partial sum would pass for the whole)."""
    return ibis.cases((present == rows, total), else_=ibis.null(total.type()))


def _guarded(total: ir.Value, present: ir.Value) -> ir.Value:
    """A sum, NULL where no row had a value (as the compiler's measures sum)."""
    return ibis.cases((present > 0, total), else_=ibis.null(total.type()))


def _shaped(t: ir.Table, columns: Mapping[str, str | dt.DataType], keys: tuple[str, ...], kind: int) -> ir.Table:
    """``t`` with exactly ``keys`` + ``columns`` (missing ones NULL) and its ``_kind``: one schema to stack."""
    values = {c: _cast(t[c] if c in t.columns else ibis.null(), ty) for c, ty in columns.items()}
    return t.select(*keys, **values, _kind=ibis.literal(kind, "int8"))


_TRAFFIC_COLUMNS = {
    "visitors": "int64",
    "page_views": "int64",
    "bounce_rate": "float64",
    "paid_buyers": "int64",
    "paid_amount": "decimal(18, 2)",
    "favourites": "int64",
    "add_to_cart": "int64",
    "new_visitors": "int64",
    "returning_visitors": "int64",
    "cost": "decimal(18, 2)",
}
_SESSION_SUMS = (
    "sessions",
    "page_views",
    "page_views_n",
    "bounces",
    "bounces_n",
    "purchases",
    "purchases_n",
    "new_visitors",
    "returning_visitors",
    "visitor_types_n",
)
EXPORT, SESSIONS, ORDERS = 0, 1, 2  # what a stacked row came from


def _session_sums(tables: TableSource) -> ir.Table | None:
    """Per store, day and source: what the sessions add up to."""
    s = _optional(tables, "sessions")
    if s is None:
        return None
    s = s.filter(s.date.notnull())
    s = s.mutate(source=s.source.fill_null(UNATTRIBUTED), _type=s.visitor_type.lower())
    return s.group_by("store_id", "date", "source").aggregate(
        sessions=s.count(),
        page_views=s.page_views.sum(),
        page_views_n=s.page_views.count(),
        bounces=s.bounce_rate.sum(),
        bounces_n=s.bounce_rate.count(),
        purchases=s.count(where=s.purchased),
        purchases_n=s.purchased.count(),
        new_visitors=s.count(where=s._type.startswith("new")),
        returning_visitors=s.count(where=s._type.startswith("return")),
        visitor_types_n=s.visitor_type.count(),
    )


def _order_sums(tables: TableSource) -> ir.Table | None:
    """Per store, day and channel: paid orders' amount and how many amounts there were."""
    o = _optional(tables, "orders")
    if o is None:
        return None
    o = o.filter(o.paid_time.notnull())
    o = o.mutate(date=o.paid_time.date(), source=o.channel.fill_null(UNATTRIBUTED))
    return o.group_by("store_id", "date", "source").aggregate(
        paid_amount=o.paid_amount.sum(), paid_amount_n=o.paid_amount.count()
    )


def _traffic_rows(tables: TableSource, rolled: bool) -> ir.Table:
    keys = ("store_id", "date", "source")
    if rolled:  # the same rows, kept by the import (warehouse/rollups.py)
        return tables("rollup_traffic_daily").select(*keys, *_TRAFFIC_COLUMNS)
    export = _shaped(tables("traffic_daily"), _TRAFFIC_COLUMNS, keys, EXPORT)
    s = _session_sums(tables)
    if s is None:
        return export.drop("_kind")
    n = s.sessions
    from_sessions = s.mutate(
        visitors=n,
        page_views=_whole(s.page_views, s.page_views_n, n),
        bounce_rate=_whole(s.bounces, s.bounces_n, n) / _cast(n, "float64"),
        paid_buyers=_whole(s.purchases, s.purchases_n, n),
        new_visitors=_whole(s.new_visitors, s.visitor_types_n, n),
        returning_visitors=_whole(s.returning_visitors, s.visitor_types_n, n),
    )
    parts = [export, _shaped(from_sessions, _TRAFFIC_COLUMNS, keys, SESSIONS)]
    o = _order_sums(tables)
    if o is not None:
        from_orders = o.mutate(paid_amount=_guarded(o.paid_amount, o.paid_amount_n))
        parts.append(_shaped(from_orders, _TRAFFIC_COLUMNS, keys, ORDERS))
    stacked = ibis.union(*parts, distinct=False)
    # The export's days stay as exported; a day without it takes its sessions, with GMV from that day's orders
    # (orders alone say nothing about visitors).
    # The day flags become columns before the filter: Spark has no QUALIFY, and sqlglot's rewrite of a filter on
    # a window leaves the other predicates pointing at an alias it removed (AnalysisException on Spark).
    flagged = stacked.mutate(
        _export_day=_day_flag(stacked, stacked._kind == EXPORT),
        _sessions_day=_day_flag(stacked, stacked._kind == SESSIONS),
    )
    kept = flagged.filter((flagged._kind == EXPORT) | (~flagged._export_day & flagged._sessions_day))
    # One row per store, day and source: the export's row as it is, or the sessions' and orders' sides together.
    return kept.group_by(*keys).aggregate(**{c: kept[c].max() for c in _TRAFFIC_COLUMNS})


_PRODUCT_COLUMNS = {"visitors": "int64", "buyers": "int64", "units": "int64", "gmv": "decimal(18, 2)"}


def _product_rows(tables: TableSource, rolled: bool) -> ir.Table:
    keys = ("store_id", "date", "sku")
    if rolled:  # the same rows, kept by the import (warehouse/rollups.py)
        return tables("rollup_products_daily").select(*keys, *_PRODUCT_COLUMNS)
    export = _shaped(tables("product_daily"), _PRODUCT_COLUMNS, keys, EXPORT)
    paid, items = _optional(tables, "orders"), _optional(tables, "order_lines")
    if paid is None or items is None:
        return export.drop("_kind")
    paid = paid.filter(paid.paid_time.notnull())
    rows = items.join(paid.select("store_id", "order_id", date=paid.paid_time.date()), ["store_id", "order_id"])
    lines = rows.group_by(*keys).aggregate(
        quantity=rows.quantity.sum(),
        quantity_n=rows.quantity.count(),
        amount=rows.amount.sum(),
        amount_n=rows.amount.count(),
    )
    derived = lines.mutate(units=_guarded(lines.quantity, lines.quantity_n), gmv=_guarded(lines.amount, lines.amount_n))
    stacked = ibis.union(export, _shaped(derived, _PRODUCT_COLUMNS, keys, ORDERS), distinct=False)
    # Order lines fill only the store-days without a product export.
    flagged = stacked.mutate(_export_day=_day_flag(stacked, stacked._kind == EXPORT))  # see _traffic_rows
    kept = flagged.filter((flagged._kind == EXPORT) | ~flagged._export_day)
    return kept.drop("_kind", "_export_day")


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


def _prepared(t: ir.Table) -> ir.Table:
    return t  # the rows come prepared (``Fact.rows``)


def _sessions(t: ir.Table) -> ir.Table:
    return t


def _order_lines(t: ir.Table) -> ir.Table:
    return t


FACTS: dict[str, Fact] = {
    f.name: f
    for f in (
        Fact("traffic", "traffic_daily", ("date", "source"), _traffic, rows=_traffic_rows),
        Fact("orders", "orders", ("date",), _prepared, entity="buyer_id", rows=_order_rows),
        Fact("products", "product_daily", ("date", "sku"), _products, rows=_product_rows),
        # product_daily again, counting the days a SKU has data (for days of cover) — its own fact because a
        # fact counts one distinct column.
        Fact("product_dates", "product_daily", ("date", "sku"), _product_dates, entity="date", rows=_product_rows),
        Fact("ads", "ad_keywords", ("date", "sku", "campaign", "keyword"), _ads),
        Fact("reviews", "reviews", ("date", "sku"), _reviews),
        Fact("inventory", "inventory", ("date", "sku"), _inventory, semi_additive=True),
        Fact("service", "service_daily", ("date",), _service),  # 客服: per agent, summed over agents
        # The finer rows traffic and products fill days from (no measure reads them directly).
        Fact("sessions", "sessions", ("date", "source"), _sessions),
        Fact("order_lines", "order_lines", ("sku",), _order_lines),
    )
}

SUMMARIES: dict[str, tuple[Summary, ...]] = {
    "orders": (
        Summary(
            "orders",
            "rollup_orders_daily",
            ("date",),
            sums={"order_gmv": ("paid_amount", "paid_amount_n"), "refunds": ("refunds", "orders")},
            counts={"orders": "orders"},
        ),
        Summary(
            "orders",
            "rollup_buyers_daily",
            ("date",),
            sums={},
            counts={"order_buyers": "buyers", "new_buyers": "new_buyers", "returning_buyers": "returning_buyers"},
            per_day=True,
        ),
    ),
    "ads": (
        Summary(
            "ads",
            "rollup_ad_keywords_daily",
            ("date", "keyword"),
            sums={
                "ad_impressions": ("impressions", "impressions_n"),
                "ad_clicks": ("clicks", "clicks_n"),
                "ad_cost": ("cost", "cost_n"),
                "ad_gmv": ("ad_gmv", "ad_gmv_n"),
                "ad_orders": ("orders", "orders_n"),
            },
            counts={},
        ),
    ),
}
