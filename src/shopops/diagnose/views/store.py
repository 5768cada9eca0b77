"""The store view: the day against its calendar band and its target, and the weekly page-health numbers."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

from shopops.diagnose.calendar import day_band
from shopops.diagnose.context import DayContext
from shopops.diagnose.panel import matrix, safe_div, series, window_sum
from shopops.diagnose.views import view
from shopops.metrics.pacing import learn_plan

WEEK = 7
PREV = (35, 8)  # the four weeks before the last one: "was it already like this?"

COLUMNS = {
    "gmv": "the day's GMV",
    "gmv_base": "expected GMV: median of comparable days (same weekday, or the same event before)",
    "gmv_low": "the normal band's lower edge",
    "gmv_high": "the normal band's upper edge",
    "gmv_z": "robust z of the day's GMV against comparable days (NaN on an event never seen before)",
    "visitors": "the day's visitors",
    "visitors_base": "expected visitors",
    "visitors_z": "robust z of the day's visitors",
    "conversion_rate": "the day's conversion",
    "conversion_rate_base": "expected conversion",
    "conversion_rate_z": "robust z of the day's conversion",
    "target": "the day's share of the month's GMV target (weekday and event weighted)",
    "attainment": "GMV ÷ the day's target",
    "gap_to_target": "the day's target − GMV",
    "gmv_loss": "expected GMV − GMV",
    "bounce_rate_7d": "bounce rate over the last 7 days",
    "bounce_rate_prev": "bounce rate over the four weeks before",
    "pages_per_visitor_7d": "pages per visitor over the last 7 days",
    "pages_per_visitor_prev": "pages per visitor over the four weeks before",
    "returning_share_7d": "returning visitors ÷ visitors, last 7 days",
    "revenue_per_buyer_7d": "客单价 over the last 7 days",
    "hero": "the hero product (主打款): most GMV over the last 28 days",
    "hero_revenue_per_buyer_7d": "the hero's 客单价 over the last 7 days",
    "rpb_ratio_7d": "store 客单价 ÷ hero 客单价, last 7 days",
    "rpb_ratio_prev": "the same over the four weeks before",
    "event": "the calendar event of the day, if any",
}


@view("store", COLUMNS)
def build(ctx: DayContext) -> pd.DataFrame:
    d, t = ctx.data, ctx.t
    gmv, vis, buyers = (series(d, "store_daily", c) for c in ("gmv", "visitors", "buyers"))
    bounced = series(d, "store_daily", "bounce_rate") * vis
    pv = series(d, "store_daily", "page_views")
    out: dict[str, object] = {"subject": d.store_id, "label": d.store_id, "event": ctx.event}
    conv = safe_div(buyers, vis)
    recent = buyers[max(0, t - 28) : t]
    buyers_typical = float(np.nanmedian(recent)) if t > 0 and np.isfinite(recent).any() else np.nan
    count_noise = 1 / np.sqrt(buyers_typical) if np.isfinite(buyers_typical) and buyers_typical > 0 else 0.0
    for name, values in (("gmv", gmv), ("visitors", vis), ("conversion_rate", conv)):
        # GMV and conversion rest on the day's buyers: their count noise is the least spread to expect
        floor = max(0.05, count_noise) if name != "visitors" else 0.03
        band = day_band(values, d.dates, ctx.calendar, ctx.day, floor=floor)
        out[name] = values[t]
        out[f"{name}_base"] = band.expected if band else np.nan
        out[f"{name}_z"] = band.z if band else np.nan
        if name == "gmv":
            out["gmv_low"] = band.low if band else np.nan
            out["gmv_high"] = band.high if band else np.nan
    out["target"] = _day_target(ctx, gmv)
    out["attainment"] = safe_div(gmv[t], out["target"]) if out["target"] else np.nan
    out["gap_to_target"] = out["target"] - gmv[t]
    out["gmv_loss"] = out["gmv_base"] - gmv[t]
    returning = np.nansum(matrix(d, "traffic", "source", "returning_visitors")[0], axis=1)
    for suffix, (lo, hi) in (("7d", (WEEK - 1, 0)), ("prev", PREV)):
        sl = slice(max(0, t - lo), t - hi + 1)
        v = np.nansum(vis[sl])
        out[f"bounce_rate_{suffix}"] = safe_div(np.nansum(bounced[sl]), v)
        out[f"pages_per_visitor_{suffix}"] = safe_div(np.nansum(pv[sl]), v)
        if suffix == "7d":
            out["returning_share_7d"] = safe_div(np.nansum(returning[sl]), v)
            out["revenue_per_buyer_7d"] = safe_div(np.nansum(gmv[sl]), np.nansum(buyers[sl]))
    _hero(ctx, out, gmv, buyers)
    return pd.DataFrame([out])


def _hero(ctx: DayContext, out: dict, gmv: np.ndarray, buyers: np.ndarray) -> None:
    d, t = ctx.data, ctx.t
    pg, skus = matrix(d, "product_daily", "sku", "gmv")
    pb, _ = matrix(d, "product_daily", "sku", "buyers")
    out.update(hero=None, hero_revenue_per_buyer_7d=np.nan, rpb_ratio_7d=np.nan, rpb_ratio_prev=np.nan)
    if not skus:
        return
    top = window_sum(pg, t, 28)
    if np.all(np.isnan(top)):
        return
    h = int(np.nanargmax(top))
    out["hero"] = skus[h]
    for suffix, (lo, hi) in (("7d", (WEEK - 1, 0)), ("prev", PREV)):
        sl = slice(max(0, t - lo), t - hi + 1)
        hero_rpb = safe_div(np.nansum(pg[sl, h]), np.nansum(pb[sl, h]))
        store_rpb = safe_div(np.nansum(gmv[sl]), np.nansum(buyers[sl]))
        if suffix == "7d":
            out["hero_revenue_per_buyer_7d"] = hero_rpb
        out[f"rpb_ratio_{suffix}"] = safe_div(store_rpb, hero_rpb)


def _day_target(ctx: DayContext, gmv: np.ndarray) -> float:
    month = ctx.day.strftime("%Y-%m")
    target = ctx.data.targets.get(month)
    if target is None:
        return np.nan
    first = ctx.day.replace(day=1)
    history = {dd: (None if np.isnan(v) else v) for dd, v in zip(ctx.data.dates, gmv, strict=True) if dd < first}
    plan = learn_plan(ctx.store_id, month, Decimal(str(target)), history, ctx.data.campaigns)
    return float(plan.day(ctx.day).target)
