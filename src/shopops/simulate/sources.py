"""Traffic sources: one table with the platform's own names (zh, as 生意参谋 writes them) and English labels.

Files carry the platform's own name: ``zh`` for Taobao/Tmall shops (what 生意参谋 writes, and what the metrics
layer recognises as paid: 直通车, 淘宝客), ``en`` for Shopify/Amazon shops; ``code`` is the simulator's own key
(truth.json, docs). The behaviour columns are the simulator's assumptions for a mid-size Taobao shop (paid search
converts better than the feed, cart visitors best of all).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    code: str
    zh: str
    en: str
    share: float  # share of a normal day's visitors (paid search is modelled bottom-up from keywords instead)
    cvr: float  # conversion multiplier against the product's base rate
    bounce: float  # base bounce rate
    extra_pages: float  # mean extra pages of a visitor who did not bounce (beyond the second)
    returning: float  # share of visitors who visited before
    returning_buyer: float  # share of this source's buyers who bought before
    paid: bool = False


SOURCES: tuple[Source, ...] = (
    Source("search", "手淘搜索", "search", 0.40, 1.00, 0.52, 2.2, 0.15, 0.12),
    Source("paid_search", "直通车", "paid search", 0.12, 1.25, 0.55, 1.8, 0.10, 0.08, paid=True),
    Source("recommend", "猜你喜欢", "recommendation feed", 0.20, 0.55, 0.66, 1.5, 0.22, 0.15),
    Source("direct", "我的淘宝/购物车", "favourites & cart", 0.11, 2.60, 0.38, 3.2, 0.78, 0.60),
    Source("campaign", "活动", "campaign", 0.03, 1.40, 0.50, 2.4, 0.30, 0.25),
    Source("content", "内容", "content", 0.07, 0.75, 0.60, 1.8, 0.20, 0.15),
    Source("affiliate", "淘宝客", "affiliate", 0.07, 1.70, 0.48, 1.5, 0.12, 0.08, paid=True),
)

SEARCH, PAID, RECOMMEND, DIRECT, CAMPAIGN, CONTENT, AFFILIATE = range(len(SOURCES))
AFFILIATE_COMMISSION = 0.08  # 淘宝客 commission on the GMV it brings


def source_names(lang: str) -> tuple[str, ...]:
    """The sources as a shop of that language's platform names them in its exports."""
    return tuple(s.zh if lang == "zh" else s.en for s in SOURCES)
