"""The paid-keyword view (直通车): each keyword's CPC against its own baseline, and its ROAS against break-even.

Break-even ROAS is 1 ÷ the advertised product's margin: below it, every sale the keyword brings loses money.
A keyword bid for two products (or in two plans) is one row per (plan, keyword, product); the subject is the
keyword text either way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from shopops.diagnose.baseline import log_shift
from shopops.diagnose.context import DayContext
from shopops.diagnose.panel import _day, safe_div, window_sum
from shopops.diagnose.views import put_shift, shifted, view

BASE = 28

COLUMNS = {
    "campaign": "the ad plan (推广计划)",
    "sku": "the advertised product",
    **shifted("cpc", "cost per click"),
    "clicks_today": "the day's clicks",
    "cost_today": "the day's cost",
    "clicks_7d": "clicks over the last 7 days",
    "cost_7d": "cost over the last 7 days",
    "ad_gmv_7d": "attributed GMV over the last 7 days",
    "roas_7d": "ad GMV ÷ cost over the last 7 days",
    "roas_prev": "the same over the four weeks before",
    "breakeven_roas": "1 ÷ the product's margin",
    "roas_vs_breakeven": "roas_7d ÷ breakeven_roas (< 1: losing money)",
    "roas_prev_vs_breakeven": "roas_prev ÷ breakeven_roas",
    "bid": "the day's bid",
    "suggested_bid": "a bid that brings the CPC back to its baseline (or ROAS to break-even)",
    "extra_cost": "ad cost per day above what the clicks cost at the baseline CPC",
    "loss_vs_breakeven": "money per day lost on the keyword below break-even (7-day mean)",
}


@view("keyword", COLUMNS)
def build(ctx: DayContext) -> pd.DataFrame:
    d, t = ctx.data, ctx.t
    ads = d.ads
    if not len(ads) or t < 0:
        return pd.DataFrame(columns=list(COLUMNS) + ["subject", "label"])
    ads = ads.assign(
        key=ads["campaign"].astype(str) + "\x1f" + ads["keyword"].astype(str) + "\x1f" + ads["sku"].astype(str)
    )
    keys = sorted(ads["key"].unique())

    def m(col: str) -> np.ndarray:
        g = ads.groupby(["date", "key"])[col].sum(min_count=1).unstack("key")
        g.index = [_day(x) for x in g.index]
        return g.reindex(index=list(d.dates), columns=keys).to_numpy(float)

    clicks, cost, gmv = m("clicks"), m("cost"), m("ad_gmv")
    bid = m("bid") if "bid" in ads else np.full_like(cost, np.nan)
    parts = [k.split("\x1f") for k in keys]
    out: dict[str, object] = {
        "subject": [p[1] for p in parts],
        "label": [f"{p[1]} ({p[0]}, {p[2]})" for p in parts],
        "campaign": [p[0] for p in parts],
        "sku": [p[2] for p in parts],
    }
    cpc_log = np.log(safe_div(cost, clicks))
    # every click of a day costs about the same: the CPC's own day-to-day spread is the noise, not click counts
    cpc = log_shift(cpc_log, t, usable=ctx.usable, floor=0.04, direction="up", min_base=7)
    put_shift(out, "cpc", cpc, transform=np.exp)
    out["clicks_today"] = clicks[t]
    out["cost_today"] = cost[t]
    clicks_7d, cost_7d, gmv_7d = (window_sum(mat, t, 7) for mat in (clicks, cost, gmv))
    out["clicks_7d"], out["cost_7d"], out["ad_gmv_7d"] = clicks_7d, cost_7d, gmv_7d
    out["roas_7d"] = safe_div(gmv_7d, cost_7d)
    prev_gmv = window_sum(gmv, t - 7, BASE)
    prev_cost = window_sum(cost, t - 7, BASE)
    out["roas_prev"] = safe_div(prev_gmv, prev_cost)
    margins = _margins(ctx)
    margin = np.array([margins.get(p[2], np.nan) for p in parts])
    out["breakeven_roas"] = safe_div(1.0, margin)
    out["roas_vs_breakeven"] = safe_div(out["roas_7d"], out["breakeven_roas"])
    out["roas_prev_vs_breakeven"] = safe_div(out["roas_prev"], out["breakeven_roas"])
    out["bid"] = bid[t]
    base_cpc, now_cpc = np.exp(cpc.baseline), np.exp(cpc.value)
    breakeven_cpc = safe_div(window_sum(gmv, t, BASE), window_sum(clicks, t, BASE)) * margin
    target_cpc = np.where(now_cpc > base_cpc * 1.1, base_cpc, np.fmin(now_cpc, breakeven_cpc))
    out["suggested_bid"] = np.round(bid[t] * safe_div(target_cpc, now_cpc), 2)
    out["extra_cost"] = np.maximum(0, now_cpc - base_cpc) * np.nan_to_num(clicks[t])
    daily_profit = (np.nan_to_num(gmv_7d) * np.nan_to_num(margin) - np.nan_to_num(cost_7d)) / 7
    out["loss_vs_breakeven"] = np.maximum(0, -daily_profit)
    return pd.DataFrame(out)


def _margins(ctx: DayContext) -> dict[str, float]:
    p = ctx.data.products
    if not len(p):
        return {}
    m = (p["price"] - p["cost"]) / p["price"]
    return {s: float(x) for s, x in zip(p["sku"], m, strict=True) if pd.notna(x) and x > 0}
