"""Daily rollups, declared once as data and kept exact inside each import's transaction.

A rollup holds rows of a base table (or of several) summed by a key (``store_id`` × ``date``, or × buyer) and a
few dimensions. The merge of a batch collects the keys its rows touch — those of the rows it replaces and those of
the rows it adds — and recomputes exactly those keys' groups from the base tables (``Touched.refresh``). That is
incremental, and right after overwrites too: an order re-exported with another payment date leaves its old day
and joins the new one. A rebuild is the same refresh with every key touched.

Two rollups are the metric layer's ``traffic`` and ``products`` facts by day, already whole: the platform's
daily export where there is one, else the day summed from sessions (visitors, page views, bounces, purchases) and
paid orders by channel, or from paid order lines by SKU (``metrics/facts.py`` builds the same rows from the base
tables, for engines without rollups; tests/warehouse/test_rollups.py holds the two to the same numbers).

``_meta`` keeps a fingerprint of the declarations and of the base tables' row counts after the last maintenance.
A workspace that never had rollups, whose declarations changed, or whose base tables were written around the
importer so that a row count changed (a test inserting directly, the demo removing stores) no longer matches it:
the next merge rebuilds every rollup, and until then ``current`` is false and metrics read the base tables.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import cast

import duckdb

from shopops.schema import SQL_TYPES, ColumnType

META_KEY = "rollups"
UNATTRIBUTED = "unattributed"  # the source of sessions and orders that name none


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    sql: str  # an aggregate over the rollup's rows


@dataclass(frozen=True)
class Dependency:
    """Which rollup keys a change to ``table`` touches: ``keys`` is SQL over ``{rows}`` (rows of ``table`` —
    those replaced, those added, or the whole table) returning key tuples; ``columns`` are the ones it reads."""

    table: str
    columns: tuple[str, ...]
    keys: str


@dataclass(frozen=True)
class Follows:
    """Keys that move when another rollup's groups change: ``keys`` is SQL over ``{touched}`` (that rollup's touched
    keys), read just before and just after that rollup is refreshed."""

    rollup: str
    keys: str


@dataclass(frozen=True)
class Rollup:
    name: str
    # The rows it sums, restricted to the keys in ``{touched}`` (a relation of key tuples, aliased ``t``).
    rows: str
    key: tuple[str, ...]  # what a batch touches and a refresh recomputes
    dims: tuple[str, ...]  # further grouping, recomputed along with the key
    dim_types: tuple[ColumnType, ...]
    columns: tuple[Column, ...]
    depends: tuple[Dependency, ...]
    key_types: tuple[ColumnType, ...] = ("text", "date")
    follows: tuple[Follows, ...] = ()
    tables: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tables", tuple(dict.fromkeys(d.table for d in self.depends)))

    @property
    def grain(self) -> tuple[str, ...]:
        return (*self.key, *self.dims)

    def schema(self) -> dict[str, ColumnType]:
        types = dict(zip(self.grain, (*self.key_types, *self.dim_types), strict=True))
        return {**types, **{c.name: c.type for c in self.columns}}

    def ddl(self) -> str:
        cols = ", ".join(f'"{n}" {SQL_TYPES[t]}' for n, t in self.schema().items())
        return f'CREATE TABLE IF NOT EXISTS "{self.name}" ({cols})'

    def select(self, touched: str) -> str:
        """The rollup's rows for the keys in ``touched`` (a table name or a parenthesised SELECT)."""
        grain = ", ".join(f'"{g}"' for g in self.grain)
        aggs = ", ".join(f'CAST({c.sql} AS {SQL_TYPES[c.type]}) AS "{c.name}"' for c in self.columns)
        return f"SELECT {grain}, {aggs} FROM {self.rows.format(touched=touched)} r GROUP BY ALL"

    def all_keys(self) -> str:
        """Every key the base tables have: a full recomputation is ``select(all_keys())``."""
        return "(" + " UNION ".join(d.keys.format(rows=f'"{d.table}"') for d in self.depends) + ")"


def _on(store: str, day: str) -> str:
    """Join condition of a base-table row to a touched (store_id, date) key ``t``."""
    return f"{store} = t.store_id AND {day} = t.date"


def _counted(*specs: str) -> tuple[Column, ...]:
    """Sums that stay NULL where no row has a value (not exported), with the count that tells the two apart."""
    out = []
    for spec in specs:
        name, _, type_ = spec.partition(":")
        out.append(Column(name, cast(ColumnType, type_ or "int"), f'sum("{name}")'))
        out.append(Column(f"{name}_n", "int", f'count("{name}")'))
    return tuple(out)


def _kept(*specs: str) -> tuple[Column, ...]:
    """Columns of rows that are already one per grain."""
    out = []
    for spec in specs:
        name, _, type_ = spec.partition(":")
        out.append(Column(name, cast(ColumnType, type_ or "int"), f'max("{name}")'))
    return tuple(out)


_PAID_DAY = "CAST(o.paid_time AS DATE)"
_BY_DAY = "SELECT DISTINCT store_id, {day} AS date FROM {{rows}}"
_ORDER_DAYS = Dependency("orders", ("store_id", "paid_time"), _BY_DAY.format(day="CAST(paid_time AS DATE)"))


def _own_days(table: str) -> Dependency:
    return Dependency(table, ("store_id", "date"), _BY_DAY.format(day="date"))


# A line's order is part of its key, so the lines replaced and the lines added belong to the same orders.
_LINE_DAYS = Dependency(
    "order_lines",
    ("store_id", "order_id"),
    f"SELECT DISTINCT o.store_id, {_PAID_DAY} AS date FROM orders o "
    "SEMI JOIN (SELECT DISTINCT store_id, order_id FROM {rows}) c USING (store_id, order_id) "
    "WHERE o.paid_time IS NOT NULL",
)

_TRAFFIC_ROWS = f"""(
WITH s AS (
    SELECT s.store_id, s.date, coalesce(s.source, '{UNATTRIBUTED}') AS source, count(*) AS n,
           sum(s.page_views) AS pv, count(s.page_views) AS pv_n, sum(s.bounce_rate) AS b, count(s.bounce_rate) AS b_n,
           count(*) FILTER (WHERE s.purchased) AS buy, count(s.purchased) AS buy_n,
           count(*) FILTER (WHERE lower(s.visitor_type) LIKE 'new%') AS nv,
           count(*) FILTER (WHERE lower(s.visitor_type) LIKE 'return%') AS rv, count(s.visitor_type) AS vt_n
    FROM sessions s SEMI JOIN {{touched}} t ON {_on("s.store_id", "s.date")}
    GROUP BY ALL),
o AS (
    SELECT o.store_id, {_PAID_DAY} AS date, coalesce(o.channel, '{UNATTRIBUTED}') AS source,
           sum(o.paid_amount) AS amt, count(o.paid_amount) AS amt_n
    FROM orders o SEMI JOIN {{touched}} t ON {_on("o.store_id", _PAID_DAY)}
    WHERE o.paid_time IS NOT NULL GROUP BY ALL),
export AS (
    SELECT x.store_id, x.date, x.source, x.visitors, x.page_views, x.bounce_rate, x.paid_buyers, x.paid_amount,
           x.favourites, x.add_to_cart, x.new_visitors, x.returning_visitors, x.cost
    FROM traffic_daily x SEMI JOIN {{touched}} t ON {_on("x.store_id", "x.date")}),
derived AS (
    SELECT coalesce(s.store_id, o.store_id) AS store_id, coalesce(s.date, o.date) AS date,
           coalesce(s.source, o.source) AS source, s.n AS visitors,
           CASE WHEN s.pv_n = s.n THEN s.pv END AS page_views,
           CASE WHEN s.b_n = s.n THEN s.b END / CAST(s.n AS DOUBLE) AS bounce_rate,
           CASE WHEN s.buy_n = s.n THEN s.buy END AS paid_buyers,
           CASE WHEN o.amt_n > 0 THEN o.amt END AS paid_amount,
           NULL AS favourites, NULL AS add_to_cart,
           CASE WHEN s.vt_n = s.n THEN s.nv END AS new_visitors,
           CASE WHEN s.vt_n = s.n THEN s.rv END AS returning_visitors, NULL AS cost
    FROM s FULL JOIN o ON s.store_id = o.store_id AND s.date = o.date AND s.source = o.source)
SELECT * FROM export
UNION ALL
-- a day without the export takes its sessions, with GMV from that day's orders (orders alone say nothing
-- about visitors)
SELECT * FROM derived d
WHERE EXISTS (SELECT 1 FROM s WHERE s.store_id = d.store_id AND s.date = d.date)
  AND NOT EXISTS (SELECT 1 FROM export e WHERE e.store_id = d.store_id AND e.date = d.date))"""

_PRODUCT_ROWS = f"""(
WITH l AS (
    SELECT l.store_id, o.date, l.sku, sum(l.quantity) AS q, count(l.quantity) AS q_n,
           sum(l.amount) AS a, count(l.amount) AS a_n
    FROM order_lines l
    JOIN (SELECT o.store_id, o.order_id, {_PAID_DAY} AS date FROM orders o
          SEMI JOIN {{touched}} t ON {_on("o.store_id", _PAID_DAY)} WHERE o.paid_time IS NOT NULL) o
      USING (store_id, order_id)
    GROUP BY ALL),
export AS (
    SELECT x.store_id, x.date, x.sku, x.visitors, x.buyers, x.units, x.gmv
    FROM product_daily x SEMI JOIN {{touched}} t ON {_on("x.store_id", "x.date")})
SELECT * FROM export
UNION ALL
-- order lines fill only the store-days without a product export
SELECT l.store_id, l.date, l.sku, NULL, NULL, CASE WHEN l.q_n > 0 THEN l.q END, CASE WHEN l.a_n > 0 THEN l.a END
FROM l WHERE NOT EXISTS (SELECT 1 FROM export e WHERE e.store_id = l.store_id AND e.date = l.date))"""

ROLLUPS: dict[str, Rollup] = {
    r.name: r
    for r in (
        # The traffic fact by day and source (the 生意参谋 view, or its sum from visitor-level sessions).
        Rollup(
            "rollup_traffic_daily",
            _TRAFFIC_ROWS,
            ("store_id", "date"),
            ("source",),
            ("text",),
            _kept(
                "visitors",
                "page_views",
                "bounce_rate:number",
                "paid_buyers",
                "paid_amount:money",
                "favourites",
                "add_to_cart",
                "new_visitors",
                "returning_visitors",
                "cost:money",
            ),
            (_own_days("traffic_daily"), _own_days("sessions"), _ORDER_DAYS),
        ),
        # The products fact by day and SKU (the product export, or units and amounts of paid order lines).
        Rollup(
            "rollup_products_daily",
            _PRODUCT_ROWS,
            ("store_id", "date"),
            ("sku",),
            ("text",),
            _kept("visitors", "buyers", "units", "gmv:money"),
            (_own_days("product_daily"), _ORDER_DAYS, _LINE_DAYS),
        ),
        # Paid orders by day and channel: orders, GMV and refunds add up over days; distinct buyers do not.
        Rollup(
            "rollup_orders_daily",
            f"(SELECT o.*, {_PAID_DAY} AS date FROM orders o SEMI JOIN {{touched}} t ON "
            f"{_on('o.store_id', _PAID_DAY)} WHERE o.paid_time IS NOT NULL)",
            ("store_id", "date"),
            ("channel",),
            ("text",),
            (
                Column("orders", "int", "count(*)"),
                *_counted("paid_amount:money"),
                Column("refunds", "money", "sum(coalesce(refund, 0))"),
            ),  # fmt: skip
            (_ORDER_DAYS,),
        ),
        # The keyword report by day and keyword (campaigns, search terms and match types summed away).
        Rollup(
            "rollup_ad_keywords_daily",
            f"(SELECT x.* FROM ad_keywords x SEMI JOIN {{touched}} t ON {_on('x.store_id', 'x.date')})",
            ("store_id", "date"),
            ("keyword",),
            ("text",),
            _counted("impressions", "clicks", "cost:money", "ad_gmv:money", "orders"),
            (_own_days("ad_keywords"),),
        ),
        # Each buyer's first paid order (earliest payment, then lowest order id): new and returning buyers without
        # a window over every order the shop ever had.
        Rollup(
            "rollup_buyer_firsts",
            "(SELECT o.* FROM orders o SEMI JOIN {touched} t ON o.store_id = t.store_id AND o.buyer_id = t.buyer_id "
            "WHERE o.paid_time IS NOT NULL)",
            ("store_id", "buyer_id"),
            (),
            (),
            (Column("first_order_id", "text", "min({'t': paid_time, 'o': order_id}).o"),),
            (Dependency("orders", ("store_id", "buyer_id"), "SELECT DISTINCT store_id, buyer_id FROM {rows}"),),
            key_types=("text", "text"),
        ),
        # Distinct, new and returning buyers of each day: exact for a day, so the morning report's KPIs need no
        # scan of the order history. A buyer whose first order moves also moves a day's new/returning counts:
        # the days of the touched buyers' first orders, before and after, are touched too.
        Rollup(
            "rollup_buyers_daily",
            f"(SELECT o.store_id, {_PAID_DAY} AS date, o.buyer_id, o.order_id = f.first_order_id AS is_first "
            f"FROM orders o SEMI JOIN {{touched}} t ON {_on('o.store_id', _PAID_DAY)} "
            "LEFT JOIN rollup_buyer_firsts f ON f.store_id = o.store_id AND f.buyer_id = o.buyer_id "
            "WHERE o.paid_time IS NOT NULL)",
            ("store_id", "date"),
            (),
            (),
            (
                Column("buyers", "int", "count(DISTINCT buyer_id)"),
                Column("new_buyers", "int", "count(DISTINCT buyer_id) FILTER (WHERE is_first)"),
                Column("returning_buyers", "int", "count(DISTINCT buyer_id) FILTER (WHERE NOT is_first)"),
            ),
            (_ORDER_DAYS,),
            follows=(
                Follows(
                    "rollup_buyer_firsts",
                    f"SELECT DISTINCT o.store_id, {_PAID_DAY} AS date FROM rollup_buyer_firsts f "
                    "SEMI JOIN {touched} t ON f.store_id = t.store_id AND f.buyer_id = t.buyer_id "
                    "JOIN orders o ON o.store_id = f.store_id AND o.order_id = f.first_order_id",
                ),
            ),
        ),
    )
}

VERSION = hashlib.sha256(repr(sorted((r.name, r) for r in ROLLUPS.values())).encode()).hexdigest()[:16]


def depending_on(table: str) -> list[Rollup]:
    return [r for r in ROLLUPS.values() if table in r.tables]


def base_tables() -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for r in ROLLUPS.values() for t in r.tables))


def _fingerprint(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    counts = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM \"{t}\"" for t in base_tables())
    return {"version": VERSION, "counts": dict(con.execute(counts).fetchall())}


def current(con: duckdb.DuckDBPyConnection) -> bool:
    """The rollups exist and match their base tables (else metrics read the base tables)."""
    # One round trip of UNION ALLs (scalar subqueries cost four times as much): the report asks this every time.
    counts = " UNION ALL ".join(f"SELECT '{t}', count(*), NULL FROM \"{t}\"" for t in base_tables())
    try:
        rows = con.execute(f"SELECT '', NULL, value FROM _meta WHERE key = '{META_KEY}' UNION ALL {counts}").fetchall()
    except duckdb.CatalogException:  # not a workspace
        return False
    recorded = next((json.loads(v) for t, _, v in rows if t == ""), None)
    return recorded == {"version": VERSION, "counts": {t: n for t, n, _ in rows if t}}


def record(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "INSERT INTO _meta VALUES (?, ?) ON CONFLICT DO UPDATE SET value = excluded.value",
        [META_KEY, json.dumps(_fingerprint(con), sort_keys=True)],
    )


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """Every rollup from scratch (inside the caller's transaction): every key touched."""
    for r in ROLLUPS.values():
        con.execute(f'DROP TABLE IF EXISTS "{r.name}"')
        con.execute(r.ddl())
    touched = Touched(con, base_tables())
    for r in touched.rollups:
        con.execute(f'INSERT INTO "_touched_{r.name}" {r.all_keys()}')
    touched.refresh()
    touched.drop()


class Touched:
    """The keys a merge touches, per rollup, collected in temp tables inside the merge's transaction."""

    def __init__(self, con: duckdb.DuckDBPyConnection, tables: Iterable[str]) -> None:
        self.con = con
        affected = {r.name for t in tables for r in depending_on(t)}
        self.rollups = [r for r in ROLLUPS.values() if r.name in affected]  # declared order: firsts before days
        for r in self.rollups:
            cols = ", ".join(f'"{k}" {SQL_TYPES[t]}' for k, t in zip(r.key, r.key_types, strict=True))
            con.execute(f'CREATE OR REPLACE TEMP TABLE "_touched_{r.name}" ({cols})')

    def columns(self, table: str) -> tuple[str, ...]:
        """The columns of ``table`` the dependencies read (what a DELETE must return)."""
        needed = (c for r in self.rollups for d in r.depends if d.table == table for c in d.columns)
        return tuple(dict.fromkeys(needed))

    def add(self, table: str, rows: str) -> None:
        """Keys touched by ``rows`` (SQL relation holding ``columns(table)``) of ``table``."""
        for r in self.rollups:
            for d in r.depends:
                if d.table == table:
                    self.con.execute(f'INSERT INTO "_touched_{r.name}" ' + d.keys.format(rows=rows))

    def refresh(self) -> None:
        """Recompute the touched keys' groups of every affected rollup from the base tables."""
        for r in self.rollups:
            touched = f'(SELECT DISTINCT * FROM "_touched_{r.name}")'
            followers = [(f, later) for later in self.rollups for f in later.follows if f.rollup == r.name]
            for f, later in followers:  # the keys as they stand before this rollup changes …
                self.con.execute(f'INSERT INTO "_touched_{later.name}" ' + f.keys.format(touched=touched))
            on = " AND ".join(f'x."{k}" = t."{k}"' for k in r.key)
            self.con.execute(f'DELETE FROM "{r.name}" x USING {touched} t WHERE {on}')
            self.con.execute(f'INSERT INTO "{r.name}" {r.select(touched)}')
            for f, later in followers:  # … and after
                self.con.execute(f'INSERT INTO "_touched_{later.name}" ' + f.keys.format(touched=touched))

    def drop(self) -> None:
        for r in self.rollups:
            self.con.execute(f'DROP TABLE IF EXISTS "_touched_{r.name}"')
