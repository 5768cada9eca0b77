"""The numbers every periodic report shows, each asked of the metric catalog once: key figures, the day-by-day
store operations summary, GMV by source and its decomposition, top products, campaign results, paid resources."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from shopops.metrics.catalog import CATALOG
from shopops.metrics.compiler import MetricQuery
from shopops.metrics.decompose import Decomposition, Funnel, decompose
from shopops.metrics.drilldown import cents, product_titles
from shopops.metrics.engine import Engine
from shopops.metrics.facts import PAID_SOURCES
from shopops.metrics.frame import Value
from shopops.report.daily import Kpi
from shopops.report.grid import Col, Grid
from shopops.report.spec import Period

# 全店运营数据汇总表: one row per day, the operator's own columns
SUMMARY_METRICS: tuple[str, ...] = (
    "visitors",
    "page_views",
    "pages_per_visitor",
    "bounce_rate",
    "buyers",
    "conversion_rate",
    "gmv",
    "revenue_per_buyer",
    "uv_value",
    "add_to_cart_rate",
    "ad_cost",
    "ad_gmv",
    "roas",
    "paid_traffic_cost",
    "orders",
    "refunds",
)
PRODUCT_METRICS: tuple[str, ...] = (
    "product_gmv",
    "product_visitors",
    "product_buyers",
    "units",
    "product_revenue_per_buyer",
)
SOURCE_METRICS: tuple[str, ...] = ("visitors", "buyers", "gmv", "conversion_rate", "paid_traffic_cost", "traffic_roas")
AD_METRICS: tuple[str, ...] = ("ad_impressions", "ad_clicks", "ctr", "cpc", "ad_cost", "ad_gmv", "roas")
CAMPAIGN_METRICS: tuple[str, ...] = (
    "gmv",
    "visitors",
    "buyers",
    "conversion_rate",
    "revenue_per_buyer",
    "ad_cost",
    "roas",
)
TOP = 10

DATE = Col("date", "Date", "日期", "date")


def _q(engine: Engine, metrics: tuple[str, ...], grain: tuple[str, ...], p: Period, store: str):
    return engine.run(MetricQuery(metrics, grain, p.start, p.end, store))


def kpis(engine: Engine, store: str, period: Period, base: Period) -> tuple[Kpi, ...]:
    names = tuple(CATALOG)
    now = _q(engine, names, (), period, store).one()
    before = _q(engine, names, (), base, store).one()
    return tuple(Kpi(n, now.get(n), before.get(n)) for n in names)


def summary(engine: Engine, store: str, window: Period) -> Grid:
    """全店运营数据汇总表: a row per day with data, and the window's totals (ratios over the window)."""
    frame = _q(engine, SUMMARY_METRICS, ("date",), window, store)
    total = _q(engine, SUMMARY_METRICS, (), window, store).one()
    rows = tuple((r["date"], *(r[m] for m in SUMMARY_METRICS)) for r in frame.records())
    return Grid(
        "store_summary",
        "Store operations summary",
        "全店运营数据汇总表",
        (DATE, *(Col.metric(m) for m in SUMMARY_METRICS)),
        rows,
        (None, *(total[m] for m in SUMMARY_METRICS)),
    ).without_empty_columns()


def decomposition(engine: Engine, store: str, period: Period, base: Period) -> Decomposition:
    """The period's GMV change against the base period, by source (totals, not daily means)."""
    metrics = ("visitors", "buyers", "gmv", "paid_traffic_cost")
    now = {r["source"]: r for r in _q(engine, metrics, ("source",), period, store).records()}
    before = {r["source"]: r for r in _q(engine, metrics, ("source",), base, store).records()}

    def funnel(r: dict | None) -> Funnel:
        return Funnel.of(*(None if r is None else r[k] for k in ("visitors", "buyers", "gmv")))

    names = sorted(set(now) | set(before))
    cost = {
        s: (_cost(now.get(s)), _cost(before.get(s)))
        for s in names
        if _cost(now.get(s)) is not None or _cost(before.get(s)) is not None
    }
    return decompose({s: funnel(now.get(s)) for s in names}, {s: funnel(before.get(s)) for s in names}, cost)


def _cost(r: dict | None) -> Decimal | None:
    return None if r is None or r["paid_traffic_cost"] is None else cents(r["paid_traffic_cost"])


@dataclass(frozen=True)
class ProductLine:
    sku: str
    title: str | None
    values: dict[str, Value]  # PRODUCT_METRICS in the period
    base_gmv: Value


def top_products(engine: Engine, store: str, period: Period, base: Period, top: int = TOP) -> Grid:
    """The period's best sellers by GMV, with the base period's GMV beside them."""
    now = _q(engine, PRODUCT_METRICS, ("sku",), period, store).records()
    before = {r["sku"]: r["product_gmv"] for r in _q(engine, ("product_gmv",), ("sku",), base, store).records()}
    chosen = sorted((r for r in now if r["product_gmv"] is not None), key=lambda r: (-r["product_gmv"], r["sku"]))[:top]
    titles = product_titles(engine, store, [r["sku"] for r in chosen])
    cols = (
        Col("sku", "SKU", "商品ID", "text"),
        Col("title", "Title", "商品名称", "text"),
        *(Col.metric(m) for m in PRODUCT_METRICS),
        Col("base_gmv", "GMV, base period", "对比期支付金额", "money"),
    )
    rows = tuple(
        (r["sku"], titles.get(r["sku"]), *(r[m] for m in PRODUCT_METRICS), before.get(r["sku"])) for r in chosen
    )
    return Grid("top_products", "Top products", "热销商品", cols, rows)


def main_product(products: Grid) -> dict[str, Value] | None:
    """主打款: the period's best seller."""
    records = products.records()
    return records[0] if records else None


# ---------------------------------------------------------------- 店铺活动销售成果汇报表


@dataclass(frozen=True)
class CampaignInfo:
    campaign_id: str
    name: str
    type: str | None
    platform_event: str | None
    start: dt.date
    end: dt.date
    budget: Value


def _campaign_rows(tables, bind):
    t = tables("campaigns")
    t = t.filter((t.store_id == bind("store", "string")) & t.start_date.notnull())
    return t.select("campaign_id", "name", "type", "platform_event", "start_date", "end_date", "budget").order_by(
        ["start_date", "campaign_id"]
    )


def campaigns_in(engine: Engine, store: str, window: Period) -> tuple[CampaignInfo, ...]:
    rows = engine.fetch("report campaigns", _campaign_rows, {"store": store})
    out = []
    for r in rows:
        end = r["end_date"] or r["start_date"]
        if end >= window.start and r["start_date"] <= window.end:
            out.append(
                CampaignInfo(
                    r["campaign_id"], r["name"], r["type"], r["platform_event"], r["start_date"], end, r["budget"]
                )
            )
    return tuple(out)


def campaign_results(engine: Engine, store: str, window: Period, asof: dt.date) -> Grid:
    """Each campaign in the window: its days (up to the report date) against as many days just before it."""
    cols = (
        Col("campaign_id", "Campaign ID", "活动ID", "text"),
        Col("name", "Campaign", "活动名称", "text"),
        Col("type", "Type", "活动类型", "text"),
        Col("start", "Start", "开始日期", "date"),
        Col("end", "End", "结束日期", "date"),
        Col("days", "Days", "天数", "count"),
        *(Col.metric(m) for m in CAMPAIGN_METRICS),
        Col("base_gmv", "GMV, days before", "活动前同期支付金额", "money"),
        Col("uplift", "GMV uplift", "活动增量", "money"),
        Col("budget", "Budget", "预算", "money"),
    )
    rows = []
    for c in campaigns_in(engine, store, window):
        ran = Period(c.start, min(c.end, asof))
        if ran.days < 1:
            continue
        before = Period(c.start - dt.timedelta(days=ran.days), c.start - dt.timedelta(days=1))
        now = _q(engine, CAMPAIGN_METRICS, (), ran, store).one()
        base_gmv = _q(engine, ("gmv",), (), before, store).one()["gmv"]
        uplift = None if now["gmv"] is None or base_gmv is None else cents(now["gmv"]) - cents(base_gmv)
        rows.append(
            (
                c.campaign_id,
                c.name,
                c.type or c.platform_event,
                c.start,
                c.end,
                ran.days,
                *(now[m] for m in CAMPAIGN_METRICS),
                base_gmv,
                uplift,
                c.budget,
            )
        )
    return Grid("campaign_results", "Campaign results", "店铺活动销售成果汇报表", cols, tuple(rows))


# ---------------------------------------------------------------- 淘客资源汇总表 (paid and affiliate resources)


def is_paid_source(source: str, cost: Value) -> bool:
    """The same rule as the catalog's paid flag: a known paid source, or one that reports cost."""
    return source.lower() in {s.lower() for s in PAID_SOURCES} or (cost is not None and cost > 0)


def paid_sources(engine: Engine, store: str, period: Period) -> Grid:
    rows = tuple(
        (r["source"], *(r[m] for m in SOURCE_METRICS))
        for r in _q(engine, SOURCE_METRICS, ("source",), period, store).records()
        if is_paid_source(r["source"], r["paid_traffic_cost"])
    )
    cols = (Col("source", "Source", "流量来源", "text"), *(Col.metric(m) for m in SOURCE_METRICS))
    return Grid("paid_sources", "Paid and affiliate traffic", "淘客资源汇总表", cols, rows)


def ad_campaigns(engine: Engine, store: str, period: Period) -> Grid:
    records = _q(engine, AD_METRICS, ("campaign",), period, store).records()
    rows = tuple((r["campaign"], *(r[m] for m in AD_METRICS)) for r in records)
    cols = (Col("campaign", "Ad campaign", "推广计划", "text"), *(Col.metric(m) for m in AD_METRICS))
    return Grid("ad_campaigns", "Paid search campaigns", "直通车推广计划", cols, rows)
