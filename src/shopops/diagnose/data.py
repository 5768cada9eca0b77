"""Everything diagnosis reads for one store and period, asked of the metric layer once.

Store and source KPIs come from the metric catalog (``MetricQuery``), so a finding's bounce rate or 客单价 is the
catalog's definition. Columns the catalog has no metric for yet (product search impressions and rank, per-agent
service stats, competitor prices, baskets, inventory in transit) are read from the canonical tables through the
same ``Engine``. The result is a frozen ``StoreData`` of plain pandas frames: no connection leaves this module, so
the benchmark loads a shop once and diagnoses every day of it from memory.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import ibis.expr.types as ir
import pandas as pd

from shopops.diagnose.sources import source_kind
from shopops.metrics.compiler import MetricQuery
from shopops.metrics.engine import Engine
from shopops.metrics.targets import read_campaigns, read_target

log = logging.getLogger(__name__)

HISTORY_DAYS = 120  # days before the first diagnosed day that baselines and windowed rules read

STORE_METRICS = (
    "visitors",
    "page_views",
    "bounce_rate",
    "pages_per_visitor",
    "buyers",
    "gmv",
    "conversion_rate",
    "revenue_per_buyer",
    "paid_traffic_cost",
)
AD_METRICS = ("ad_impressions", "ad_clicks", "ad_cost", "ad_gmv")


# The columns every frame of a StoreData carries, whoever builds it (``load_store`` checks what it loaded against
# this; tests build frames from it).
FRAME_COLUMNS: dict[str, list[str]] = {
    "store_daily": ["date", *STORE_METRICS],
    "traffic": ["date", "source", *STORE_METRICS, "returning_visitors", "kind"],
    "product_daily": [
        "date",
        "sku",
        "title",
        "visitors",
        "page_views",
        "bounce_rate",
        "buyers",
        "units",
        "gmv",
        "search_visitors",
        "search_impressions",
        "search_rank",
    ],
    "ads": ["date", "campaign", "keyword", "sku", "impressions", "clicks", "cost", "ad_gmv", "bid"],
    "reviews": ["review_id", "sku", "order_id", "category", "rating", "text", "reply", "date"],
    "inventory": ["date", "sku", "on_hand", "in_transit", "lead_time_days"],
    "service": ["date", "agent", "inquiries", "inquirers_paid", "paid_amount", "response_seconds"],
    "competitors": [
        "date",
        "competitor",
        "listing_id",
        "title",
        "price",
        "monthly_sales",
        "image_hash",
        "first_seen",
        "matched_sku",
    ],
    "baskets": ["date", "sku", "partner", "both"],
    "sku_orders": ["date", "sku", "orders"],
    "deliveries": ["order_id", "date", "delivered", "promised", "rating", "sku", "seller_id", "category", "late"],
    "sessions": ["source", "visitor_type", "date", "month", "sessions", "bounce_sum", "bounce_n", "pages", "purchases"],
    "products": ["sku", "title", "category", "price", "cost", "main_image_hash", "launch_date"],
    "categories": ["category", "label_en", "label_zh"],
    "campaign_rows": ["campaign_id", "name", "platform_event", "type", "start_date", "end_date"],
}


@dataclass(frozen=True, eq=False)  # identity equality: views cache their matrices per loaded shop
class StoreData:
    store_id: str
    start: dt.date
    end: dt.date
    store_daily: pd.DataFrame  # date → STORE_METRICS
    traffic: pd.DataFrame  # date, source, kind, STORE_METRICS, returning_visitors
    product_daily: pd.DataFrame  # date, sku, visitors, buyers, units, gmv, bounce_rate, search_* …
    ads: pd.DataFrame  # date, campaign, keyword, sku, impressions, clicks, cost, ad_gmv, bid
    reviews: pd.DataFrame  # review_id, date, sku, order_id, rating, text, reply, category
    inventory: pd.DataFrame  # date, sku, on_hand, in_transit, lead_time_days
    service: pd.DataFrame  # date, agent, inquiries, inquirers_paid, paid_amount, response_seconds
    competitors: pd.DataFrame  # date, competitor, listing_id, price, matched_sku, image_hash, first_seen …
    baskets: pd.DataFrame  # date, sku, partner, both: orders holding sku that also hold partner
    sku_orders: pd.DataFrame  # date, sku, orders: paid orders holding the sku
    deliveries: pd.DataFrame  # order_id, date, delivered, promised, late, rating, seller_id, sku, category
    sessions: pd.DataFrame  # source, visitor_type, date, month, sessions, bounce_sum, pages, purchases
    products: pd.DataFrame  # sku, title, category, price, cost, main_image_hash, launch_date
    categories: pd.DataFrame  # category, label_en, label_zh
    campaigns: tuple  # metrics.pacing.Campaign, store campaigns and platform events from the campaigns table
    campaign_rows: pd.DataFrame  # campaign_id, name, platform_event, type, start_date, end_date
    targets: dict[str, float]  # month (YYYY-MM) → GMV target

    @property
    def dates(self) -> tuple[dt.date, ...]:
        """Every calendar day loaded: the index of every [day × subject] matrix."""
        n = (self.end - self.start).days + 1
        return tuple(self.start + dt.timedelta(days=i) for i in range(n))

    def title(self, sku: str) -> str | None:
        row = self.products.loc[self.products["sku"] == sku, "title"]
        if len(row) and isinstance(row.iloc[0], str):
            return row.iloc[0]
        row = self.product_daily.loc[self.product_daily["sku"] == sku, "title"].dropna()
        return str(row.iloc[-1]) if len(row) else None


def load_store(
    engine: Engine, store_id: str, first: dt.date, last: dt.date, history_days: int = HISTORY_DAYS
) -> StoreData:
    """The store's data from ``history_days`` before ``first`` up to ``last`` (both diagnosed days inclusive)."""
    start = first - dt.timedelta(days=max(history_days, HISTORY_DAYS))
    end = last
    log.info("loading %s %s … %s", store_id, start, end)
    data = StoreData(
        store_id=store_id,
        start=start,
        end=end,
        store_daily=_metrics(engine, STORE_METRICS, ("date",), store_id, start, end),
        traffic=_traffic(engine, store_id, start, end),
        product_daily=_product_daily(engine, store_id, start, end),
        ads=_ads(engine, store_id, start, end),
        reviews=_reviews(engine, store_id, start, end),
        inventory=_inventory(engine, store_id, start, end),
        service=_dated(engine, "service_daily", store_id, start, end).drop(columns=["store_id"], errors="ignore"),
        competitors=_dated(engine, "competitor_listings", store_id, start, end).drop(
            columns=["store_id"], errors="ignore"
        ),
        **_baskets(engine, store_id, start, end),
        deliveries=_deliveries(engine, store_id, start, end),
        sessions=_sessions(engine, store_id),
        products=_products(engine, store_id),
        categories=_df(_table(engine, "categories", store_id).select("category", "label_en", "label_zh")),
        campaigns=read_campaigns(engine, store_id),
        campaign_rows=_campaign_rows(engine, store_id),
        targets=_targets(engine, store_id, start, end),
    )
    for name, columns in FRAME_COLUMNS.items():
        missing = [c for c in columns if c not in getattr(data, name).columns]
        if missing:
            raise AssertionError(f"diagnose: the {name} frame lacks {missing} (FRAME_COLUMNS declares them)")
    return data


def _df(expr: ir.Table) -> pd.DataFrame:
    return expr.to_pyarrow().to_pandas()


def _table(engine: Engine, name: str, store_id: str) -> ir.Table:
    t = engine.table(name)
    return t.filter(t.store_id == store_id)


def _metrics(engine: Engine, metrics, grain, store_id, start, end) -> pd.DataFrame:
    frame = engine.run(MetricQuery(tuple(metrics), tuple(grain), start, end, store_id))
    df = pd.DataFrame(frame.records(), columns=list(frame.columns))
    for m in metrics:
        df[m] = pd.to_numeric(df[m], errors="coerce").astype(float)
    return df.drop(columns=["store_id"])


def _dated(engine: Engine, name: str, store_id: str, start, end) -> pd.DataFrame:
    t = _table(engine, name, store_id)
    t = t.filter((t.date >= start) & (t.date <= end)).drop("_import_id")
    return _numeric(_df(t))


def _numeric(df: pd.DataFrame) -> pd.DataFrame:
    for col in df.columns:
        if df[col].dtype == object and len(df) and df[col].map(lambda v: hasattr(v, "as_tuple")).any():
            df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)  # Decimal money → float
    return df


def _traffic(engine: Engine, store_id, start, end) -> pd.DataFrame:
    df = _metrics(engine, STORE_METRICS, ("date", "source"), store_id, start, end)
    t = _table(engine, "traffic_daily", store_id)
    t = t.filter((t.date >= start) & (t.date <= end))
    extra = _df(t.group_by(["date", "source"]).aggregate(returning_visitors=t.returning_visitors.sum()))
    df = df.merge(extra, on=["date", "source"], how="left")
    df["kind"] = df["source"].map(source_kind)
    return df


def _product_daily(engine: Engine, store_id, start, end) -> pd.DataFrame:
    t = _table(engine, "product_daily", store_id)
    t = t.filter((t.date >= start) & (t.date <= end))
    cols = FRAME_COLUMNS["product_daily"]
    return _numeric(_df(t.select(*cols)))


def _ads(engine: Engine, store_id, start, end) -> pd.DataFrame:
    df = _metrics(engine, AD_METRICS, ("date", "campaign", "keyword", "sku"), store_id, start, end)
    df = df.rename(
        columns={"ad_impressions": "impressions", "ad_clicks": "clicks", "ad_cost": "cost", "ad_gmv": "ad_gmv"}
    )
    t = _table(engine, "ad_keywords", store_id)
    t = t.filter((t.date >= start) & (t.date <= end))
    bids = _numeric(_df(t.group_by(["date", "campaign", "keyword"]).aggregate(bid=t.bid.max())))
    return df.merge(bids, on=["date", "campaign", "keyword"], how="left")


def _reviews(engine: Engine, store_id, start, end) -> pd.DataFrame:
    t = _table(engine, "reviews", store_id)
    day = t.review_time.date()
    t = t.filter((day >= start) & (day <= end) & t.rating.notnull())
    df = _df(t.select("review_id", "sku", "order_id", "category", "rating", "text", "reply", date=day))
    df["rating"] = df["rating"].astype(int)
    return df


def _inventory(engine: Engine, store_id, start, end) -> pd.DataFrame:
    t = _table(engine, "inventory", store_id)
    t = t.filter((t.date >= start) & (t.date <= end))
    g = t.group_by(["date", "sku"]).aggregate(
        on_hand=t.on_hand.sum(), in_transit=t.in_transit.sum(), lead_time_days=t.lead_time_days.max()
    )
    return _numeric(_df(g))


def _baskets(engine: Engine, store_id, start, end) -> dict[str, pd.DataFrame]:
    """Per paid day: orders holding each SKU, and how many of them also hold each other SKU (bundles, 关联搭配)."""
    o = _table(engine, "orders", store_id)
    o = o.filter(o.paid_time.notnull())
    o = o.mutate(date=o.paid_time.date())
    o = o.filter((o.date >= start) & (o.date <= end)).select("order_id", "date")
    lines = _table(engine, "order_lines", store_id).filter(lambda x: x.sku.notnull())
    items = lines.select("order_id", "sku").distinct().join(o, "order_id")
    sku_orders = _df(items.group_by(["date", "sku"]).aggregate(orders=items.count()))
    other = items.select(order_id=items.order_id, partner=items.sku)
    pairs = items.join(other, "order_id").filter(lambda x: x.sku != x.partner)
    baskets = _df(pairs.group_by(["date", "sku", "partner"]).aggregate(both=pairs.count()))
    return {"baskets": baskets, "sku_orders": sku_orders}


def _deliveries(engine: Engine, store_id, start, end) -> pd.DataFrame:
    """Delivered orders with their promise, their (worst) review and their sellers' and products' lines."""
    o = _table(engine, "orders", store_id)
    o = o.filter(o.delivered_time.notnull() & o.promised_delivery_time.notnull())
    o = o.mutate(date=o.created_time.date())
    o = o.filter((o.date >= start) & (o.date <= end))
    o = o.select(
        "order_id",
        "date",
        delivered=o.delivered_time.date(),
        promised=o.promised_delivery_time.date(),
    )
    r = _table(engine, "reviews", store_id).filter(lambda x: x.rating.notnull() & x.order_id.notnull())
    worst = r.group_by("order_id").aggregate(rating=r.rating.min())
    lines = _table(engine, "order_lines", store_id)
    lines = lines.select("order_id", "sku", "seller_id").distinct()
    products = _table(engine, "products", store_id).select("sku", "category")
    joined = (
        o.left_join(worst, "order_id")
        .select(o, "rating")
        .left_join(lines, "order_id")
        .select(o, "rating", "sku", "seller_id")
    )
    joined = joined.left_join(products, "sku").select(joined, "category")
    df = _df(joined)
    df["late"] = df["delivered"] > df["promised"]
    return df


def _sessions(engine: Engine, store_id) -> pd.DataFrame:
    t = _table(engine, "sessions", store_id)
    g = t.group_by(["source", "visitor_type", "date", "month"]).aggregate(
        sessions=t.count(),
        bounce_sum=t.bounce_rate.sum(),
        bounce_n=t.bounce_rate.count(),
        pages=t.page_views.sum(),
        purchases=t.purchased.cast("int64").sum(),
    )
    return _df(g)


def _products(engine: Engine, store_id) -> pd.DataFrame:
    t = _table(engine, "products", store_id)
    cols = FRAME_COLUMNS["products"]
    return _numeric(_df(t.select(*cols)))


def _campaign_rows(engine: Engine, store_id) -> pd.DataFrame:
    t = _table(engine, "campaigns", store_id)
    return _df(t.select("campaign_id", "name", "platform_event", "type", "start_date", "end_date"))


def _targets(engine: Engine, store_id, start, end) -> dict[str, float]:
    months = pd.period_range(start, end, freq="M").strftime("%Y-%m")
    found = {m: read_target(engine, store_id, m) for m in months}
    return {m: float(v) for m, v in found.items() if v is not None}


__all__ = ["HISTORY_DAYS", "StoreData", "load_store"]
