"""The product view: each SKU's traffic, search, conversion, page, basket, review and stock facts for the day.

Counts (impressions, visitors, rank) are judged on the log scale with the day effects common to all products taken
out, so a 双11 surge or one product's rise does not make the others look like they fell; rates (click-through,
conversion, bounce, bundle attach, share of bad reviews) are binomial. Conversion is measured against the rest of
the store's conversion that day, so a calendar day that converts worse everywhere is no product's fault.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from shopops.diagnose.baseline import log_shift, rate_shift, remove_common
from shopops.diagnose.context import DayContext
from shopops.diagnose.panel import aligned, matrix, rank_desc, safe_div, window_median, window_sum
from shopops.diagnose.views import put_shift, shifted, view

BASE = 28  # baseline days
SAFETY_DAYS, COVER_DAYS = 7, 14
REVIEW_PRIOR = 50  # reviews' worth of the store's usual bad share behind each product's own  # a reorder covers the lead time, a week of safety and two weeks of sales

COLUMNS = {
    "title": "product title",
    "price": "list price",
    "margin": "(price − cost) ÷ price",
    "age_days": "days since launch (上新)",
    "visitors_today": "the day's product visitors",
    "visitors_7d": "visitors over the last 7 days (``Top`` ranks on it)",
    "gmv_7d": "GMV over the last 7 days",
    "gmv_base": "median daily GMV over the baseline days",
    "buyers_today": "the day's buyers",
    "value_per_visitor": "GMV ÷ visitors over the baseline days",
    **shifted("search_impressions", "natural-search impressions"),
    **shifted("search_rank", "natural-search rank (higher is worse)"),
    **shifted("search_ctr", "search click-through: search visitors ÷ impressions"),
    **shifted("visitors", "product visitors"),
    **shifted("conversion", "buyers ÷ visitors, relative to the rest of the store"),
    **shifted("bounce", "detail-page bounce rate"),
    **shifted("attach", "share of the product's orders that also hold its usual bundle partner"),
    **shifted("bad_review_share", "share of reviews rated ≤ 2"),
    "partner": "the usual bundle partner (关联搭配)",
    "partner_title": "its title",
    "partner_share": "share of the partner's own orders that hold this product (before the episode)",
    "leads_bundle": "1 when this product's orders held up better than its partner's over the episode (its lead)",
    "bad_reviews_7d": "reviews rated ≤ 2 in the last 7 days",
    "bad_reviews_today": "reviews rated ≤ 2 posted on the day",
    "reviews_7d": "reviews in the last 7 days",
    "on_hand": "stock on hand at the day's snapshot",
    "in_transit": "stock on its way",
    "lead_time_days": "restock lead time",
    "daily_units": "units sold per in-stock day over the last 28 days",
    "cover_days": "(on hand + in transit) ÷ daily units",
    "reorder_units": "units to order to cover lead time + 7 + 14 days",
    "reorder_by": "last day to order before the shelf runs empty",
    "ctr_loss": "GMV per day lost to the fall in click-through",
    "impressions_loss": "GMV per day lost to fewer search impressions",
    "visitors_loss": "GMV per day lost to fewer visitors",
    "conversion_loss": "GMV per day lost to lower conversion",
    "bounce_loss": "GMV per day lost to more bounces",
    "attach_loss": "GMV per day lost to fewer bundles",
    "stockout_loss": "the normal daily GMV of a product with nothing on hand",
}


@view("sku", COLUMNS)
def build(ctx: DayContext) -> pd.DataFrame:
    d, t = ctx.data, ctx.t
    V, skus = matrix(d, "product_daily", "sku", "visitors")
    inv_skus = matrix(d, "inventory", "sku", "on_hand")[1]
    skus = tuple(sorted(set(skus) | set(inv_skus)))
    if not skus or t < 0:
        return pd.DataFrame(columns=list(COLUMNS) + ["subject", "label"])

    def m(frame: str, col: str) -> np.ndarray:
        return aligned(d, frame, "sku", col, skus)

    V, B, G, units = (
        m("product_daily", "visitors"),
        m("product_daily", "buyers"),
        m("product_daily", "gmv"),
        m("product_daily", "units"),
    )
    out: dict[str, object] = {"subject": list(skus)}
    _static(ctx, skus, out)
    out["visitors_today"] = V[t]
    visitors_7d, gmv_7d = window_sum(V, t, 7), window_sum(G, t, 7)
    out["visitors_7d"], out["gmv_7d"] = visitors_7d, gmv_7d
    out["visitors_7d_rank"] = rank_desc(np.nan_to_num(visitors_7d))
    out["gmv_7d_rank"] = rank_desc(np.nan_to_num(gmv_7d))
    gmv_base = np.nan_to_num(window_median(G, t - BASE, t - 1))
    vis_base = window_median(V, t - BASE, t - 1)
    out["gmv_base"] = gmv_base
    out["buyers_today"] = B[t]
    vpv = safe_div(window_sum(G, t - 1, BASE), window_sum(V, t - 1, BASE))
    out["value_per_visitor"] = vpv
    rpb = safe_div(window_sum(G, t - 1, BASE), window_sum(B, t - 1, BASE))

    _search(ctx, m, V, vpv, out)
    lo = max(0, t - 60)
    y = np.full_like(V, np.nan)
    y[lo : t + 1] = remove_common(np.log(V[lo : t + 1] + 1))
    vis = log_shift(y, t, usable=ctx.usable, floor=np.maximum(1 / np.sqrt(np.nan_to_num(vis_base) + 1), 0.05))
    put_shift(out, "visitors", vis, transform=lambda x: np.exp(x) - 1)
    out["visitors_loss"] = np.maximum(0, np.asarray(out["visitors_base"]) - V[t]) * vpv

    # conversion against the rest of the store: the day's factor scales the trials
    tot_b, tot_v = np.nansum(B, axis=1)[:, None], np.nansum(V, axis=1)[:, None]
    rest = safe_div(tot_b - np.nan_to_num(B), tot_v - np.nan_to_num(V))
    norm = rest / window_median(rest, t - BASE, t - 1)[None, :]
    trials = V * np.where(np.isfinite(norm), norm, 1.0)
    conv = rate_shift(B, trials, t, usable=ctx.usable, direction="down", min_trials=50)
    put_shift(out, "conversion", conv)
    out["conversion_loss"] = np.maximum(0, (conv.baseline - conv.value)) * np.nan_to_num(trials[t]) * rpb

    BR = m("product_daily", "bounce_rate")
    bounced = np.round(BR * V)
    bounce = rate_shift(bounced, V, t, usable=ctx.usable, direction="up", min_trials=50)
    put_shift(out, "bounce", bounce)
    stay_value = safe_div(vpv, 1 - bounce.baseline)
    out["bounce_loss"] = np.maximum(0, bounce.value - bounce.baseline) * np.nan_to_num(V[t]) * stay_value

    _baskets(ctx, skus, out)
    _reviews(ctx, skus, out)
    _stock(ctx, m, units, gmv_base, out)
    df = pd.DataFrame(out)
    df["label"] = [
        f"{x} ({s})" if isinstance(x, str) and x else s for x, s in zip(df["title"], df["subject"], strict=True)
    ]
    return df


def _static(ctx: DayContext, skus, out: dict) -> None:
    p = ctx.data.products.drop_duplicates("sku").set_index("sku")
    titles = (
        ctx.data.product_daily.dropna(subset=["title"]).drop_duplicates("sku", keep="last").set_index("sku")["title"]
    )
    out["title"] = [
        p["title"].get(s) if s in p.index and isinstance(p["title"].get(s), str) else titles.get(s) for s in skus
    ]
    price = np.array([p["price"].get(s, np.nan) if s in p.index else np.nan for s in skus], dtype=float)
    cost = np.array([p["cost"].get(s, np.nan) if s in p.index else np.nan for s in skus], dtype=float)
    out["price"] = price
    out["margin"] = safe_div(price - cost, price)
    launch = [p["launch_date"].get(s) if s in p.index else None for s in skus]
    out["age_days"] = [float((ctx.day - x).days) if x is not None and not pd.isna(x) else np.nan for x in launch]


def _search(ctx: DayContext, m, V, vpv, out: dict) -> None:
    t = ctx.t
    impressions = m("product_daily", "search_impressions")
    clicks, rank_m = m("product_daily", "search_visitors"), m("product_daily", "search_rank")
    lo = max(0, t - 60)
    y = np.full_like(impressions, np.nan)
    y[lo : t + 1] = remove_common(np.log(impressions[lo : t + 1] + 1))
    floor = np.maximum(1 / np.sqrt(np.nan_to_num(window_median(impressions, t - BASE, t - 1)) + 1), 0.05)
    shift = log_shift(y, t, usable=ctx.usable, floor=floor, direction="down")
    put_shift(out, "search_impressions", shift, transform=lambda x: np.exp(x) - 1)
    r = np.full_like(rank_m, np.nan)
    r[lo : t + 1] = remove_common(np.log(rank_m[lo : t + 1]))
    rank = log_shift(r, t, usable=ctx.usable, floor=0.03, direction="up")
    put_shift(out, "search_rank", rank, transform=np.exp)
    ctr = rate_shift(clicks, impressions, t, usable=ctx.usable, direction="down", min_trials=300)
    put_shift(out, "search_ctr", ctr)
    today = np.nan_to_num(impressions[t])
    out["ctr_loss"] = np.maximum(0, ctr.baseline - ctr.value) * today * vpv
    lost_imp = np.maximum(0, np.asarray(out["search_impressions_base"]) - impressions[t])
    out["impressions_loss"] = lost_imp * np.nan_to_num(ctr.baseline) * vpv


def _baskets(ctx: DayContext, skus, out: dict) -> None:
    d, t = ctx.data, ctx.t
    orders = aligned(d, "sku_orders", "sku", "orders", skus)
    partners = [None] * len(skus)
    both = np.full_like(orders, np.nan)
    both_all: dict[tuple[str, str], np.ndarray] = {}
    b = d.baskets
    if len(b):
        lo, hi = ctx.days_ago(BASE), ctx.days_ago(1)
        recent = b[(b["date"] >= lo) & (b["date"] <= hi)]
        top = (
            recent.groupby(["sku", "partner"])["both"]
            .sum()
            .reset_index()
            .sort_values(["sku", "both", "partner"], ascending=[True, False, True])
        )
        best = top.drop_duplicates("sku").set_index("sku")["partner"]
        pairs = b.assign(key=b["sku"].astype(str) + "\x1f" + b["partner"].astype(str))
        wide, keys = matrix_for_pairs(ctx, pairs)
        both_all = {(k.split("\x1f")[0], k.split("\x1f")[1]): wide[:, i] for i, k in enumerate(keys)}
        for j, s in enumerate(skus):
            partner = best.get(s)
            if partner is None:
                continue
            partners[j] = partner
            k = f"{s}\x1f{partner}"
            if k in keys:
                both[:, j] = np.nan_to_num(wide[:, keys.index(k)])
        both = np.where(np.isnan(orders), np.nan, np.nan_to_num(both))
    attach = rate_shift(both, orders, t, usable=ctx.usable, direction="down", min_trials=20)
    put_shift(out, "attach", attach)
    out["partner"] = partners
    titles = dict(zip(ctx.data.products["sku"], ctx.data.products["title"], strict=False))
    out["partner_title"] = [titles.get(p) if p else None for p in partners]
    prices = dict(zip(ctx.data.products["sku"], ctx.data.products["price"], strict=False))
    partner_price = np.array([float(prices.get(p, np.nan) or np.nan) if p else np.nan for p in partners])
    # Which side leads: when a bundle goes, its lead product keeps its buyers while the partner loses the orders it
    # got through the bundle — so of the two, the lead is the one whose orders held up better over the episode.
    reverse = np.full(len(skus), np.nan)
    leads = np.zeros(len(skus))
    index = {s: j for j, s in enumerate(skus)}
    for j, p in enumerate(partners):
        if not p or p not in index:
            continue
        k = max(int(attach.days[j]), 1)
        held = []
        for q in (j, index[p]):
            before = safe_div(window_sum(orders[:, [q]], t - k, BASE)[0], BASE)
            during = safe_div(window_sum(orders[:, [q]], t, k)[0], k)
            held.append(safe_div(during, before))
        leads[j] = 1.0 if np.nan_to_num(held[0]) >= np.nan_to_num(held[1]) else 0.0
        theirs = window_sum(orders[:, [index[p]]], t - k, BASE)[0]
        back = window_sum(both_all.get((p, skus[j]), np.full(len(d.dates), np.nan))[:, None], t - k, BASE)[0]
        reverse[j] = safe_div(back, theirs)
    out["partner_share"] = reverse
    out["leads_bundle"] = leads
    out["attach_loss"] = np.maximum(0, attach.baseline - attach.value) * np.nan_to_num(orders[t]) * partner_price


def matrix_for_pairs(ctx: DayContext, pairs: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    from shopops.diagnose.panel import _day

    g = pairs.groupby(["date", "key"])["both"].sum().unstack("key")
    g.index = [_day(x) for x in g.index]
    g = g.reindex(index=list(ctx.data.dates))
    return g.to_numpy(float), [str(c) for c in g.columns]


def _reviews(ctx: DayContext, skus, out: dict) -> None:
    d, t = ctx.data, ctx.t
    r = d.reviews
    if len(r):
        r = r.assign(bad=(r["rating"] <= 2).astype(float), one=1.0)
    shape = (len(d.dates), len(skus))
    n = _count(d, r, "one", skus, shape)
    bad = _count(d, r, "bad", skus, shape)
    share = rate_shift(
        bad,
        n,
        t,
        usable=np.ones(len(d.dates), dtype=bool),
        base_days=56,
        min_base=20,
        max_k=14,  # a bad batch's reviews keep coming for two weeks: judge them against the weeks before
        direction="up",
        min_trials=5,
        prior_weight=REVIEW_PRIOR,
    )
    put_shift(out, "bad_review_share", share)
    out["bad_reviews_7d"] = window_sum(bad, t, 7)
    out["bad_reviews_today"] = bad[t] if t < len(bad) else np.nan
    out["reviews_7d"] = window_sum(n, t, 7)


def _count(d, r: pd.DataFrame, col: str, skus, shape) -> np.ndarray:
    out = np.zeros(shape)
    if not len(r):
        return out
    g = r.groupby(["date", "sku"])[col].sum().unstack("sku")
    from shopops.diagnose.panel import _day

    g.index = [_day(x) for x in g.index]
    g.columns = [str(c) for c in g.columns]
    return g.reindex(index=list(d.dates), columns=list(skus)).fillna(0).to_numpy(float)


def _stock(ctx: DayContext, m, units: np.ndarray, gmv_base: np.ndarray, out: dict) -> None:
    t = ctx.t
    on_hand, transit, lead = m("inventory", "on_hand"), m("inventory", "in_transit"), m("inventory", "lead_time_days")
    out["on_hand"] = on_hand[t]
    out["in_transit"] = transit[t]
    out["lead_time_days"] = lead[t]
    lo = max(0, t - BASE)
    # A day with nothing on hand sells nothing: judge demand on the days the shelf had stock.
    stocked = np.where(np.nan_to_num(on_hand[lo:t], nan=1.0) > 0, units[lo:t], np.nan)
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            daily = np.nanmean(stocked, axis=0)
    out["daily_units"] = daily
    position = np.nan_to_num(on_hand[t]) + np.nan_to_num(transit[t])
    out["cover_days"] = np.where(np.isnan(on_hand[t]), np.nan, safe_div(position, daily))
    need = daily * (np.nan_to_num(lead[t], nan=14) + SAFETY_DAYS + COVER_DAYS) - position
    out["reorder_units"] = np.where(need > 0, np.ceil(need / 10) * 10, 0.0)
    spare = np.floor(safe_div(np.nan_to_num(on_hand[t]), daily) - np.nan_to_num(lead[t], nan=14))
    out["reorder_by"] = [
        (ctx.day + pd.Timedelta(days=int(max(0, s)))).isoformat() if np.isfinite(s) else None for s in spare
    ]
    out["stockout_loss"] = np.where(np.nan_to_num(on_hand[t], nan=1.0) <= 0, gmv_base, 0.0)
