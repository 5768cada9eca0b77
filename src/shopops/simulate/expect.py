"""Expected (noise-free, cause-free) demand: what the operator plans with.

Used for the monthly GMV targets, the restock policy, and for choosing the products a random scenario hits (the
top sellers of its window). Computed over the period widened to whole months and 60 days past the end, so targets
cover whole months and restocks can look ahead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from shopops.simulate.calendar import Calendar, build_calendar
from shopops.simulate.catalog import Shop
from shopops.simulate.sources import CAMPAIGN, PAID, RECOMMEND, SOURCES

# How strongly each source favours the products that already sell (search is rich-get-richer, content less so).
SOURCE_GAMMA = np.array([1.15, 1.0, 1.0, 1.05, 1.0, 0.8, 1.25])
NEW_IN_FEED = 1.5  # the feed boosts new arrivals (新品标) for four weeks
MEAN_QTY = 1.2
BUNDLE_PRICE = 0.8  # the accessory's price inside a bundle


@dataclass(frozen=True)
class Expectation:
    calendar: Calendar  # the widened calendar
    offset: int  # widened index of period day 0
    appeal: np.ndarray  # [e, p]
    visitors: np.ndarray  # [e, p, s]
    buyers: np.ndarray  # [e, p, s]
    clicks: np.ndarray  # [e, k]
    units: np.ndarray  # [e, p]
    gmv: np.ndarray  # [e, p] cents
    rank: np.ndarray  # [e, p] natural-search rank

    def cum_units(self) -> np.ndarray:
        return np.vstack([np.zeros((1, self.units.shape[1])), np.cumsum(self.units, axis=0)])


def widen(start: date, end: date) -> tuple[date, int, int]:
    first = start.replace(day=1)
    month_end = (end.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    last = max(month_end, end + timedelta(days=60))
    return first, (last - first).days + 1, (start - first).days


def expect(shop: Shop, start: date, end: date, visitors_per_day: int, trend: float) -> Expectation:
    first, n, offset = widen(start, end)
    cal = build_calendar(
        first, n, season_peak_doy=shop.theme.season_peak_doy, season_amp=shop.theme.season_amp, trend=trend
    )
    p, kw = shop.products, shop.keywords
    days = np.arange(n) - offset
    appeal = p.appeal(days)
    age = days[:, None] - p.launch[None, :]
    base = visitors_per_day * cal.traffic
    shares = np.array([s.share for s in SOURCES])
    visitors = np.zeros((n, len(p), len(SOURCES)))
    for s in range(len(SOURCES)):
        if s == PAID:
            continue
        w = appeal ** SOURCE_GAMMA[s]
        if s == RECOMMEND:
            w = w * np.where((age >= 0) & (age < 28), 1 + NEW_IN_FEED, 1.0)
        w = w / np.maximum(w.sum(axis=1, keepdims=True), 1e-12)
        level = base * shares[s] * (cal.campaign if s == CAMPAIGN else 1.0)
        visitors[:, :, s] = level[:, None] * w
    kw_w = appeal[:, kw.product] * kw.weight[None, :]
    kw_w = kw_w / np.maximum(kw_w.sum(axis=1, keepdims=True), 1e-12)
    clicks = (base * shares[PAID])[:, None] * kw_w
    visitors[:, :, PAID] = np.stack([np.bincount(kw.product, row, minlength=len(p)) for row in clicks])
    src_cvr = np.array([s.cvr for s in SOURCES])
    cvr = p.cvr[None, :, None] * p.affinity[None, :, :] * src_cvr[None, None, :] * cal.cvr[:, None, None]
    buyers = visitors * cvr
    b = buyers.sum(axis=2)
    has_partner = p.partner >= 0
    addon = b[:, has_partner] * p.attach[has_partner]
    addon_units = np.zeros_like(b)
    for j, q in enumerate(p.partner[has_partner]):
        addon_units[:, q] += addon[:, j]
    units = b * MEAN_QTY + addon_units
    gmv = b * MEAN_QTY * p.price + addon_units * p.price * BUNDLE_PRICE
    share = appeal / np.maximum(appeal.max(axis=1, keepdims=True), 1e-12)
    rank = 1 + 50 * np.exp(-3 * share)
    return Expectation(cal, offset, appeal, visitors, buyers, clicks, units, gmv, rank)
