"""The cause vocabulary: every root cause shopops can name for a bad (or unusually good) day.

The simulator plants exactly these causes (``truth.json`` names them by code) and the diagnosis names them back,
so both read this one closed list. Each cause says which metric it moves first, what kind of thing it hits (a
traffic source, a product, an ad keyword, a service agent, a competitor or the whole store), and in which
direction. ``docs/simulator.md`` documents every code from this same data.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

SubjectKind = Literal["source", "sku", "keyword", "agent", "competitor", "store"]
Direction = Literal["down", "up", "up_then_down"]


class Cause(StrEnum):
    SEARCH_RANK_DROP = "search_rank_drop"
    PAID_CPC_SPIKE = "paid_cpc_spike"
    MAIN_IMAGE_CTR_FALL = "main_image_ctr_fall"
    NEGATIVE_REVIEWS = "negative_reviews"
    STOCKOUT = "stockout"
    COMPETITOR_UNDERCUT = "competitor_undercut"
    DETAIL_PAGE_BOUNCE = "detail_page_bounce"
    BUNDLE_REMOVED = "bundle_removed"
    AGENT_SLUMP = "agent_slump"
    CAMPAIGN_PULL_FORWARD = "campaign_pull_forward"
    COPYCAT_LISTING = "copycat_listing"


@dataclass(frozen=True)
class CauseInfo:
    code: Cause
    zh: str
    en: str
    metric: str  # the metric the cause moves first, as the operator reads it
    direction: Direction
    subject_kind: SubjectKind
    description: str  # one line: what happened and where the evidence is
    evidence: tuple[str, ...]  # canonical tables that show it


CAUSES: dict[Cause, CauseInfo] = {
    c.code: c
    for c in (
        CauseInfo(
            Cause.SEARCH_RANK_DROP,
            "搜索排名下滑",
            "Search ranking drop",
            "search_visitors",
            "down",
            "sku",
            "A product's natural-search rank worsens: its search impressions and search visitors fall while its "
            "click-through rate holds.",
            ("product_daily", "traffic_daily"),
        ),
        CauseInfo(
            Cause.PAID_CPC_SPIKE,
            "直通车点击单价飙升",
            "Paid-search CPC spike",
            "cpc",
            "up",
            "keyword",
            "Rival bids push up one keyword's cost per click; the operator holds the rank, so clicks stay and cost "
            "rises, and the keyword's ROAS falls.",
            ("ad_keywords", "traffic_daily"),
        ),
        CauseInfo(
            Cause.MAIN_IMAGE_CTR_FALL,
            "换主图后点击率下降",
            "CTR fall after a main-image change",
            "search_ctr",
            "down",
            "sku",
            "A new main image is less clickable: the product keeps its impressions and rank but search and ad "
            "click-through rates fall (the products' main_image_hash changed).",
            ("product_daily", "ad_keywords", "products"),
        ),
        CauseInfo(
            Cause.NEGATIVE_REVIEWS,
            "差评集中出现后转化下降",
            "Conversion drop after a burst of bad reviews",
            "conversion_rate",
            "down",
            "sku",
            "A bad batch brings a burst of 1–2-star reviews; shoppers read them and the product's conversion falls.",
            ("reviews", "product_daily"),
        ),
        CauseInfo(
            Cause.STOCKOUT,
            "爆款断货",
            "Stockout of the hero product",
            "units",
            "down",
            "sku",
            "The best seller runs out of stock and its restock arrives late: its sales stop and its traffic shrinks "
            "until stock is back.",
            ("inventory", "product_daily"),
        ),
        CauseInfo(
            Cause.COMPETITOR_UNDERCUT,
            "竞品降价",
            "Competitor undercuts our price",
            "conversion_rate",
            "down",
            "competitor",
            "A competing shop cuts the price of its listing matched to one of our products below ours; that "
            "product's conversion falls.",
            ("competitor_listings", "product_daily"),
        ),
        CauseInfo(
            Cause.DETAIL_PAGE_BOUNCE,
            "详情页改版后跳失率上升",
            "Bounce rise after a detail-page change",
            "bounce_rate",
            "up",
            "sku",
            "A reworked detail page loses shoppers: the product's bounce rate rises and its conversion falls with it.",
            ("product_daily", "traffic_daily"),
        ),
        CauseInfo(
            Cause.BUNDLE_REMOVED,
            "套餐下架致客单价下降",
            "Revenue per buyer drop (bundle removed)",
            "revenue_per_buyer",
            "down",
            "sku",
            "The set (套餐) offered with a top product is taken down: its buyers stop adding the companion product, "
            "so revenue per buyer (客单价) falls while buyers hold.",
            ("order_lines", "product_daily", "traffic_daily"),
        ),
        CauseInfo(
            Cause.AGENT_SLUMP,
            "客服询单转化下滑",
            "Customer-service agent slump",
            "agent_conversion_rate",
            "down",
            "agent",
            "One customer-service agent converts fewer inquiries into payments and answers more slowly.",
            ("service_daily",),
        ),
        CauseInfo(
            Cause.CAMPAIGN_PULL_FORWARD,
            "活动透支后续销量",
            "Campaign uplift with pull-forward",
            "gmv",
            "up_then_down",
            "source",
            "A store campaign lifts sales while it runs, then sales dip below normal for a while because the "
            "campaign pulled purchases forward.",
            ("campaigns", "traffic_daily", "orders"),
        ),
        CauseInfo(
            Cause.COPYCAT_LISTING,
            "同款盗图分流",
            "Copycat listing appears",
            "visitors",
            "down",
            "competitor",
            "A competitor lists a copy of one of our products with our main image at a lower price; it takes part of "
            "that product's search traffic and buyers.",
            ("competitor_listings", "product_daily"),
        ),
    )
}

assert set(CAUSES) == set(Cause), "every cause code needs its CauseInfo"


def cause_info(code: str | Cause) -> CauseInfo:
    return CAUSES[Cause(code)]
