"""The baseline: the morning report's inputs in hand-written DuckDB SQL, one statement per input.

Written the way an analyst who knows the schema would write them — every KPI of the catalog for the day and its
comparison day, GMV/visitors/buyers over the pacing history, the funnel by source, products and keywords by day —
with the metric definitions spelled out (a sum is NULL when no row had a value; a ratio divides doubles and is NULL
over zero). ``over="rollups"`` reads the tables the report reads (the rollups the import keeps);
``over="base"`` reads only the canonical tables: traffic summed from the sessions, first orders found over the
whole order history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal

from shopops.metrics.catalog import CATALOG
from shopops.metrics.facts import PAID_SOURCES
from shopops.metrics.frame import MetricFrame, plain
from shopops.metrics.pacing import Campaign
from shopops.report.daily import (
    HISTORY_METRICS,
    SOURCE_METRICS,
    ReportInputs,
    base_dates,
    history_start,
)

Over = Literal["rollups", "base"]
PAID = "(" + ", ".join("'" + s.lower().replace("'", "''") + "'" for s in PAID_SOURCES) + ")"


def g(col: str, present: str | None = None) -> str:
    """A sum that is NULL when no row had a value."""
    return f"CASE WHEN count({present or col}) > 0 THEN coalesce(sum({col}), 0) END"


def gf(col: str, flag: str) -> str:
    """A sum over the rows where ``flag`` holds; NULL when no row had a value at all."""
    return f"CASE WHEN count({col}) > 0 THEN coalesce(sum({col}) FILTER (WHERE {flag}), 0) END"


def gs(total: str, present: str) -> str:
    """A sum of rolled-up sums, NULL when the rollup counted no value."""
    return f"CASE WHEN sum({present}) > 0 THEN coalesce(sum({total}), 0) END"


# ------------------------------------------------------------------------------------------ fact rows


def traffic_rows(over: Over, lo: str, hi: str) -> str:
    """The day's traffic by source: the export, else sessions with GMV from that day's orders."""
    if over == "rollups":
        return f"SELECT * FROM rollup_traffic_daily WHERE store_id = $store AND date BETWEEN {lo} AND {hi}"
    return f"""
    WITH s AS (
        SELECT date, coalesce(source, 'unattributed') AS source, count(*) AS n,
               sum(page_views) AS pv, count(page_views) AS pv_n, sum(bounce_rate) AS b, count(bounce_rate) AS b_n,
               count(*) FILTER (WHERE purchased) AS buy, count(purchased) AS buy_n,
               count(*) FILTER (WHERE lower(visitor_type) LIKE 'new%') AS nv,
               count(*) FILTER (WHERE lower(visitor_type) LIKE 'return%') AS rv, count(visitor_type) AS vt_n
        FROM sessions WHERE store_id = $store AND date BETWEEN {lo} AND {hi} GROUP BY ALL),
    o AS (
        SELECT CAST(paid_time AS DATE) AS date, coalesce(channel, 'unattributed') AS source,
               sum(paid_amount) AS amt, count(paid_amount) AS amt_n
        FROM orders WHERE store_id = $store AND paid_time IS NOT NULL
          AND CAST(paid_time AS DATE) BETWEEN {lo} AND {hi} GROUP BY ALL),
    x AS (
        SELECT date, source, visitors, page_views, bounce_rate, paid_buyers, paid_amount, favourites, add_to_cart,
               new_visitors, returning_visitors, cost
        FROM traffic_daily WHERE store_id = $store AND date BETWEEN {lo} AND {hi})
    SELECT * FROM x
    UNION ALL
    SELECT coalesce(s.date, o.date), coalesce(s.source, o.source), s.n,
           CASE WHEN s.pv_n = s.n THEN s.pv END, CASE WHEN s.b_n = s.n THEN s.b END / CAST(s.n AS DOUBLE),
           CASE WHEN s.buy_n = s.n THEN s.buy END, CASE WHEN o.amt_n > 0 THEN o.amt END, NULL, NULL,
           CASE WHEN s.vt_n = s.n THEN s.nv END, CASE WHEN s.vt_n = s.n THEN s.rv END, NULL
    FROM s FULL JOIN o USING (date, source)
    WHERE coalesce(s.date, o.date) IN (SELECT date FROM s) AND coalesce(s.date, o.date) NOT IN (SELECT date FROM x)
    """


def product_rows(over: Over, lo: str, hi: str) -> str:
    """Products by day: the export, else paid order lines."""
    if over == "rollups":
        return f"SELECT * FROM rollup_products_daily WHERE store_id = $store AND date BETWEEN {lo} AND {hi}"
    return f"""
    WITH x AS (SELECT date, sku, visitors, buyers, units, gmv FROM product_daily
               WHERE store_id = $store AND date BETWEEN {lo} AND {hi}),
    l AS (SELECT CAST(o.paid_time AS DATE) AS date, l.sku, sum(l.quantity) AS q, count(l.quantity) AS q_n,
                 sum(l.amount) AS a, count(l.amount) AS a_n
          FROM order_lines l JOIN orders o USING (store_id, order_id)
          WHERE l.store_id = $store AND o.paid_time IS NOT NULL AND CAST(o.paid_time AS DATE) BETWEEN {lo} AND {hi}
          GROUP BY ALL)
    SELECT * FROM x
    UNION ALL
    SELECT date, sku, NULL, NULL, CASE WHEN q_n > 0 THEN q END, CASE WHEN a_n > 0 THEN a END
    FROM l WHERE date NOT IN (SELECT date FROM x)
    """


def _orders_by_day(over: Over) -> str:
    if over == "rollups":
        return f"""SELECT date, CAST(sum(orders) AS BIGINT) AS orders, {gs("paid_amount", "paid_amount_n")} AS order_gmv,
                          {gs("refunds", "orders")} AS refunds
                   FROM rollup_orders_daily WHERE store_id = $store AND date BETWEEN $lo AND $day GROUP BY date"""
    return f"""SELECT CAST(paid_time AS DATE) AS date, count(*) AS orders, {g("paid_amount")} AS order_gmv,
                      {g("coalesce(refund, 0)")} AS refunds
               FROM orders WHERE store_id = $store AND paid_time IS NOT NULL
                 AND CAST(paid_time AS DATE) BETWEEN $lo AND $day GROUP BY 1"""


def _buyers_by_day(over: Over) -> str:
    if over == "rollups":  # kept by the import for each day
        return """SELECT date, buyers AS order_buyers, new_buyers, returning_buyers FROM rollup_buyers_daily
                  WHERE store_id = $store AND date BETWEEN $lo AND $day"""
    # Each buyer's first paid order, found over every paid order the store ever had.
    firsts = """(SELECT store_id, buyer_id, min({'t': paid_time, 'o': order_id}).o AS first_order_id FROM orders
                 WHERE store_id = $store AND paid_time IS NOT NULL AND buyer_id IS NOT NULL GROUP BY ALL)"""
    return f"""SELECT CAST(o.paid_time AS DATE) AS date, count(DISTINCT o.buyer_id) AS order_buyers,
                      count(DISTINCT o.buyer_id) FILTER (WHERE o.order_id = f.first_order_id) AS new_buyers,
                      count(DISTINCT o.buyer_id) FILTER (WHERE o.order_id <> f.first_order_id) AS returning_buyers
               FROM orders o LEFT JOIN {firsts} f ON f.store_id = o.store_id AND f.buyer_id = o.buyer_id
               WHERE o.store_id = $store AND o.paid_time IS NOT NULL
                 AND CAST(o.paid_time AS DATE) BETWEEN $lo AND $day GROUP BY 1"""


def _ads_by(over: Over, keys: str) -> str:
    if over == "rollups":
        return f"""SELECT {keys}, {gs("impressions", "impressions_n")} AS ad_impressions,
                          {gs("clicks", "clicks_n")} AS ad_clicks, {gs("cost", "cost_n")} AS ad_cost,
                          {gs("ad_gmv", "ad_gmv_n")} AS ad_gmv, {gs("orders", "orders_n")} AS ad_orders
                   FROM rollup_ad_keywords_daily WHERE store_id = $store AND date BETWEEN $lo AND $day GROUP BY ALL"""
    return f"""SELECT {keys}, {g("impressions")} AS ad_impressions, {g("clicks")} AS ad_clicks, {g("cost")} AS ad_cost,
                      {g("ad_gmv")} AS ad_gmv, {g("orders")} AS ad_orders
               FROM ad_keywords WHERE store_id = $store AND date BETWEEN $lo AND $day GROUP BY ALL"""


def _traffic_measures(rows: str, keys: str) -> str:
    paid = f"(lower(source) IN {PAID} OR coalesce(cost, 0) > 0)"
    return f"""SELECT {keys},
        {g("visitors")} AS visitors, {g("page_views")} AS page_views,
        {gf("visitors", "page_views IS NOT NULL")} AS pv_visitors,
        {gf("bounce_rate * visitors", "bounce_rate IS NOT NULL")} AS bounced_visitors,
        {gf("visitors", "bounce_rate IS NOT NULL")} AS bounce_visitors,
        {g("paid_buyers")} AS paid_buyers, {gf("visitors", "paid_buyers IS NOT NULL")} AS buyer_visitors,
        {g("paid_amount")} AS gmv, {g("favourites")} AS favourites,
        {gf("visitors", "favourites IS NOT NULL")} AS fav_visitors, {g("add_to_cart")} AS add_to_cart,
        {gf("visitors", "add_to_cart IS NOT NULL")} AS cart_visitors, {g("new_visitors")} AS new_visitors,
        {g("returning_visitors")} AS returning_visitors, {gf("visitors", paid)} AS paid_visitors,
        {gf("paid_amount", paid)} AS paid_gmv, {g("cost")} AS traffic_cost
    FROM ({rows}) GROUP BY ALL"""


def ratio(num: str, den: str) -> str:
    return f"CAST({num} AS DOUBLE) / CAST(NULLIF({den}, 0) AS DOUBLE)"


# Every catalog metric from the per-fact measures of the day (t traffic, od/ob orders, p products, a ads,
# r reviews, i inventory, sv service).
METRICS: dict[str, str] = {
    "gmv": "t.gmv",
    "order_gmv": "od.order_gmv",
    "refunds": "od.refunds",
    "net_sales": "od.order_gmv - coalesce(od.refunds, 0)",
    "orders": "od.orders",
    "buyers": "t.paid_buyers",
    "order_buyers": "ob.order_buyers",
    "product_gmv": "p.product_gmv",
    "product_visitors": "p.product_visitors",
    "units": "p.units",
    "visitors": "t.visitors",
    "page_views": "t.page_views",
    "pages_per_visitor": ratio("t.page_views", "t.pv_visitors"),
    "bounce_rate": ratio("t.bounced_visitors", "t.bounce_visitors"),
    "conversion_rate": ratio("t.paid_buyers", "t.buyer_visitors"),
    "order_conversion_rate": ratio("od.orders", "t.visitors"),
    "aov": ratio("od.order_gmv", "od.orders"),
    "revenue_per_buyer": ratio("t.gmv", "t.paid_buyers"),
    "product_buyers": "p.product_buyers",
    "product_revenue_per_buyer": ratio("p.product_gmv", "p.product_buyers"),
    "uv_value": ratio("t.gmv", "t.visitors"),
    "new_buyers": "ob.new_buyers",
    "returning_buyers": "ob.returning_buyers",
    "repurchase_rate": ratio("ob.returning_buyers", "ob.order_buyers"),
    "favourite_rate": ratio("t.favourites", "t.fav_visitors"),
    "add_to_cart_rate": ratio("t.add_to_cart", "t.cart_visitors"),
    "ad_impressions": "a.ad_impressions",
    "ad_clicks": "a.ad_clicks",
    "ad_cost": "a.ad_cost",
    "ctr": ratio("a.ad_clicks", "a.ad_impressions"),
    "cpc": ratio("a.ad_cost", "a.ad_clicks"),
    "ad_gmv": "a.ad_gmv",
    "roas": ratio("a.ad_gmv", "a.ad_cost"),
    "acos": ratio("a.ad_cost", "a.ad_gmv"),
    "tacos": ratio("a.ad_cost", "t.gmv"),
    "paid_traffic_cost": "t.traffic_cost",
    "traffic_roas": ratio("t.gmv", "t.traffic_cost"),
    "paid_traffic_share": ratio("t.paid_visitors", "t.visitors"),
    "paid_sales_share": ratio("t.paid_gmv", "t.gmv"),
    "refund_rate": ratio("od.refunds", "od.order_gmv"),
    "avg_rating": ratio("r.rating_sum", "r.rated_reviews"),
    "negative_review_share": ratio("r.negative_reviews", "r.rated_reviews"),
    "inquiries": "sv.inquiries",
    "inquiry_conversion_rate": ratio("sv.inquirers_paid", "sv.inquiries"),
    "stock_days_of_cover": f"({ratio('i.on_hand', 'p.units')}) * CAST(p.sales_days AS DOUBLE)",
}


def kpi_sql(over: Over) -> str:
    """Every catalog metric by day, first base day → the day (one row per day some fact has rows)."""
    assert tuple(METRICS) == tuple(CATALOG), "the baseline must cover the whole catalog, in its order"
    parts = {
        "t": _traffic_measures(traffic_rows(over, "$lo", "$day"), "date"),
        "od": _orders_by_day(over),
        "ob": _buyers_by_day(over),
        "p": f"""SELECT date, {g("units")} AS units, {g("gmv")} AS product_gmv, {g("visitors")} AS product_visitors,
                        {g("buyers")} AS product_buyers, CAST(count(units) > 0 AS BIGINT) AS sales_days
                 FROM ({product_rows(over, "$lo", "$day")}) GROUP BY date""",
        "a": _ads_by(over, "date"),
        "r": """SELECT CAST(review_time AS DATE) AS date, count(*) FILTER (WHERE rating IS NOT NULL) AS rated_reviews,
                       CASE WHEN count(rating) > 0 THEN coalesce(sum(rating), 0) END AS rating_sum,
                       count(*) FILTER (WHERE rating <= 2) AS negative_reviews
                FROM reviews WHERE store_id = $store AND CAST(review_time AS DATE) BETWEEN $lo AND $day GROUP BY 1""",
        "i": f"""SELECT date, {g("on_hand")} AS on_hand FROM inventory
                 WHERE store_id = $store AND date BETWEEN $lo AND $day GROUP BY date""",
        "sv": f"""SELECT date, {g("inquiries")} AS inquiries, {g("inquirers_paid")} AS inquirers_paid
                  FROM service_daily WHERE store_id = $store AND date BETWEEN $lo AND $day GROUP BY date""",
    }
    ctes = ",\n".join(f"{name} AS ({sql})" for name, sql in parts.items())
    days = " UNION ".join(f"SELECT date FROM {name}" for name in parts)
    joins = " ".join(f"LEFT JOIN {name} USING (date)" for name in parts)
    cols = ", ".join(f"{expr} AS {name}" for name, expr in METRICS.items())
    return f"WITH {ctes}, days AS ({days}) SELECT $store AS store_id, date, {cols} FROM days {joins} ORDER BY date"


def history_sql(over: Over) -> str:
    return f"""SELECT $store AS store_id, date, {g("paid_amount")} AS gmv, {g("visitors")} AS visitors,
                      {g("paid_buyers")} AS buyers
               FROM ({traffic_rows(over, "$start", "$day")}) GROUP BY date ORDER BY date"""


def sources_sql(over: Over) -> str:
    return f"""SELECT $store AS store_id, date, source, {g("visitors")} AS visitors, {g("paid_buyers")} AS buyers,
                      {g("paid_amount")} AS gmv, {g("cost")} AS paid_traffic_cost
               FROM ({traffic_rows(over, "$lo", "$day")}) GROUP BY date, source ORDER BY date, source"""


def products_sql(over: Over) -> str:
    return f"""SELECT $store AS store_id, date, sku, {g("gmv")} AS product_gmv, {g("visitors")} AS product_visitors
               FROM ({product_rows(over, "$lo", "$day")}) GROUP BY date, sku ORDER BY date, sku"""


def keywords_sql(over: Over) -> str:
    return f"""SELECT $store AS store_id, date, keyword, ad_gmv, ad_cost, ad_clicks
               FROM ({_ads_by(over, "date, keyword")}) ORDER BY date, keyword"""


TARGET = "SELECT gmv_target FROM targets WHERE store_id = $store AND month = $month"
CAMPAIGNS = """SELECT coalesce(platform_event, name), start_date, coalesce(end_date, start_date) FROM campaigns
               WHERE store_id = $store AND start_date IS NOT NULL"""
TITLES = """SELECT sku, max(title) FILTER (WHERE title IS NOT NULL) AS t, 0 AS rank FROM product_daily
            WHERE store_id = $store AND list_contains($skus, sku) GROUP BY sku
            UNION ALL
            SELECT sku, max(title) FILTER (WHERE title IS NOT NULL), 1 FROM products
            WHERE store_id = $store AND list_contains($skus, sku) GROUP BY sku
            ORDER BY rank"""


# ------------------------------------------------------------------------------------------ running it


def _frame(con: Any, sql: str, keys: tuple[str, ...], params: Mapping[str, object]) -> MetricFrame:
    cur = con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})
    columns = tuple(d[0] for d in cur.description)
    rows = tuple(tuple(plain(v) for v in row) for row in cur.fetchall())
    return MetricFrame(keys, columns[len(keys) :], rows)


def inputs(con: Any, day: dt.date, store: str, over: Over = "rollups") -> ReportInputs:
    """The report's inputs for ``day`` (compared with the day before), by hand-written SQL."""
    bases = base_dates(day, "prev_day")
    params = {"store": store, "lo": bases[0], "day": day, "start": history_start(day), "month": day.strftime("%Y-%m")}
    target = con.execute(TARGET, {"store": store, "month": params["month"]}).fetchall()
    campaigns = con.execute(CAMPAIGNS, {"store": store}).fetchall() if target else []
    return ReportInputs(
        date=day,
        store_id=store,
        compare="prev_day",
        base_dates=bases,
        history=_frame(con, history_sql(over), ("store_id", "date"), params),
        daily=_frame(con, kpi_sql(over), ("store_id", "date"), params),
        window=None,
        sources=_frame(con, sources_sql(over), ("store_id", "date", "source"), params),
        products=_frame(con, products_sql(over), ("store_id", "date", "sku"), params),
        keywords=_frame(con, keywords_sql(over), ("store_id", "date", "keyword"), params),
        target=Decimal(target[0][0]) if target and target[0][0] is not None else None,
        campaigns=tuple(sorted((Campaign(n, s, e) for n, s, e in campaigns), key=lambda c: (c.start, c.name))),
    )


def titles(con: Any, store: str, skus: list[str]) -> dict[str, str]:
    """Product titles: the product report's, overridden by the product list's."""
    out: dict[str, str] = {}
    for sku, title, _ in con.execute(TITLES, {"store": store, "skus": skus}).fetchall():
        if title is not None:
            out[sku] = title
    return out


__all__ = ["HISTORY_METRICS", "SOURCE_METRICS", "inputs", "titles"]
