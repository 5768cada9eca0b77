"""The metric catalog, declared once as data: measures (aggregations on a fact) and metrics built from them.

A metric is ``simple`` (one measure), a ``difference`` of two measures, or a ``ratio`` of two measures. Ratios are
always ratios of sums over the group — never averages of daily ratios — so a week's bounce rate weighs each day by
its visitors. Rates a platform exports as rates (跳失率) are turned back into counts (Σ rate × visitors) first.
Where platforms define a metric differently, each variant has its own name (``conversion_rate`` vs
``order_conversion_rate``; ``revenue_per_buyer`` 客单价 vs ``aov`` per order).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from shopops.metrics.errors import UnknownMetric
from shopops.metrics.facts import FACTS

Agg = Literal["sum", "count", "distinct", "last_sum"]
Kind = Literal["simple", "difference", "ratio"]
Unit = Literal["money", "count", "rate", "ratio", "pages", "stars", "days"]
Direction = Literal["higher", "lower", "neutral"]
Grain = Literal["store", "date", "source", "sku", "campaign", "keyword"]
GRAINS: tuple[str, ...] = ("store", "date", "source", "sku", "campaign", "keyword")


@dataclass(frozen=True)
class Measure:
    """``agg`` of ``column`` (times ``weight``) over a fact's rows where the flag column ``where`` is true.

    ``sum`` is NULL when the column holds no value in the group (not exported), 0 when no row matches ``where``;
    with ``blank_is_zero`` a blank cell means zero (an order with no refund), so the sum is never NULL.
    ``distinct`` counts distinct values of the fact's entity; ``last_sum`` sums the last snapshot in the group.
    """

    name: str
    fact: str
    agg: Agg
    column: str | None = None
    weight: str | None = None
    where: str | None = None
    blank_is_zero: bool = False

    def __post_init__(self) -> None:
        if self.fact not in FACTS:
            raise ValueError(f"measure {self.name}: unknown fact {self.fact}")
        if self.agg == "distinct" and FACTS[self.fact].entity is None:
            raise ValueError(f"measure {self.name}: fact {self.fact} has no entity to count")
        if self.agg in ("sum", "last_sum") and self.column is None:
            raise ValueError(f"measure {self.name}: {self.agg} needs a column")


@dataclass(frozen=True)
class Metric:
    name: str
    zh: str
    en: str
    definition: str
    unit: Unit
    direction: Direction
    kind: Kind
    num: str
    den: str | None = None  # ratio: num / den; difference: num - den
    per_day: bool = False  # ratio whose denominator counts days: on_hand ÷ (units ÷ days)
    variant: str = ""  # which platform's definition, where they differ

    @property
    def measures(self) -> tuple[str, ...]:
        days = ("sales_days",) if self.per_day else ()
        return ((self.num,) if self.den is None else (self.num, self.den)) + days

    @property
    def extensive(self) -> bool:
        """Adds up over days (a 7-day mean is the mean of daily values); ratios do not."""
        return self.kind != "ratio"


def _m(name: str, fact: str, agg: Agg, column: str | None = None, weight: str | None = None, where: str | None = None):
    return Measure(name, fact, agg, column, weight, where)


MEASURES: dict[str, Measure] = {
    m.name: m
    for m in (
        # traffic_daily — the 生意参谋 view by source
        _m("visitors", "traffic", "sum", "visitors"),
        _m("page_views", "traffic", "sum", "page_views"),
        _m("pv_visitors", "traffic", "sum", "visitors", where="has_pv"),
        _m("bounced_visitors", "traffic", "sum", "bounce_rate", weight="visitors", where="has_bounce"),
        _m("bounce_visitors", "traffic", "sum", "visitors", where="has_bounce"),
        _m("paid_buyers", "traffic", "sum", "paid_buyers"),
        _m("buyer_visitors", "traffic", "sum", "visitors", where="has_buyers"),
        _m("gmv", "traffic", "sum", "paid_amount"),
        _m("favourites", "traffic", "sum", "favourites"),
        _m("fav_visitors", "traffic", "sum", "visitors", where="has_fav"),
        _m("add_to_cart", "traffic", "sum", "add_to_cart"),
        _m("cart_visitors", "traffic", "sum", "visitors", where="has_cart"),
        _m("new_visitors", "traffic", "sum", "new_visitors"),
        _m("returning_visitors", "traffic", "sum", "returning_visitors"),
        _m("paid_visitors", "traffic", "sum", "visitors", where="is_paid"),
        _m("paid_gmv", "traffic", "sum", "paid_amount", where="is_paid"),
        _m("traffic_cost", "traffic", "sum", "cost"),
        # orders — paid orders, dated by payment
        _m("orders", "orders", "count"),
        _m("order_gmv", "orders", "sum", "paid_amount"),
        Measure("refunds", "orders", "sum", "refund", blank_is_zero=True),
        _m("order_buyers", "orders", "distinct"),
        _m("new_buyers", "orders", "distinct", where="is_first"),
        _m("returning_buyers", "orders", "distinct", where="is_repeat"),
        # product_daily
        _m("units", "products", "sum", "units"),
        _m("product_gmv", "products", "sum", "gmv"),
        _m("product_visitors", "products", "sum", "visitors"),
        _m("product_buyers", "products", "sum", "buyers"),
        _m("sales_days", "product_dates", "distinct", where="has_units"),
        # ad_keywords — 直通车 / Sponsored Products
        _m("ad_impressions", "ads", "sum", "impressions"),
        _m("ad_clicks", "ads", "sum", "clicks"),
        _m("ad_cost", "ads", "sum", "cost"),
        _m("ad_gmv", "ads", "sum", "ad_gmv"),
        _m("ad_orders", "ads", "sum", "orders"),
        # reviews
        _m("rated_reviews", "reviews", "count", where="has_rating"),
        _m("rating_sum", "reviews", "sum", "rating"),
        _m("negative_reviews", "reviews", "count", where="is_negative"),
        # inventory snapshots
        _m("on_hand", "inventory", "last_sum", "on_hand"),
        # service_daily — 客服 inquiries
        _m("inquiries", "service", "sum", "inquiries"),
        _m("inquirers_paid", "service", "sum", "inquirers_paid"),
    )
}


def _simple(name, zh, en, definition, unit, direction, measure=None, variant=""):
    return Metric(name, zh, en, definition, unit, direction, "simple", measure or name, variant=variant)


def _ratio(name, zh, en, definition, unit, direction, num, den, variant="", per_day=False):
    return Metric(name, zh, en, definition, unit, direction, "ratio", num, den, per_day=per_day, variant=variant)


CATALOG: dict[str, Metric] = {
    m.name: m
    for m in (
        _simple("gmv", "支付金额", "GMV (paid amount)", "Σ paid amount by traffic source (traffic_daily), incl. postage, refunds not deducted", "money", "higher"),
        _simple("order_gmv", "订单实付金额", "Order GMV", "Σ paid amount of paid orders, dated by payment (orders)", "money", "higher"),
        _simple("refunds", "退款金额", "Refunds", "Σ refunded amount of orders paid in the period", "money", "lower"),
        Metric("net_sales", "净销售额", "Net sales", "order GMV − refunds", "money", "higher", "difference", "order_gmv", "refunds"),
        _simple("orders", "支付订单数", "Orders", "count of paid orders", "count", "higher"),
        _simple("buyers", "支付买家数", "Paying buyers", "Σ paying buyers by traffic source (a buyer via two sources counts in each)", "count", "higher", "paid_buyers"),
        _simple("order_buyers", "下单买家数(去重)", "Distinct buyers", "distinct buyer ids with a paid order", "count", "higher"),
        _simple("product_gmv", "商品支付金额", "Product GMV", "Σ paid amount by product (product_daily)", "money", "higher"),
        _simple("product_visitors", "商品访客数", "Product visitors", "Σ visitors of product detail pages", "count", "higher"),
        _simple("units", "支付件数", "Units sold", "Σ units paid (product_daily)", "count", "higher"),
        _simple("visitors", "访客数", "Visitors (UV)", "Σ visitors by traffic source", "count", "higher"),
        _simple("page_views", "浏览量", "Page views (PV)", "Σ page views", "count", "higher"),
        _ratio("pages_per_visitor", "人均浏览量", "Pages per visitor", "PV ÷ UV (rows with PV)", "pages", "higher", "page_views", "pv_visitors"),
        _ratio("bounce_rate", "跳失率", "Bounce rate", "Σ(bounce rate × visitors) ÷ Σ visitors", "rate", "lower", "bounced_visitors", "bounce_visitors"),
        _ratio("conversion_rate", "支付转化率", "Conversion rate", "paying buyers ÷ visitors", "rate", "higher", "paid_buyers", "buyer_visitors", variant="Taobao/Tmall, JD, PDD (支付转化率)"),
        _ratio("order_conversion_rate", "订单转化率", "Order conversion rate", "paid orders ÷ visitors (sessions)", "rate", "higher", "orders", "visitors", variant="Shopify/Amazon (orders ÷ sessions)"),
        _ratio("aov", "笔单价", "AOV (per order)", "order GMV ÷ paid orders", "money", "higher", "order_gmv", "orders"),
        _ratio("revenue_per_buyer", "客单价", "Revenue per buyer (客单价)", "GMV ÷ paying buyers", "money", "higher", "gmv", "paid_buyers", variant="Chinese platforms (客单价)"),
        _simple("product_buyers", "商品支付买家数", "Product buyers", "Σ paying buyers by product (product_daily)", "count", "higher"),
        _ratio("product_revenue_per_buyer", "商品客单价", "Product revenue per buyer", "product GMV ÷ product buyers (主打款客单价 at sku grain)", "money", "higher", "product_gmv", "product_buyers"),
        _ratio("uv_value", "UV价值", "Value per visitor", "GMV ÷ visitors", "money", "higher", "gmv", "visitors"),
        _simple("new_buyers", "新买家数", "New buyers", "distinct buyers whose first paid order ever is in the period", "count", "higher"),
        _simple("returning_buyers", "老买家数", "Returning buyers", "distinct buyers with a paid order in the period that is not their first", "count", "higher"),
        _ratio("repurchase_rate", "复购率", "Repurchase rate", "returning buyers ÷ distinct buyers", "rate", "higher", "returning_buyers", "order_buyers"),
        _ratio("favourite_rate", "收藏率", "Favourite rate", "favourites ÷ visitors", "rate", "higher", "favourites", "fav_visitors"),
        _ratio("add_to_cart_rate", "加购率", "Add-to-cart rate", "add-to-cart ÷ visitors", "rate", "higher", "add_to_cart", "cart_visitors"),
        _simple("ad_impressions", "展现量", "Ad impressions", "Σ ad impressions (keyword report)", "count", "higher"),
        _simple("ad_clicks", "点击量", "Ad clicks", "Σ ad clicks", "count", "higher"),
        _simple("ad_cost", "推广花费", "Ad cost", "Σ ad cost (keyword report)", "money", "neutral"),
        _ratio("ctr", "点击率", "CTR", "clicks ÷ impressions", "rate", "higher", "ad_clicks", "ad_impressions"),
        _ratio("cpc", "平均点击花费", "CPC", "ad cost ÷ clicks", "money", "lower", "ad_cost", "ad_clicks"),
        _simple("ad_gmv", "推广成交金额", "Ad GMV", "Σ sales attributed to ads", "money", "higher"),
        _ratio("roas", "投产比(ROI)", "ROAS", "ad GMV ÷ ad cost (直通车 'ROI')", "ratio", "higher", "ad_gmv", "ad_cost"),
        _ratio("acos", "ACoS", "ACoS", "ad cost ÷ ad GMV", "rate", "lower", "ad_cost", "ad_gmv", variant="Amazon"),
        _ratio("tacos", "TACoS", "TACoS", "ad cost ÷ total GMV", "rate", "lower", "ad_cost", "gmv", variant="Amazon"),
        _simple("paid_traffic_cost", "付费流量花费", "Paid traffic cost", "Σ cost by traffic source (traffic_daily)", "money", "neutral", "traffic_cost"),
        _ratio("traffic_roas", "来源投产比", "ROAS by traffic source", "GMV ÷ cost by traffic source (traffic_daily; 淘宝客 commission, 直通车 spend)", "ratio", "higher", "gmv", "traffic_cost"),
        _ratio("paid_traffic_share", "付费流量占比", "Paid share of traffic", "visitors from paid sources ÷ visitors", "rate", "neutral", "paid_visitors", "visitors"),
        _ratio("paid_sales_share", "付费成交占比", "Paid share of sales", "GMV from paid sources ÷ GMV", "rate", "neutral", "paid_gmv", "gmv"),
        _ratio("refund_rate", "退款率", "Refund rate", "refunds ÷ order GMV", "rate", "lower", "refunds", "order_gmv"),
        _ratio("avg_rating", "平均评分", "Average rating", "Σ rating ÷ rated reviews", "stars", "higher", "rating_sum", "rated_reviews"),
        _ratio("negative_review_share", "差评率", "Negative-review share", "reviews rated ≤ 2 ÷ rated reviews", "rate", "lower", "negative_reviews", "rated_reviews"),
        _simple("inquiries", "咨询人数", "Inquiries", "Σ shoppers who asked customer service (service_daily, all agents)", "count", "higher"),
        _ratio("inquiry_conversion_rate", "询单转化率", "Inquiry conversion rate", "inquirers who paid ÷ inquiries", "rate", "higher", "inquirers_paid", "inquiries"),
        _ratio("stock_days_of_cover", "库存可售天数", "Stock days of cover", "on hand at the last snapshot ÷ (units sold ÷ days with sales data)", "days", "neutral", "on_hand", "units", per_day=True),
    )
}  # fmt: skip


def get_metric(name: str) -> Metric:
    try:
        return CATALOG[name]
    except KeyError:
        raise UnknownMetric(name=name, valid=", ".join(CATALOG)) from None


def _check() -> None:
    for metric in CATALOG.values():
        for measure in metric.measures:
            if measure not in MEASURES:
                raise ValueError(f"metric {metric.name}: unknown measure {measure}")
        if (metric.kind == "simple") != (metric.den is None):
            raise ValueError(f"metric {metric.name}: {metric.kind} metric with den={metric.den}")


_check()
