"""The rows that prove a finding, cut from the loaded data once, so every renderer shows them without a query.

Declared rules name the row sets they want (``Rule.rows``); each name is a function here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from shopops.diagnose.context import DayContext
from shopops.diagnose.model import Evidence

HISTORY_DAYS = 14

_HISTORY: dict[str, tuple[str, str, tuple[str, ...]]] = {  # kind → (frame, key column, columns)
    "store": (
        "store_daily",
        "",
        (
            "date",
            "visitors",
            "buyers",
            "gmv",
            "conversion_rate",
            "revenue_per_buyer",
            "bounce_rate",
            "pages_per_visitor",
        ),
    ),
    "source": (
        "traffic",
        "kind",
        ("date", "source", "visitors", "buyers", "gmv", "conversion_rate", "bounce_rate", "pages_per_visitor"),
    ),
    "sku": (
        "product_daily",
        "sku",
        (
            "date",
            "sku",
            "visitors",
            "buyers",
            "units",
            "gmv",
            "bounce_rate",
            "search_impressions",
            "search_visitors",
            "search_rank",
        ),
    ),
    "keyword": (
        "ads",
        "keyword",
        ("date", "campaign", "keyword", "sku", "impressions", "clicks", "cost", "ad_gmv", "bid"),
    ),
    "agent": ("service", "agent", ("date", "agent", "inquiries", "inquirers_paid", "paid_amount", "response_seconds")),
    "competitor": (
        "competitors",
        "competitor",
        ("date", "competitor", "listing_id", "matched_sku", "price", "monthly_sales", "image_hash", "first_seen"),
    ),
}


def history(ctx: DayContext, kind: str, row: dict[str, Any], days: int = HISTORY_DAYS) -> Evidence | None:
    """The subject's last ``days`` days as its export shows them."""
    if kind not in _HISTORY:
        return None
    frame, key, cols = _HISTORY[kind]
    df: pd.DataFrame = getattr(ctx.data, frame)
    if not len(df):
        return None
    lo = ctx.days_ago(days - 1)
    df = df[(df["date"] >= lo) & (df["date"] <= ctx.day)]
    if key:
        match = row.get("label") if kind == "source" else row["subject"]
        col = "source" if kind == "source" else key
        df = df[df[col] == match]
        if kind == "competitor" and row.get("listing_id"):
            df = df[df["listing_id"] == row["listing_id"]]
        if kind == "keyword" and row.get("sku"):
            df = df[(df["sku"] == row["sku"]) & (df["campaign"] == row.get("campaign"))]
    cols = tuple(c for c in cols if c in df.columns)
    title = f"{frame}: {row.get('label') or row['subject']}, last {days} days"
    return Evidence.of(title, _table(frame), cols, df.sort_values("date")[list(cols)].itertuples(index=False))


def _table(frame: str) -> str:
    return {
        "store_daily": "traffic_daily",
        "traffic": "traffic_daily",
        "ads": "ad_keywords",
        "service": "service_daily",
        "competitors": "competitor_listings",
    }.get(frame, frame)


def bad_reviews(ctx: DayContext, kind: str, row: dict[str, Any], days: int = 7) -> Evidence | None:
    r = ctx.data.reviews
    if not len(r):
        return None
    lo = ctx.days_ago(days - 1)
    r = r[(r["sku"] == row["subject"]) & (r["rating"] <= 2) & (r["date"] >= lo) & (r["date"] <= ctx.day)]
    cols = ("date", "review_id", "rating", "text", "reply")
    title = f"reviews rated ≤ 2 of {row.get('label') or row['subject']}, last {days} days"
    return Evidence.of(title, "reviews", cols, r.sort_values(["date", "review_id"])[list(cols)].itertuples(index=False))


def inventory(ctx: DayContext, kind: str, row: dict[str, Any], days: int = HISTORY_DAYS) -> Evidence | None:
    inv = ctx.data.inventory
    if not len(inv):
        return None
    lo = ctx.days_ago(days - 1)
    inv = inv[(inv["sku"] == row["subject"]) & (inv["date"] >= lo) & (inv["date"] <= ctx.day)]
    cols = ("date", "sku", "on_hand", "in_transit", "lead_time_days")
    return Evidence.of(
        f"inventory of {row['subject']}, last {days} days",
        "inventory",
        cols,
        inv.sort_values("date")[list(cols)].itertuples(index=False),
    )


def baskets(ctx: DayContext, kind: str, row: dict[str, Any], days: int = HISTORY_DAYS) -> Evidence | None:
    partner = row.get("partner")
    if not partner:
        return None
    lo = ctx.days_ago(days - 1)
    o = ctx.data.sku_orders
    o = o[(o["sku"] == row["subject"]) & (o["date"] >= lo) & (o["date"] <= ctx.day)].set_index("date")["orders"]
    b = ctx.data.baskets
    b = b[(b["sku"] == row["subject"]) & (b["partner"] == partner) & (b["date"] >= lo) & (b["date"] <= ctx.day)]
    both = b.set_index("date")["both"]
    rows = [(d, row["subject"], partner, int(o.get(d, 0)), int(both.get(d, 0))) for d in sorted(o.index)]
    return Evidence.of(
        f"orders of {row['subject']} that also hold {partner}, last {days} days",
        "order_lines",
        ("date", "sku", "partner", "orders", "with_partner"),
        rows,
    )


EVIDENCE: dict[str, Callable[[DayContext, str, dict[str, Any]], Evidence | None]] = {
    "history": history,
    "bad_reviews": bad_reviews,
    "inventory": inventory,
    "baskets": baskets,
}
