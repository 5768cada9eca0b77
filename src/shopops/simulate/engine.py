"""Run one store day by day: traffic → conversion → orders → stock, service, ads, reviews, competitors.

Days run in sequence because stock carries over (a sold-out product loses traffic and sales until its restock
lands) and reviews posted today change tomorrow's conversion. Within a day everything is vectorised over
products × sources, keywords, agents and orders. Each day draws from its own seeded streams, so a planted cause
changes nothing before it starts, and chunked scale runs equal one-shot runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pyarrow as pa

from shopops.simulate.catalog import Shop, image_hash, launch_date
from shopops.simulate.config import SimConfig
from shopops.simulate.orders import DayOrders, draw_orders, draw_reviews
from shopops.simulate.plan import StorePlan, rng_for
from shopops.simulate.sessions import session_table
from shopops.simulate.sources import AFFILIATE, AFFILIATE_COMMISSION, PAID, SEARCH, SOURCES, source_names
from shopops.simulate.themes import REPLY_EN, REPLY_ZH, TITLES_EN

log = logging.getLogger(__name__)

NOISE_STORE, NOISE_AR = 0.06, 0.5  # day-to-day store demand, autocorrelated
NOISE_SOURCE = 0.07
NOISE_PRODUCT = 0.10
NOISE_CVR = 0.08
INQUIRY_RATE = 0.03  # visitors who ask customer service
RANK_DECAY = 0.25  # impression share falls with each ad rank below the top
OOS_TRAFFIC = 0.3  # a sold-out listing keeps this share of its traffic
REVIEW_WINDOW = 14  # days of reviews a shopper reads
REVIEW_PRIOR = 20  # reviews' worth of "usual" rating in the shrunk bad-review share
BAD_SHARE_USUAL = 0.06
REVIEW_EFFECT = 1.3
SAFETY_DAYS, COVER_DAYS = 5, 14
TAIL = 80  # days past the period for arrivals and reviews
PURPOSE = {
    "traffic": 1,
    "search": 2,
    "ads": 3,
    "convert": 4,
    "orders": 5,
    "reviews": 6,
    "service": 7,
    "stock": 8,
    "sessions": 10,
    "product": 11,
}
SRC_BOUNCE = np.array([s.bounce for s in SOURCES])
SRC_CVR = np.array([s.cvr for s in SOURCES])
SRC_PAGES = np.array([s.extra_pages for s in SOURCES])
SRC_RETURNING = np.array([s.returning for s in SOURCES])

COMPETITOR_SCHEMA = pa.schema(
    [
        ("store_id", pa.string()),
        ("date", pa.date32()),
        ("competitor", pa.string()),
        ("listing_id", pa.string()),
        ("title", pa.string()),
        ("price", pa.float64()),
        ("monthly_sales", pa.int64()),
        ("image_hash", pa.string()),
        ("first_seen", pa.date32()),
        ("matched_sku", pa.string()),
    ]
)

Emit = Callable[[str, pa.Table], None]
Arr = np.ndarray
Rng = np.random.Generator


@dataclass
class Books:
    """The simulator's own ledger per store: what the files must add up to (filled day by day, so mutable)."""

    visitors: np.ndarray  # [d, s]
    page_views: np.ndarray
    bounced: np.ndarray
    buyers: np.ndarray
    gmv: np.ndarray  # cents
    cost: np.ndarray  # cents
    orders: np.ndarray  # [d]
    lines: np.ndarray
    units: np.ndarray
    product_units: np.ndarray  # [d, p]
    product_gmv: np.ndarray
    product_buyers: np.ndarray
    search_visitors: np.ndarray
    search_impressions: np.ndarray
    kw_clicks: np.ndarray  # [d, k]
    kw_cost: np.ndarray
    kw_orders: np.ndarray
    kw_gmv: np.ndarray
    inquiries: np.ndarray  # [d, a]
    inquirers_paid: np.ndarray
    on_hand: np.ndarray  # [d, p] end of day
    reviews: int = 0
    sessions: int = 0

    @classmethod
    def empty(cls, D: int, P: int, S: int, K: int, A: int) -> Books:
        def z(*shape: int) -> np.ndarray:
            return np.zeros(shape, dtype=np.int64)

        return cls(
            z(D, S),
            z(D, S),
            z(D, S),
            z(D, S),
            z(D, S),
            z(D, S),
            z(D),
            z(D),
            z(D),
            z(D, P),
            z(D, P),
            z(D, P),
            z(D, P),
            z(D, P),
            z(D, K),
            z(D, K),
            z(D, K),
            z(D, K),
            z(D, A),
            z(D, A),
            z(D, P),
        )


def _money(cents: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(cents, dtype=np.int64) / 100.0, pa.float64())


def _stamp(day: datetime, sec: np.ndarray) -> pa.Array:
    base = np.datetime64(day.replace(tzinfo=None), "s")
    return pa.array(base + np.asarray(sec, dtype="timedelta64[s]"), pa.timestamp("s"))


class StoreRun:
    def __init__(self, plan: StorePlan, cfg: SimConfig) -> None:
        self.plan, self.cfg = plan, cfg
        self.shop: Shop = plan.shop
        shop, exp = self.shop, plan.exp
        self.D, self.P, self.S = cfg.days, len(shop.products), len(SOURCES)
        self.K, self.A, self.L = len(shop.keywords), len(shop.agents), len(shop.competitors.listing)
        self.off = exp.offset
        D, P, S, K, L = self.D, self.P, self.S, self.K, self.L
        g = rng_for(cfg.seed, 500, shop.index)
        z = g.normal(0, 1, D)
        e = np.empty(D)
        e[0] = NOISE_STORE * z[0]
        for t in range(1, D):
            e[t] = NOISE_AR * e[t - 1] + np.sqrt(1 - NOISE_AR**2) * NOISE_STORE * z[t]
        self.n_store = np.exp(e - NOISE_STORE**2 / 2)
        self.n_src = g.lognormal(-(NOISE_SOURCE**2) / 2, NOISE_SOURCE, (D, S))
        self.n_prod = g.lognormal(-(NOISE_PRODUCT**2) / 2, NOISE_PRODUCT, (D, P))
        self.n_cvr = g.lognormal(-(NOISE_CVR**2) / 2, NOISE_CVR, (D, P))
        self.n_kw = g.lognormal(-0.005, 0.1, (D, K))
        self.bid_walk = np.exp(np.cumsum(g.normal(0, 0.02, (D, K)), axis=0))
        self.n_rank = g.lognormal(0, 0.08, (D, P))
        self.n_kw_rank = g.lognormal(0, 0.1, (D, K))
        self.n_comp = g.lognormal(0, 0.06, (D, L))
        self.promo = np.ones((D, L))  # competitors' own short promotions
        for i in range(L):
            for _ in range(g.poisson(D / 45)):
                s0 = int(g.integers(0, D))
                self.promo[s0 : s0 + int(g.integers(3, 6)), i] = g.uniform(0.88, 0.95)

        p = shop.products
        self.cum = exp.cum_units()
        self.held = np.zeros((D + TAIL, P), dtype=bool)
        for q, f, last in plan.effects.stock_holds:
            self.held[f : last + 1, q] = True
        self.on_hand = np.zeros(P, dtype=np.int64)
        self.in_transit = np.zeros(P, dtype=np.int64)
        self.arrivals = np.zeros((D + TAIL, P), dtype=np.int64)
        for q in range(P):
            first = max(0, int(p.launch[q]))
            batch = self._need(first - 1, q, int(p.lead_time[q]) + COVER_DAYS)
            if p.launch[q] < 0:
                self.on_hand[q] = batch
            elif first < D:
                self.arrivals[first, q] += batch
                self.in_transit[q] += batch
        self.pool = int(exp.buyers[self.off].sum() * 250)
        self.rev_total = np.zeros((D + TAIL, P))
        self.rev_bad = np.zeros((D + TAIL, P))
        self.image = p.image.copy()
        self.books = Books.empty(D, P, S, K, self.A)

    # ------------------------------------------------------------------ stock

    def _need(self, d: int, q: int | np.ndarray, horizon: int | np.ndarray) -> np.ndarray | int:
        """Expected units from day d+1 for ``horizon`` days, with a cushion for noise."""
        e = d + 1 + self.off
        mean = self.cum[e + horizon, q] - self.cum[e, q]
        need = np.ceil(1.15 * mean + 2 * np.sqrt(mean) + 2)
        return need.astype(np.int64) if isinstance(need, np.ndarray) else int(need)

    def _restock(self, d: int, rng: np.random.Generator) -> None:
        p = self.shop.products
        lead = p.lead_time
        need = self._need(d, np.arange(self.P), lead + SAFETY_DAYS)
        cover = self._need(d, np.arange(self.P), lead + SAFETY_DAYS + COVER_DAYS)
        position = self.on_hand + self.in_transit
        order = (position < need) & (p.launch <= d + lead) & ~self.held[d] & ~self.held[d + 1]
        qty = np.ceil(np.maximum(cover - position, 0) / 10).astype(np.int64) * 10
        delay = rng.integers(0, 3, self.P)
        for q in np.flatnonzero(order & (qty > 0)):
            self.arrivals[d + int(lead[q]) + int(delay[q]), q] += qty[q]
            self.in_transit[q] += qty[q]

    # ------------------------------------------------------------------ one day

    def day(self, d: int, emit: Emit) -> None:
        cfg, shop, plan, eff = self.cfg, self.shop, self.plan, self.plan.effects
        exp, p, kw = plan.exp, shop.products, shop.keywords
        e = d + self.off
        cal = exp.calendar
        today = cfg.start + timedelta(days=d)
        midnight = datetime(today.year, today.month, today.day)
        r = {name: rng_for(cfg.seed, 600 + k, shop.index, d) for name, k in PURPOSE.items()}

        for q, f, last in eff.stock_holds:
            if d == f:  # the hero sells out and its restock slips to the day after the window
                late = int(self.arrivals[f : last + 1, q].sum())
                restock = self._need(last, q, int(p.lead_time[q]) + COVER_DAYS)
                self.arrivals[f : last + 1, q] = 0
                self.arrivals[last + 1, q] += late + restock
                self.in_transit[q] += restock
                self.on_hand[q] = 0
        arrived = self.arrivals[d]
        self.on_hand += arrived
        self.in_transit -= arrived
        launched = p.launch <= d
        oos = launched & (self.on_hand <= 0)
        for q, f in eff.new_images:
            if d == f:
                self.image[q] = image_hash(p.image[q], "redesign", f)

        comp_cvr, comp_rows = self._competitors(d, today)
        recent = slice(max(0, d - REVIEW_WINDOW), d)
        total, bad = self.rev_total[recent].sum(axis=0), self.rev_bad[recent].sum(axis=0)
        share = (bad + BAD_SHARE_USUAL * REVIEW_PRIOR) / (total + REVIEW_PRIOR)
        review_cvr = np.clip(1 - REVIEW_EFFECT * np.maximum(0, share - BAD_SHARE_USUAL), 0.5, 1.0)

        # Visitors: expected × noise × planted effects; a sold-out listing keeps a little traffic.
        lam = (
            exp.visitors[e]
            * self.n_store[d]
            * self.n_src[d][None, :]
            * self.n_prod[d][:, None]
            * eff.visitors[d]
            * eff.source_visitors[d][None, :]
            * np.where(oos, OOS_TRAFFIC, 1.0)[:, None]
        )
        visitors = r["traffic"].poisson(lam)
        # Natural search bottom-up: impressions (rank) × click-through (main image).
        rs = r["search"]
        impressions = rs.poisson(lam[:, SEARCH] / p.ctr * eff.impressions[d])
        visitors[:, SEARCH] = rs.binomial(impressions, np.clip(p.ctr * eff.ctr[d], 0, 1))
        rank = exp.rank[e] * eff.rank[d] * self.n_rank[d]
        # Paid search: per keyword, rivals' bids set the CPC; sold-out products stop showing.
        ra = r["ads"]
        active = launched[kw.product] & ~oos[kw.product]
        # The bid holds the average rank; a worse rank that day shows the ad less often and gets fewer clicks.
        kw_rank = kw.rank * self.n_kw_rank[d]
        share = (1 + RANK_DECAY * (kw.rank - 1)) / (1 + RANK_DECAY * (kw_rank - 1))
        expected = exp.clicks[e] * self.n_store[d] * self.n_src[d, PAID] * self.n_kw[d]
        kw_imp = ra.poisson(expected / kw.ctr * share * active)
        kw_ctr = np.clip(kw.ctr * eff.ctr[d, kw.product] * (kw.rank / kw_rank) ** 0.3, 0, 1)
        clicks = ra.binomial(kw_imp, kw_ctr)
        rival = kw.bid0 * self.bid_walk[d] * eff.cpc[d]
        cpc = rival * ra.uniform(0.85, 0.98, self.K)
        kw_cost = np.round(clicks * cpc).astype(np.int64)
        bid = np.round(rival * kw.ratio).astype(np.int64)
        visitors[:, PAID] = np.bincount(kw.product, clicks, minlength=self.P)
        kw_cvr = np.ones(self.P)
        w = np.bincount(kw.product, clicks * kw.cvr, minlength=self.P)
        c = np.bincount(kw.product, clicks, minlength=self.P)
        kw_cvr[c > 0] = w[c > 0] / c[c > 0]

        # Bounce, then conversion of the visitors who stayed.
        rc = r["convert"]
        base_bounce = np.clip(SRC_BOUNCE[None, :] * p.bounce[:, None], 0.05, 0.9)
        bounce = np.clip(base_bounce + eff.bounce[d][:, None], 0.05, 0.95)
        bounced = rc.binomial(visitors, bounce)
        stayed = visitors - bounced
        cvr = (
            p.cvr[:, None]
            * p.affinity
            * SRC_CVR[None, :]
            * cal.cvr[e]
            * eff.store_cvr[d]
            * eff.source_cvr[d][None, :]
            * (eff.cvr[d] * review_cvr * comp_cvr * self.n_cvr[d])[:, None]
        )
        cvr[:, PAID] *= kw_cvr
        p_buy = np.clip(cvr / (1 - base_bounce), 0, 0.9)
        p_buy[oos] = 0
        buyers = rc.binomial(stayed, p_buy)

        discount = max(float(eff.discount[d]), 0.1 if cal.campaign[e] >= 3 else 0.0)
        orders, self.pool = draw_orders(
            r["orders"], shop, buyers, clicks, self.on_hand, eff.attach[d], discount, self.pool
        )
        n = len(orders)
        ro = r["orders"]
        delivered_day = d + 1 + ro.integers(0, 4, n)
        refund_day = delivered_day + ro.integers(0, 6, n)
        refund_rate = shop.theme.refund_rate * np.where(eff.bad_batch[d, orders.product] > 0, 2.5, 1.0)
        refunded = (ro.random(n) < refund_rate) & (refund_day < self.D)

        units = np.bincount(orders.product, orders.qty, minlength=self.P).astype(np.int64)
        has_addon = orders.addon >= 0
        units += np.bincount(orders.addon[has_addon], minlength=self.P)
        self.on_hand -= units
        assert (self.on_hand >= 0).all()
        self._restock(d, r["stock"])

        ids = self._orders_tables(d, today, midnight, orders, delivered_day, refunded, emit)
        self._reviews(d, midnight, orders, ids, delivered_day, r["reviews"], emit)
        by_source = self._traffic(d, today, visitors, bounced, stayed, orders, kw_cost, r["traffic"], emit)
        self._products(d, today, visitors, bounced, stayed, orders, units, impressions, rank, r["product"], emit)
        self._ads(d, today, kw_imp, clicks, kw_cost, bid, kw_rank, orders, ra, emit)
        self._service(d, today, visitors.sum(), orders, r["service"], emit)
        emit("competitor_listings", comp_rows)
        self._inventory(d, today, launched, emit)
        if cfg.sessions:
            table = session_table(r["sessions"], shop.store_id, today, source_names(shop.lang), *by_source)
            self.books.sessions += table.num_rows
            emit("sessions", table)

    # ------------------------------------------------------------------ tables

    def _orders_tables(
        self, d: int, today: date, midnight: datetime, o: DayOrders, delivered_day: Arr, refunded: Arr, emit: Emit
    ) -> Arr:
        b, shop, p = self.books, self.shop, self.shop.products
        n = len(o)
        b.orders[d] = n
        prefix = f"{shop.index + 1}{today.strftime('%Y%m%d')}"
        ids = np.array([f"{prefix}{i:06d}" for i in range(1, n + 1)], dtype=object)
        zh = shop.lang == "zh"
        delivered = delivered_day < self.D
        status = np.where(
            refunded,
            "交易关闭" if zh else "refunded",
            np.where(delivered, "交易成功" if zh else "completed", "卖家已发货" if zh else "shipped"),
        )
        deliver_sec = (delivered_day - d) * 86400 + 10 * 3600 + (o.paid_sec % 36000)
        refund = np.where(refunded, o.paid, 0)
        prefix_buyer = "tb" if zh else "cust"
        emit(
            "orders",
            pa.table(
                {
                    "store_id": pa.array([shop.store_id] * n, pa.string()),
                    "order_id": pa.array(ids, pa.string()),
                    "created_time": _stamp(midnight, o.created_sec),
                    "paid_time": _stamp(midnight, o.paid_sec),
                    "buyer_id": pa.array([f"{prefix_buyer}{x:08d}" for x in o.buyer], pa.string()),
                    "status": pa.array(status, pa.string()),
                    "goods_amount": _money(o.goods),
                    "discount": _money(o.discount),
                    "postage": _money(o.postage),
                    "paid_amount": _money(o.paid),
                    "refund": _money(refund),
                    "currency": pa.array([shop.currency] * n, pa.string()),
                    "channel": pa.array(np.array(source_names(shop.lang), dtype=object)[o.source], pa.string()),
                    "delivered_time": pa.array(
                        np.where(
                            delivered,
                            np.datetime64(midnight, "s") + deliver_sec.astype("timedelta64[s]"),
                            np.datetime64("NaT"),
                        ),
                        pa.timestamp("s"),
                    ),
                    "promised_delivery_time": _stamp(midnight, o.paid_sec + 72 * 3600),
                }
            ),
        )
        a = np.flatnonzero(o.addon >= 0)
        line_order = np.concatenate([np.arange(n), a])
        line_no = np.concatenate([np.ones(n, dtype=np.int64), np.full(len(a), 2)])
        prod = np.concatenate([o.product, o.addon[a]])
        qty = np.concatenate([o.qty, np.ones(len(a), dtype=np.int64)])
        unit = np.concatenate([p.price[o.product], o.addon_unit[a]])
        amount = np.concatenate([o.main_amount, o.addon_amount[a]])
        disc = np.concatenate([o.main_discount, o.addon_discount[a]])
        postage = np.concatenate([o.postage, np.zeros(len(a), dtype=np.int64)])
        line_refund = np.where(refunded[line_order], amount + postage, 0)
        sort = np.lexsort((line_no, line_order))
        b.lines[d] = len(sort)
        emit(
            "order_lines",
            pa.table(
                {
                    "store_id": pa.array([shop.store_id] * len(sort), pa.string()),
                    "order_id": pa.array(ids[line_order[sort]], pa.string()),
                    "line_no": pa.array(line_no[sort].astype(str), pa.string()),
                    "sku": pa.array(p.sku[prod[sort]], pa.string()),
                    "title": pa.array(p.title[prod[sort]], pa.string()),
                    "quantity": pa.array(qty[sort], pa.int64()),
                    "unit_price": _money(unit[sort]),
                    "amount": _money(amount[sort]),
                    "discount": _money(disc[sort]),
                    "postage": _money(postage[sort]),
                    "refund": _money(line_refund[sort]),
                }
            ),
        )
        return ids

    def _reviews(
        self, d: int, midnight: datetime, o: DayOrders, ids: Arr, delivered_day: Arr, rng: Rng, emit: Emit
    ) -> None:
        shop, p = self.shop, self.shop.products
        rv = draw_reviews(rng, shop, o, delivered_day, self.plan.effects.bad_batch[d])
        np.add.at(self.rev_total, (rv.day, rv.product), 1)
        np.add.at(self.rev_bad, (rv.day, rv.product), rv.rating <= 2)
        keep = rv.day < self.D
        idx = np.flatnonzero(keep)
        self.books.reviews += len(idx)
        if not len(idx):
            return
        zh = shop.lang == "zh"
        sec = (rv.day[idx] - d) * 86400 + rv.sec[idx]
        rating = rv.rating[idx]
        reply = rv.reply_after[idx] >= 0
        cats = np.array(shop.category_names, dtype=object)
        emit(
            "reviews",
            pa.table(
                {
                    "store_id": pa.array([shop.store_id] * len(idx), pa.string()),
                    "review_id": pa.array(["R" + x for x in ids[rv.order[idx]]], pa.string()),
                    "sku": pa.array(p.sku[rv.product[idx]], pa.string()),
                    "order_id": pa.array(ids[rv.order[idx]], pa.string()),
                    "category": pa.array(cats[p.category[rv.product[idx]]], pa.string()),
                    "rating": pa.array(rating, pa.int64()),
                    "sentiment": pa.array(
                        np.where(rating >= 4, "positive", np.where(rating == 3, "neutral", "negative")), pa.string()
                    ),
                    "title": pa.array([None if zh else TITLES_EN[int(x)] for x in rating], pa.string()),
                    "text": pa.array([rv.text[i] for i in idx], pa.string()),
                    "review_time": _stamp(midnight, sec),
                    "has_photo": pa.array(rv.has_photo[idx], pa.bool_()),
                    "reply": pa.array([(REPLY_ZH if zh else REPLY_EN) if x else None for x in reply], pa.string()),
                    "reply_time": pa.array(
                        np.where(
                            reply,
                            np.datetime64(midnight, "s") + (sec + rv.reply_after[idx]).astype("timedelta64[s]"),
                            np.datetime64("NaT"),
                        ),
                        pa.timestamp("s"),
                    ),
                    "language": pa.array([shop.lang] * len(idx), pa.string()),
                }
            ),
        )

    def _traffic(
        self,
        d: int,
        today: date,
        visitors: Arr,
        bounced: Arr,
        stayed: Arr,
        o: DayOrders,
        kw_cost: Arr,
        rng: Rng,
        emit: Emit,
    ) -> tuple[Arr, Arr, Arr, Arr, Arr]:
        b, S = self.books, self.S
        v = visitors.sum(axis=0)
        bo = bounced.sum(axis=0)
        st = stayed.sum(axis=0)
        pv = v + st + rng.poisson(st * SRC_PAGES)
        returning = rng.binomial(v, SRC_RETURNING)
        buyers = np.bincount(o.source, minlength=S)
        gmv = np.bincount(o.source, o.paid, minlength=S).astype(np.int64)
        cost = np.zeros(S, dtype=np.int64)
        cost[PAID] = kw_cost.sum()
        cost[AFFILIATE] = int(round(gmv[AFFILIATE] * AFFILIATE_COMMISSION))
        fav = rng.binomial(v, 0.04)
        cart = rng.binomial(v, np.clip(0.07 * self.plan.exp.calendar.cart[d + self.off], 0, 1))
        b.visitors[d], b.page_views[d], b.bounced[d], b.buyers[d], b.gmv[d], b.cost[d] = v, pv, bo, buyers, gmv, cost
        safe = np.maximum(v, 1)
        paid_src = np.array([s.paid for s in SOURCES])
        emit(
            "traffic_daily",
            pa.table(
                {
                    "store_id": pa.array([self.shop.store_id] * S, pa.string()),
                    "date": pa.array([today] * S, pa.date32()),
                    "source": pa.array(source_names(self.shop.lang), pa.string()),
                    "visitors": pa.array(v, pa.int64()),
                    "page_views": pa.array(pv, pa.int64()),
                    "bounce_rate": pa.array(np.round(bo / safe, 4), pa.float64()),
                    "pages_per_visitor": pa.array(np.round(pv / safe, 2), pa.float64()),
                    "new_visitors": pa.array(v - returning, pa.int64()),
                    "returning_visitors": pa.array(returning, pa.int64()),
                    "paid_buyers": pa.array(buyers, pa.int64()),
                    "paid_amount": _money(gmv),
                    "conversion_rate": pa.array(np.round(buyers / safe, 4), pa.float64()),
                    "revenue_per_buyer": _money(np.round(gmv / np.maximum(buyers, 1))),
                    "favourites": pa.array(fav, pa.int64()),
                    "add_to_cart": pa.array(cart, pa.int64()),
                    "cost": pa.array(cost / 100.0, pa.float64(), mask=~paid_src),  # blank for unpaid sources
                }
            ),
        )
        return v, bo, pv, returning, buyers  # session rows (scale mode) are drawn to match exactly these

    def _products(
        self,
        d: int,
        today: date,
        visitors: Arr,
        bounced: Arr,
        stayed: Arr,
        o: DayOrders,
        units: Arr,
        impressions: Arr,
        rank: Arr,
        rng: Rng,
        emit: Emit,
    ) -> None:
        b, p, P = self.books, self.shop.products, self.P
        landing = visitors.sum(axis=1)
        weight = self.plan.exp.appeal[d + self.off]
        weight = weight / max(weight.sum(), 1e-12)
        browse = rng.poisson(0.35 * stayed.sum() * weight)  # visitors who came on from another product's page
        pvis = landing + browse
        pv = pvis + rng.poisson(pvis * 0.5)
        has_addon = o.addon >= 0
        buyers = np.bincount(o.product, minlength=P) + np.bincount(o.addon[has_addon], minlength=P)
        gmv = np.bincount(o.product, o.main_amount + o.postage, minlength=P) + np.bincount(
            o.addon[has_addon], o.addon_amount[has_addon], minlength=P
        )
        gmv = np.rint(gmv).astype(np.int64)
        fav = rng.binomial(pvis, 0.05)
        cart = rng.binomial(pvis, np.clip(0.08 * self.plan.exp.calendar.cart[d + self.off], 0, 1))
        live = p.launch <= d
        b.product_units[d], b.product_gmv[d], b.product_buyers[d] = units, gmv, buyers
        b.units[d] = units.sum()
        b.search_visitors[d], b.search_impressions[d] = visitors[:, SEARCH], impressions
        i = np.flatnonzero(live)
        emit(
            "product_daily",
            pa.table(
                {
                    "store_id": pa.array([self.shop.store_id] * len(i), pa.string()),
                    "date": pa.array([today] * len(i), pa.date32()),
                    "sku": pa.array(p.sku[i], pa.string()),
                    "title": pa.array(p.title[i], pa.string()),
                    "visitors": pa.array(pvis[i], pa.int64()),
                    "page_views": pa.array(pv[i], pa.int64()),
                    "bounce_rate": pa.array(np.round(bounced.sum(axis=1)[i] / np.maximum(landing[i], 1), 4)),
                    "favourites": pa.array(fav[i], pa.int64()),
                    "add_to_cart": pa.array(cart[i], pa.int64()),
                    "buyers": pa.array(buyers[i], pa.int64()),
                    "units": pa.array(units[i], pa.int64()),
                    "gmv": _money(gmv[i]),
                    "search_visitors": pa.array(visitors[i, SEARCH], pa.int64()),
                    "search_impressions": pa.array(impressions[i], pa.int64()),
                    "search_rank": pa.array(np.round(rank[i], 1), pa.float64()),
                }
            ),
        )

    def _ads(
        self,
        d: int,
        today: date,
        imp: Arr,
        clicks: Arr,
        cost: Arr,
        bid: Arr,
        rank: Arr,
        o: DayOrders,
        rng: Rng,
        emit: Emit,
    ) -> None:
        kw, b = self.shop.keywords, self.books
        paid = o.keyword >= 0
        orders = np.bincount(o.keyword[paid], minlength=self.K)
        gmv = np.bincount(o.keyword[paid], o.paid[paid], minlength=self.K).astype(np.int64)
        b.kw_clicks[d], b.kw_cost[d], b.kw_orders[d], b.kw_gmv[d] = clicks, cost, orders, gmv
        i = np.flatnonzero(imp > 0)
        zh = self.shop.lang == "zh"
        emit(
            "ad_keywords",
            pa.table(
                {
                    "store_id": pa.array([self.shop.store_id] * len(i), pa.string()),
                    "date": pa.array([today] * len(i), pa.date32()),
                    "campaign": pa.array(kw.campaign[i], pa.string()),
                    "ad_group": pa.array(self.shop.products.title[kw.product[i]], pa.string()),
                    "keyword": pa.array(kw.text[i], pa.string()),
                    "match_type": pa.array(kw.match[i], pa.string()),
                    "search_term": pa.array([None if zh else t for t in kw.text[i]], pa.string()),
                    "sku": pa.array(self.shop.products.sku[kw.product[i]], pa.string()),
                    "bid": _money(bid[i]),
                    "impressions": pa.array(imp[i], pa.int64()),
                    "clicks": pa.array(clicks[i], pa.int64()),
                    "cost": _money(cost[i]),
                    "avg_rank": pa.array(np.round(rank[i], 1), pa.float64()),
                    "orders": pa.array(orders[i], pa.int64()),
                    "ad_gmv": _money(gmv[i]),
                    "favourites": pa.array(rng.binomial(clicks[i], 0.06), pa.int64()),
                    "add_to_cart": pa.array(rng.binomial(clicks[i], 0.09), pa.int64()),
                }
            ),
        )

    def _service(self, d: int, today: date, visitors: int, o: DayOrders, rng: Rng, emit: Emit) -> None:
        ag, eff, b = self.shop.agents, self.plan.effects, self.books
        on = ag.workdays[:, today.weekday()].astype(float)
        inquiries = rng.multinomial(rng.poisson(visitors * INQUIRY_RATE), on / on.sum())
        skill = np.clip(ag.skill * eff.skill[d] * min(1.0, self.plan.exp.calendar.cvr[d + self.off]) ** 0.3, 0, 0.95)
        paid = rng.binomial(inquiries, skill)
        n = len(o)
        if paid.sum() > n:  # an agent can only help close orders that exist
            paid = rng.multivariate_hypergeometric(paid, n)
        helped = rng.permutation(n)[: paid.sum()]
        agent_of = np.repeat(np.arange(self.A), paid)
        amount = np.bincount(agent_of, o.paid[helped], minlength=self.A).astype(np.int64)
        response = ag.response * eff.response[d] * rng.lognormal(0, 0.12, self.A)
        b.inquiries[d], b.inquirers_paid[d] = inquiries, paid
        i = np.flatnonzero(on > 0)
        emit(
            "service_daily",
            pa.table(
                {
                    "store_id": pa.array([self.shop.store_id] * len(i), pa.string()),
                    "date": pa.array([today] * len(i), pa.date32()),
                    "agent": pa.array(ag.name[i], pa.string()),
                    "inquiries": pa.array(inquiries[i], pa.int64()),
                    "inquirers_paid": pa.array(paid[i], pa.int64()),
                    "paid_amount": _money(amount[i]),
                    "response_seconds": pa.array(np.round(response[i], 1), pa.float64()),
                }
            ),
        )

    def _competitors(self, d: int, today: date) -> tuple[Arr, pa.Table]:
        """Today's competitor snapshots, and how their price moves change our matched products' conversion."""
        comp, eff, p = self.shop.competitors, self.plan.effects, self.shop.products
        price = comp.price * self.promo[d]
        for cut in eff.price_cuts:
            if cut.first <= d <= cut.last:
                price[cut.listing] = p.price[comp.matched[cut.listing]] * cut.ratio
        present = comp.launch <= d
        matched = present & (comp.matched >= 0)
        ours = p.price[np.maximum(comp.matched, 0)]
        drop = np.where(matched, (comp.price - price) / ours, 0.0)
        mult = np.ones(self.P)
        for k in np.flatnonzero(drop > 0):
            mult[comp.matched[k]] *= 1 - comp.elasticity[k] * drop[k]
        mult = np.clip(mult, 0.5, 1.0)
        cal = self.plan.exp.calendar
        e = d + self.off
        shown = np.round(price * (0.88 if cal.campaign[e] >= 3 else 1.0)).astype(np.int64)
        traffic = cal.traffic[max(0, e - 29) : e + 1].mean()
        sales = np.round(comp.sales * traffic * self.n_comp[d] * np.where(price < comp.price * 0.9, 1.4, 1.0))
        names = np.array(comp.names, dtype=object)
        i = np.flatnonzero(present)
        rows: dict[str, list[Any]] = {
            "store_id": [self.shop.store_id] * len(i),
            "date": [today] * len(i),
            "competitor": list(names[comp.owner[i]]),
            "listing_id": list(comp.listing[i]),
            "title": list(comp.title[i]),
            "price": list(shown[i] / 100.0),
            "monthly_sales": [int(x) for x in sales[i]],
            "image_hash": list(comp.image[i]),
            "first_seen": [launch_date(self.cfg.start, max(int(x), -400)) for x in comp.launch[i]],
            "matched_sku": [p.sku[m] if m >= 0 else None for m in comp.matched[i]],
        }
        zh = self.shop.lang == "zh"
        for cc in eff.copycats:
            if cc.first <= d <= cc.last:
                age = d - cc.first + 1
                expected = self.plan.exp.units[e, cc.product] * 30 * cc.share * min(1.0, age / 30)
                rows["store_id"].append(self.shop.store_id)
                rows["date"].append(today)
                rows["competitor"].append(comp.names[cc.competitor])
                rows["listing_id"].append(cc.listing)
                rows["title"].append(f"{p.title[cc.product]} {'新款' if zh else 'new'}")
                rows["price"].append(cc.price / 100.0)
                rows["monthly_sales"].append(int(round(expected)))
                rows["image_hash"].append(str(self.image[cc.product]))
                rows["first_seen"].append(self.cfg.start + timedelta(days=cc.first))
                rows["matched_sku"].append(str(p.sku[cc.product]))
        return mult, pa.table(rows, schema=COMPETITOR_SCHEMA)

    def _inventory(self, d: int, today: date, launched: Arr, emit: Emit) -> None:
        p = self.shop.products
        self.books.on_hand[d] = self.on_hand
        i = np.flatnonzero(launched)
        emit(
            "inventory",
            pa.table(
                {
                    "store_id": pa.array([self.shop.store_id] * len(i), pa.string()),
                    "date": pa.array([today] * len(i), pa.date32()),
                    "sku": pa.array(p.sku[i], pa.string()),
                    "warehouse": pa.array(["主仓" if self.shop.lang == "zh" else "main"] * len(i), pa.string()),
                    "on_hand": pa.array(self.on_hand[i], pa.int64()),
                    "in_transit": pa.array(self.in_transit[i], pa.int64()),
                    "lead_time_days": pa.array(p.lead_time[i].astype(float), pa.float64()),
                }
            ),
        )
