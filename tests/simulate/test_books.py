"""The books agree: the simulator's own ledger and every file tell the same story, to the cent.

Identities that hold exactly, per store and day:
  Σ traffic_daily.paid_amount = Σ orders.paid_amount (by payment date) = Σ product_daily.gmv = books
  Σ traffic_daily.paid_buyers = number of orders = distinct buyers (one order per buyer and day)
  Σ product_daily.units = Σ order_lines.quantity;  Σ product_daily.buyers = number of order lines
  orders: goods − discount + postage = paid;  Σ its lines' amount + postage = paid;  Σ lines' discount = discount
  traffic_daily: new + returning = visitors;  the 手淘搜索 row's visitors = Σ product_daily.search_visitors
  the 直通车 row: visitors = Σ ad clicks, cost = Σ ad cost, buyers = Σ ad orders, GMV = Σ ad GMV
  service_daily: Σ inquirers_paid ≤ orders and Σ paid_amount ≤ GMV (agents help close some of the day's orders)
  inventory: on_hand ≥ 0 and on_hand[d] = on_hand[d−1] + arrivals[d] − units[d] with arrivals ≥ 0 (except the
  first day of a planted stockout, which writes the sellable stock off)
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from simkit import Sql, small

from shopops.simulate.sources import PAID, SEARCH, SOURCES

SCENARIOS = ("stockout@2025-04-05:5", "bundle_removed@2025-04-10", "campaign_pull_forward@2025-04-15")


@pytest.fixture(scope="module")
def run(sims):
    result = sims("books", small(4, SCENARIOS, stores=2))
    return result, Sql(result.out)


def test_gmv_buyers_and_units_agree_across_tables_and_books(run):
    result, s = run
    q = """
    WITH t AS (SELECT store_id, date, sum(paid_amount) gmv, sum(paid_buyers) buyers FROM {traffic_daily} GROUP BY ALL),
         o AS (SELECT store_id, paid_time::date date, sum(paid_amount) gmv, count(*) n, count(DISTINCT buyer_id) b
               FROM {orders} GROUP BY ALL),
         p AS (SELECT store_id, date, sum(gmv) gmv, sum(units) units, sum(buyers) buyers FROM {product_daily} GROUP BY ALL),
         l AS (SELECT o.store_id, o.paid_time::date date, sum(quantity) units, count(*) lines
               FROM {order_lines} l JOIN {orders} o USING (store_id, order_id) GROUP BY ALL)
    SELECT t.store_id, t.date, t.gmv, o.gmv, p.gmv, t.buyers, o.n, o.b, p.units, l.units, p.buyers, l.lines
    FROM t JOIN o USING (store_id, date) JOIN p USING (store_id, date) JOIN l USING (store_id, date)
    ORDER BY ALL
    """
    rows = s(q)
    assert len(rows) == 2 * result.config.days
    for store, day, t_gmv, o_gmv, p_gmv, t_buyers, n, distinct, p_units, l_units, p_buyers, lines in rows:
        books = result.books[store]
        d = (day - result.config.start).days
        cents = Decimal(int(books.gmv[d].sum())) / 100
        assert round(Decimal(str(t_gmv)), 2) == round(Decimal(str(o_gmv)), 2) == round(Decimal(str(p_gmv)), 2) == cents
        assert t_buyers == n == distinct == books.orders[d]
        assert p_units == l_units == books.units[d]
        assert p_buyers == lines == books.lines[d]


def test_every_order_adds_up(run):
    _, s = run
    bad = s(
        """SELECT o.order_id, o.goods_amount, o.discount, o.postage, o.paid_amount, sum(l.amount), sum(l.postage),
                  sum(l.discount), sum(l.refund), o.refund
           FROM {orders} o JOIN {order_lines} l USING (store_id, order_id) GROUP BY ALL
           HAVING round(o.goods_amount - o.discount + o.postage - o.paid_amount, 2) <> 0
               OR round(sum(l.amount) + sum(l.postage) - o.paid_amount, 2) <> 0
               OR round(sum(l.discount) - o.discount, 2) <> 0
               OR round(sum(l.refund) - o.refund, 2) <> 0"""
    )
    assert bad == []
    assert s.one("SELECT count(*) FROM {orders} WHERE paid_amount <= 0 OR refund > paid_amount") == 0


def test_traffic_search_and_paid_search_agree_with_products_and_ads(run):
    result, s = run
    search, paid = SOURCES[SEARCH].zh, SOURCES[PAID].zh
    rows = s(
        """WITH t AS (SELECT * FROM {traffic_daily}),
                p AS (SELECT store_id, date, sum(search_visitors) sv FROM {product_daily} GROUP BY ALL),
                a AS (SELECT store_id, date, sum(clicks) clicks, sum(cost) cost, sum(orders) orders, sum(ad_gmv) gmv
                      FROM {ad_keywords} GROUP BY ALL)
           SELECT s.visitors, p.sv, x.visitors, a.clicks, x.cost, a.cost, x.paid_buyers, a.orders, x.paid_amount, a.gmv
           FROM t s JOIN p USING (store_id, date) JOIN t x USING (store_id, date) JOIN a USING (store_id, date)
           WHERE s.source = ? AND x.source = ?""",
        search,
        paid,
    )
    assert len(rows) == 2 * result.config.days
    for sv, psv, pv, clicks, cost, acost, buyers, orders, gmv, agmv in rows:
        assert sv == psv and pv == clicks and buyers == orders
        assert round(cost - acost, 2) == 0 and round(gmv - agmv, 2) == 0
    assert s.one("SELECT count(*) FROM {traffic_daily} WHERE new_visitors + returning_visitors <> visitors") == 0
    assert s.one("SELECT count(*) FROM {traffic_daily} WHERE page_views < visitors") == 0
    # the rates are the counts' rates, rounded as written
    assert s.one("SELECT max(abs(conversion_rate - paid_buyers / visitors)) FROM {traffic_daily}") <= 5.0001e-5
    assert s.one("SELECT max(abs(pages_per_visitor - page_views / visitors)) FROM {traffic_daily}") <= 5.0001e-3


def test_books_match_traffic_by_source(run):
    result, s = run
    for store, books in result.books.items():
        rows = s(
            "SELECT date, source, visitors, page_views, paid_buyers FROM {traffic_daily} WHERE store_id = ?", store
        )
        names = {src.zh: i for i, src in enumerate(SOURCES)}
        for day, source, v, pv, buyers in rows:
            d = (day - result.config.start).days
            k = names[source]
            assert (v, pv, buyers) == (books.visitors[d, k], books.page_views[d, k], books.buyers[d, k])


def test_service_helps_with_real_orders(run):
    _, s = run
    over = s(
        """WITH sv AS (SELECT store_id, date, sum(inquirers_paid) paid, sum(paid_amount) amount FROM {service_daily} GROUP BY ALL),
                t AS (SELECT store_id, date, sum(paid_buyers) buyers, sum(paid_amount) gmv FROM {traffic_daily} GROUP BY ALL)
           SELECT * FROM sv JOIN t USING (store_id, date) WHERE sv.paid > t.buyers OR sv.amount > t.gmv + 0.005"""
    )
    assert over == []
    assert s.one("SELECT count(*) FROM {service_daily} WHERE inquirers_paid > inquiries") == 0


def test_stock_flows_and_stockouts_stop_sales(run):
    result, s = run
    (stockout,) = [e for e in result.events if e.scenario == "stockout"]
    rows = s(
        """SELECT i.store_id, i.sku, i.date, i.on_hand, i.in_transit, coalesce(p.units, 0)
           FROM {inventory} i LEFT JOIN {product_daily} p USING (store_id, sku, date) ORDER BY 1, 2, 3"""
    )
    prev: dict[tuple[str, str], int] = {}
    for store, sku, day, on_hand, _transit, units in rows:
        assert on_hand >= 0
        key = (store, sku)
        written_off = (store, sku, day) == (stockout.store, stockout.subject, stockout.start)
        if key in prev and not written_off:
            arrived = on_hand - prev[key] + units
            assert arrived >= 0, (store, sku, day)
        prev[key] = on_hand
    books = result.books[stockout.store]
    assert (books.on_hand >= 0).all()
    zero_days = s(
        "SELECT count(*) FROM {inventory} i JOIN {product_daily} p USING (store_id, sku, date) "
        "WHERE i.on_hand = 0 AND p.units > 0 AND i.date BETWEEN ? AND ?",
        stockout.start,
        stockout.end,
    )
    assert zero_days == [(0,)]


def test_targets_are_plausible(run):
    result, s = run
    for store in result.books:
        month_gmv = s(
            "SELECT strftime(date, '%Y-%m') m, sum(paid_amount), count(DISTINCT date) FROM {traffic_daily} "
            "WHERE store_id = ? GROUP BY 1",
            store,
        )
        targets = dict(s("SELECT month, gmv_target FROM {targets} WHERE store_id = ?", store))
        for month, gmv, days in month_gmv:
            if days >= 28:  # a whole month simulated: the target is within a plausible reach of it
                assert 0.8 <= targets[month] / gmv <= 1.4, (month, targets[month], gmv)


def test_realism_of_a_mid_size_shop(run):
    """The numbers an operator would recognise: visitors, conversion by source, 客单价, bounce, depth."""
    result, s = run
    for store in result.books:
        v, conv, rpb, bounce, depth = s(
            "SELECT sum(visitors) / count(DISTINCT date), sum(paid_buyers) / sum(visitors), sum(paid_amount) / "
            "sum(paid_buyers), sum(bounce_rate * visitors) / sum(visitors), sum(page_views) / sum(visitors) "
            "FROM {traffic_daily} WHERE store_id = ?",
            store,
        )[0]
        assert 3000 <= v <= 8000 and 0.01 <= conv <= 0.05 and 40 <= rpb <= 400
        assert 0.4 <= bounce <= 0.75 and 2 <= depth <= 5
        by = dict(
            s(
                "SELECT source, sum(paid_buyers) / sum(visitors) FROM {traffic_daily} WHERE store_id = ? GROUP BY 1",
                store,
            )
        )
        assert by[SOURCES[PAID].zh] > by[SOURCES[SEARCH].zh] * 0.9  # paid search converts at least as well
        assert by["我的淘宝/购物车"] == max(by.values())  # cart visitors convert best
        weekday = np.array(
            [
                r[1]
                for r in s(
                    "SELECT isodow(date), avg(v) FROM (SELECT date, sum(visitors) v FROM {traffic_daily} "
                    "WHERE store_id = ? GROUP BY 1) GROUP BY 1 ORDER BY 1",
                    store,
                )
            ]
        )
        assert weekday[6] > weekday[4]  # Sunday beats Friday
