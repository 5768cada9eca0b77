"""One store-day of orders: from buyer counts per product × source to orders, order lines and later reviews.

Every buyer places exactly one order that day (so a day's buyers equal its orders); the order's main line is the
product they landed on, and some buyers add the product's bundle accessory. Stock is allocated order by order in
random sequence: once a product is sold out, later buyers of it walk away. Money is integer cents throughout, so
the books add up to the cent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shopops.simulate.catalog import Shop
from shopops.simulate.expect import BUNDLE_PRICE
from shopops.simulate.sources import PAID, SOURCES
from shopops.simulate.themes import ASPECTS_EN, ASPECTS_ZH, REVIEWS_EN, REVIEWS_ZH

# Taobao's day: a late-morning and an afternoon hump, and the evening peak 20:00–23:00.
HOURS = np.array(
    [
        0.9,
        0.5,
        0.3,
        0.2,
        0.15,
        0.15,
        0.3,
        0.8,
        1.6,
        2.6,
        3.6,
        3.8,
        3.2,
        3.3,
        3.6,
        3.6,
        3.3,
        3.0,
        2.9,
        3.2,
        4.2,
        5.0,
        5.2,
        3.4,
    ]
)
HOURS = HOURS / HOURS.sum()
REVIEW_RATE = {"zh": 0.3, "en": 0.08}
RETURNING_SOURCE = np.array([s.returning_buyer for s in SOURCES])


@dataclass(frozen=True)
class DayOrders:
    product: np.ndarray  # main product
    source: np.ndarray
    keyword: np.ndarray  # paid-search keyword index, -1 otherwise
    qty: np.ndarray
    addon: np.ndarray  # bundle accessory product, -1 if none
    addon_unit: np.ndarray  # cents
    main_amount: np.ndarray  # cents, after its share of the discount
    main_discount: np.ndarray
    addon_amount: np.ndarray
    addon_discount: np.ndarray
    goods: np.ndarray
    discount: np.ndarray
    postage: np.ndarray
    paid: np.ndarray
    paid_sec: np.ndarray  # seconds after midnight
    created_sec: np.ndarray
    buyer: np.ndarray  # customer number
    returning: np.ndarray

    def __len__(self) -> int:
        return len(self.product)


def fit_to_stock(group: np.ndarray, qty: np.ndarray, cap: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Which orders get served: within each product, in random sequence, until its stock is used up."""
    n = len(group)
    key = rng.random(n)
    if n == 0:
        return np.zeros(0, dtype=bool)
    order = np.lexsort((key, group))
    g, q = group[order], qty[order]
    cum = np.cumsum(q)
    starts = np.r_[0, np.flatnonzero(np.diff(g)) + 1]
    base = np.repeat(cum[starts] - q[starts], np.diff(np.r_[starts, n]))
    ok = np.empty(n, dtype=bool)
    ok[order] = (cum - base) <= cap[g]
    return ok


def draw_orders(
    rng: np.random.Generator,
    shop: Shop,
    buyers: np.ndarray,  # [p, s]
    clicks: np.ndarray,  # [k]
    on_hand: np.ndarray,  # [p]
    attach: np.ndarray,  # [p] multiplier of the bundle attach rate
    discount_rate: float,
    pool: int,
) -> tuple[DayOrders, int]:
    p, kw = shop.products, shop.keywords
    S = buyers.shape[1]
    cell = np.repeat(np.arange(buyers.size), buyers.ravel())
    prod, src = cell // S, cell % S
    n = len(prod)
    u = rng.random(n)
    qty = 1 + (u < 0.13).astype(np.int64) + (u < 0.035)
    partner = p.partner[prod]
    take = (partner >= 0) & (rng.random(n) < p.attach[prod] * attach[prod])
    served = fit_to_stock(prod, qty, on_hand, rng)
    prod, src, qty, partner, take = prod[served], src[served], qty[served], partner[served], take[served]
    left = on_hand - np.bincount(prod, qty, minlength=len(p)).astype(np.int64)
    idx = np.flatnonzero(take)
    ok = fit_to_stock(partner[idx], np.ones(len(idx), dtype=np.int64), left, rng)
    take[idx[~ok]] = False
    addon = np.where(take, partner, -1)
    n = len(prod)

    keyword = np.full(n, -1, dtype=np.int64)
    paid_idx = np.flatnonzero(src == PAID)
    for q in np.unique(prod[paid_idx]):
        rows = paid_idx[prod[paid_idx] == q]
        ks = np.flatnonzero(kw.product == q)
        w = clicks[ks] * kw.cvr[ks]
        w = w / w.sum() if w.sum() > 0 else np.full(len(ks), 1 / len(ks))
        keyword[rows] = rng.choice(ks, len(rows), p=w)

    main_goods = qty * p.price[prod]
    addon_unit = np.where(take, np.round(p.price[np.maximum(addon, 0)] * BUNDLE_PRICE), 0).astype(np.int64)
    goods = main_goods + addon_unit
    coupon = np.where(goods >= shop.coupon_threshold, shop.coupon, 0)
    discount = np.minimum(coupon + np.round(goods * discount_rate).astype(np.int64), goods // 2)
    net = goods - discount
    postage = np.where(net < shop.free_shipping, shop.postage, 0)
    main_discount = np.round(discount * main_goods / np.maximum(goods, 1)).astype(np.int64)
    addon_discount = discount - main_discount

    sec = rng.choice(24, n, p=HOURS) * 3600 + rng.integers(0, 3600, n)
    created = np.maximum(sec - rng.integers(15, 900, n), 0)
    returning = rng.random(n) < RETURNING_SOURCE[src]
    k = int(min(returning.sum(), pool))
    buyer = np.empty(n, dtype=np.int64)
    ret_idx = np.flatnonzero(returning)
    returning[ret_idx[k:]] = False
    buyer[ret_idx[:k]] = rng.choice(pool, k, replace=False) if k else []
    new_idx = np.flatnonzero(~returning)
    buyer[new_idx] = pool + np.arange(len(new_idx))

    order = np.argsort(sec, kind="stable")  # order numbers follow payment time
    day = DayOrders(
        product=prod[order],
        source=src[order],
        keyword=keyword[order],
        qty=qty[order],
        addon=addon[order],
        addon_unit=addon_unit[order],
        main_amount=(main_goods - main_discount)[order],
        main_discount=main_discount[order],
        addon_amount=(addon_unit - addon_discount)[order],
        addon_discount=addon_discount[order],
        goods=goods[order],
        discount=discount[order],
        postage=postage[order],
        paid=(net + postage)[order],
        paid_sec=sec[order],
        created_sec=created[order],
        buyer=buyer[order],
        returning=returning[order],
    )
    return day, pool + len(new_idx)


@dataclass(frozen=True)
class DayReviews:
    order: np.ndarray  # index into the day's orders
    product: np.ndarray
    rating: np.ndarray
    day: np.ndarray  # day index the review is posted
    sec: np.ndarray
    text: list[str]
    has_photo: np.ndarray
    reply_after: np.ndarray  # seconds after the review, -1 if no reply


def draw_reviews(
    rng: np.random.Generator,
    shop: Shop,
    orders: DayOrders,
    delivered_day: np.ndarray,
    bad_share: np.ndarray,  # [p] share of ≤2-star reviews for this day's orders, 0 = the product's usual
) -> DayReviews:
    n = len(orders)
    prod = orders.product
    bad = bad_share[prod]
    rate = REVIEW_RATE[shop.lang] * np.where(bad > 0, 2.0, 1.0)
    writes = rng.random(n) < rate
    q = shop.products.quality[prod]
    # The usual spread: q five-star, the rest mostly 4, some 3, a few 1–2.
    cum = np.stack([(1 - q) * 0.12, (1 - q) * 0.2, (1 - q) * 0.4, 1 - q, np.ones(n)], axis=1)
    u = rng.random(n)
    rating = 1 + (u[:, None] > cum).sum(axis=1)
    bad_draw = rng.random(n) < bad
    rating = np.where(bad_draw, 1 + (rng.random(n) < 0.45), rating)
    lag = rng.geometric(0.35, n) - 1
    day = delivered_day + lag
    sec = rng.integers(8 * 3600, 23 * 3600, n)
    photo = rng.random(n) < np.where(rating >= 4, 0.25, 0.45)
    reply = np.where((rating <= 3) & (rng.random(n) < 0.6), rng.integers(2 * 3600, 20 * 3600, n), -1)
    pick = rng.random((n, 2))
    idx = np.flatnonzero(writes)
    phrases = REVIEWS_ZH if shop.lang == "zh" else REVIEWS_EN
    aspects = ASPECTS_ZH if shop.lang == "zh" else ASPECTS_EN
    text = []
    for i in idx:
        options = phrases[int(rating[i])]
        line = options[int(pick[i, 0] * len(options))]
        text.append(line.format(aspect=aspects[int(pick[i, 1] * len(aspects))]))
    return DayReviews(idx, prod[idx], rating[idx], day[idx], sec[idx], text, photo[idx], reply[idx])
