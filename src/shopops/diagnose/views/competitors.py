"""The competitor view (竞品 / 同款): each watched listing's price against its own usual price and against ours,
and whether it shows our main image (盗图).

A platform event discounts every listing at once; the day's median move across all listings is taken out, so only
a listing that moves on its own counts as a cut. The subject is the competing store; the listing is the label.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from shopops.diagnose.context import DayContext
from shopops.diagnose.panel import safe_div
from shopops.diagnose.views import view

BASE = 28

COLUMNS = {
    "listing_id": "the competitor's listing",
    "title": "its title",
    "matched_sku": "our product it is matched to (对标)",
    "matched_title": "our product's title",
    "price": "its price on the day",
    "price_base": "its usual price: median over the baseline days, market-wide moves taken out",
    "price_change": "price ÷ usual price − 1, market-wide moves taken out",
    "our_price": "our matched product's price",
    "price_gap": "its price ÷ ours − 1 (negative: cheaper than us)",
    "price_cut": "1 − price ÷ usual price (positive: a cut)",
    "cheaper_by": "1 − its price ÷ ours (positive: cheaper than us)",
    "image_match": "1 when its main image is ours (same image hash)",
    "listed_days": "days since it was first seen",
    "matched_conversion_z": "z of our matched product's conversion move (from the product view)",
    "matched_conversion_loss": "GMV per day our matched product loses to lower conversion",
    "matched_visitors_loss": "GMV per day our matched product loses to fewer visitors",
}


@view("competitor", COLUMNS)
def build(ctx: DayContext) -> pd.DataFrame:
    c = ctx.data.competitors
    if not len(c):
        return pd.DataFrame(columns=list(COLUMNS) + ["subject", "label"])
    day, lo = ctx.day, ctx.days_ago(BASE)
    c = c[(c["date"] >= lo) & (c["date"] <= day)]
    today = c[c["date"] == day].drop_duplicates(["competitor", "listing_id"])
    if today.empty:
        return pd.DataFrame(columns=list(COLUMNS) + ["subject", "label"])
    hist = c[c["date"] < day]
    usual = hist.groupby("listing_id")["price"].median()
    # the market's move on each day: median of every listing's price ÷ its usual price
    rel = c.assign(rel=np.log(c["price"] / c["listing_id"].map(usual)))
    market = rel.groupby("date")["rel"].median()
    m_today = float(market.get(day, 0.0)) if pd.notna(market.get(day, np.nan)) else 0.0
    hist_market = float(np.nanmedian(market[market.index < day])) if (market.index < day).any() else 0.0
    products = ctx.data.products.drop_duplicates("sku").set_index("sku")
    our_price = products["price"] if len(products) else pd.Series(dtype=float)
    our_images = set(products["main_image_hash"].dropna()) if len(products) else set()
    sku_view = ctx.view("sku").set_index("subject") if len(ctx.view("sku")) else pd.DataFrame()
    out = today[["competitor", "listing_id", "title", "matched_sku", "price"]].copy()
    out["subject"] = out["competitor"]
    out["label"] = out["competitor"] + " / " + out["listing_id"].astype(str)
    out["matched_title"] = out["matched_sku"].map(products["title"]) if len(products) else None
    base = out["listing_id"].map(usual)
    out["price_base"] = base * np.exp(m_today - hist_market)
    out["price_change"] = safe_div(out["price"], out["price_base"]) - 1
    out["our_price"] = out["matched_sku"].map(our_price).astype(float)
    out["price_gap"] = safe_div(out["price"], out["our_price"]) - 1
    out["price_cut"] = -out["price_change"]
    out["cheaper_by"] = -out["price_gap"]
    image = today.set_index("listing_id")["image_hash"] if "image_hash" in today else pd.Series(dtype=object)
    out["image_match"] = [1.0 if image.get(x) in our_images else 0.0 for x in out["listing_id"]]
    first = today.set_index("listing_id")["first_seen"] if "first_seen" in today else pd.Series(dtype=object)
    out["listed_days"] = [
        float((day - first.get(x)).days) if pd.notna(first.get(x)) else np.nan for x in out["listing_id"]
    ]
    for col, src in (
        ("matched_conversion_z", "conversion_z"),
        ("matched_conversion_loss", "conversion_loss"),
        ("matched_visitors_loss", "visitors_loss"),
    ):
        out[col] = out["matched_sku"].map(sku_view[src]).astype(float) if len(sku_view) else np.nan
    return out.drop(columns=["competitor"]).reset_index(drop=True)
