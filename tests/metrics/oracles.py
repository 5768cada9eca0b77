"""Independent oracles: every catalog metric written again in plain pandas over the fixture CSVs.

Nothing here imports shopops. Semantics spelled out once more, by hand: a sum is NaN when its column holds no
value in the group and 0 when values exist but none match the row filter; ratios are ratios of sums with a zero
denominator giving NaN; distinct buyers ignore missing ids; a buyer's first order is their earliest paid order ever.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

PAID = {"直通车", "淘宝客", "paid search"}  # the fixture's paid sources (a subset of the platform list)


def ssum(df: pd.DataFrame, keys: list[str], values: pd.Series, mask: pd.Series | None = None) -> pd.Series:
    present = values.notna().groupby([df[k] for k in keys]).sum()
    chosen = values if mask is None else values.where(mask.fillna(False).astype(bool))
    total = chosen.fillna(0).groupby([df[k] for k in keys]).sum()
    return total.where(present > 0)


def count(df: pd.DataFrame, keys: list[str], mask: pd.Series | None = None) -> pd.Series:
    m = pd.Series(True, index=df.index) if mask is None else mask.fillna(False).astype(bool)
    return m.astype(int).groupby([df[k] for k in keys]).sum()


def distinct(df: pd.DataFrame, keys: list[str], col: str, mask: pd.Series | None = None) -> pd.Series:
    sub = df if mask is None else df[mask.fillna(False).astype(bool)]
    counted = sub.dropna(subset=[col]).groupby(keys)[col].nunique()
    index = df.groupby(keys).size().index
    return counted.reindex(index, fill_value=0)


def ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    num, den = num.align(den)
    return num.astype(float) / den.astype(float).replace(0, np.nan)


# ---------------------------------------------------------------- per-table views


def traffic(d):
    t = d["traffic_daily"].copy()
    t["is_paid"] = t.source.str.lower().isin(PAID) | (t.cost.fillna(0) > 0)
    return t


def paid_orders(d):
    o = d["orders"].dropna(subset=["paid_time"]).copy()
    o = o.sort_values(["paid_time", "order_id"])
    o["rank"] = o.groupby(["store_id", "buyer_id"]).cumcount()
    o.loc[o.buyer_id.isna(), "rank"] = np.nan
    o["date"] = o.paid_time.dt.date
    return o


ORACLES: dict[str, Callable] = {}


def tr(fn):
    """An oracle over traffic_daily: fn(t, keys)."""
    return lambda d, w, k: fn(w(traffic(d)), k)


def od(fn):
    return lambda d, w, k: fn(w(paid_orders(d)), k)


def pr(fn):
    return lambda d, w, k: fn(w(d["product_daily"]), k)


def ad(fn):
    return lambda d, w, k: fn(w(d["ad_keywords"]), k)


def rv(fn):
    def run(d, w, k):
        r = d["reviews"].copy()
        r["date"] = r.review_time.dt.date
        return fn(w(r), k)

    return run


def visitors_where(t, k, col):
    return ssum(t, k, t.visitors, t[col].notna() & t.visitors.notna())


def gmv(t, k):
    return ssum(t, k, t.paid_amount)


ORACLES.update(
    {
        "gmv": tr(gmv),
        "order_gmv": od(lambda o, k: ssum(o, k, o.paid_amount)),
        "refunds": od(lambda o, k: ssum(o, k, o.refund.fillna(0))),  # a blank refund cell is no refund
        "net_sales": od(lambda o, k: ssum(o, k, o.paid_amount) - ssum(o, k, o.refund.fillna(0))),
        "orders": od(lambda o, k: count(o, k)),
        "buyers": tr(lambda t, k: ssum(t, k, t.paid_buyers)),
        "order_buyers": od(lambda o, k: distinct(o, k, "buyer_id")),
        "units": pr(lambda p, k: ssum(p, k, p.units)),
        "product_gmv": pr(lambda p, k: ssum(p, k, p.gmv)),
        "product_visitors": pr(lambda p, k: ssum(p, k, p.visitors)),
        "visitors": tr(lambda t, k: ssum(t, k, t.visitors)),
        "page_views": tr(lambda t, k: ssum(t, k, t.page_views)),
        "pages_per_visitor": tr(lambda t, k: ratio(ssum(t, k, t.page_views), visitors_where(t, k, "page_views"))),
        "bounce_rate": tr(
            lambda t, k: ratio(
                ssum(t, k, t.bounce_rate * t.visitors, t.bounce_rate.notna()), visitors_where(t, k, "bounce_rate")
            )
        ),
        "conversion_rate": tr(lambda t, k: ratio(ssum(t, k, t.paid_buyers), visitors_where(t, k, "paid_buyers"))),
        "aov": od(lambda o, k: ratio(ssum(o, k, o.paid_amount), count(o, k))),
        "revenue_per_buyer": tr(lambda t, k: ratio(gmv(t, k), ssum(t, k, t.paid_buyers))),
        "uv_value": tr(lambda t, k: ratio(gmv(t, k), ssum(t, k, t.visitors))),
        "new_buyers": od(lambda o, k: distinct(o, k, "buyer_id", o["rank"] == 0)),
        "returning_buyers": od(lambda o, k: distinct(o, k, "buyer_id", o["rank"] > 0)),
        "repurchase_rate": od(
            lambda o, k: ratio(distinct(o, k, "buyer_id", o["rank"] > 0), distinct(o, k, "buyer_id"))
        ),
        "favourite_rate": tr(lambda t, k: ratio(ssum(t, k, t.favourites), visitors_where(t, k, "favourites"))),
        "add_to_cart_rate": tr(lambda t, k: ratio(ssum(t, k, t.add_to_cart), visitors_where(t, k, "add_to_cart"))),
        "ad_impressions": ad(lambda a, k: ssum(a, k, a.impressions)),
        "ad_clicks": ad(lambda a, k: ssum(a, k, a.clicks)),
        "ad_cost": ad(lambda a, k: ssum(a, k, a.cost)),
        "ctr": ad(lambda a, k: ratio(ssum(a, k, a.clicks), ssum(a, k, a.impressions))),
        "cpc": ad(lambda a, k: ratio(ssum(a, k, a.cost), ssum(a, k, a.clicks))),
        "ad_gmv": ad(lambda a, k: ssum(a, k, a.ad_gmv)),
        "roas": ad(lambda a, k: ratio(ssum(a, k, a.ad_gmv), ssum(a, k, a.cost))),
        "acos": ad(lambda a, k: ratio(ssum(a, k, a.cost), ssum(a, k, a.ad_gmv))),
        "paid_traffic_cost": tr(lambda t, k: ssum(t, k, t.cost)),
        "paid_traffic_share": tr(lambda t, k: ratio(ssum(t, k, t.visitors, t.is_paid), ssum(t, k, t.visitors))),
        "paid_sales_share": tr(lambda t, k: ratio(ssum(t, k, t.paid_amount, t.is_paid), gmv(t, k))),
        "refund_rate": od(lambda o, k: ratio(ssum(o, k, o.refund.fillna(0)), ssum(o, k, o.paid_amount))),
        "avg_rating": rv(lambda r, k: ratio(ssum(r, k, r.rating), count(r, k, r.rating.notna()))),
        "negative_review_share": rv(lambda r, k: ratio(count(r, k, r.rating <= 2), count(r, k, r.rating.notna()))),
    }
)


def _tacos(d, w, k):
    a = w(d["ad_keywords"])
    t = w(traffic(d))
    return ratio(ssum(a, k, a.cost), gmv(t, k))


def _order_conversion(d, w, k):
    o = w(paid_orders(d))
    t = w(traffic(d))
    return ratio(count(o, k), ssum(t, k, t.visitors))


def _days_of_cover(d, w, k):
    inv = w(d["inventory"])
    if "date" not in k:
        last = inv.groupby(k)["date"].transform("max")
        inv = inv[inv.date == last]
    on_hand = ssum(inv, k, inv.on_hand)
    p = w(d["product_daily"])
    units = ssum(p, k, p.units)
    days = p[p.units.notna()].groupby(k)["date"].nunique()
    num, den = on_hand.align(units)
    num, days = num.align(days)
    return (
        num.astype(float)
        * days.reindex(num.index).astype(float)
        / den.reindex(num.index).astype(float).replace(0, np.nan)
    )


def sv(fn):
    return lambda d, w, k: fn(w(d["service_daily"]), k)


ORACLES.update(
    {
        "product_buyers": pr(lambda p, k: ssum(p, k, p.buyers)),
        "product_revenue_per_buyer": pr(lambda p, k: ratio(ssum(p, k, p.gmv), ssum(p, k, p.buyers))),
        "traffic_roas": tr(lambda t, k: ratio(gmv(t, k), ssum(t, k, t.cost))),
        "inquiries": sv(lambda s, k: ssum(s, k, s.inquiries)),
        "inquiry_conversion_rate": sv(lambda s, k: ratio(ssum(s, k, s.inquirers_paid), ssum(s, k, s.inquiries))),
    }
)
ORACLES.update({"tacos": _tacos, "order_conversion_rate": _order_conversion, "stock_days_of_cover": _days_of_cover})
