"""Traffic-source kinds: the platforms' own source names (生意参谋, JD, Shopify, GA) mapped to one closed vocabulary.

A finding about a source names its kind (``search``, ``campaign`` …) so the same rule reads a 生意参谋 export
("手淘搜索") and an English one ("search") alike; the name as the file writes it stays in ``subject_label``.
"""

from __future__ import annotations

from typing import Literal

SourceKind = Literal["search", "paid_search", "recommend", "direct", "campaign", "content", "affiliate", "other"]

# Lower-cased names (zh and en) → kind. First match on the exact name, then on a contained word.
_EXACT: dict[str, SourceKind] = {
    "手淘搜索": "search",
    "自然搜索": "search",
    "搜索": "search",
    "search": "search",
    "organic search": "search",
    "直通车": "paid_search",
    "京东快车": "paid_search",
    "多多搜索": "paid_search",
    "paid search": "paid_search",
    "sponsored products": "paid_search",
    "cpc": "paid_search",
    "猜你喜欢": "recommend",
    "手淘推荐": "recommend",
    "recommendation feed": "recommend",
    "recommendation": "recommend",
    "我的淘宝/购物车": "direct",
    "我的淘宝": "direct",
    "购物车": "direct",
    "收藏": "direct",
    "direct": "direct",
    "favourites & cart": "direct",
    "活动": "campaign",
    "campaign": "campaign",
    "内容": "content",
    "短视频": "content",
    "直播": "content",
    "微淘": "content",
    "content": "content",
    "social": "content",
    "淘宝客": "affiliate",
    "affiliate": "affiliate",
}
_CONTAINS: tuple[tuple[str, SourceKind], ...] = (
    ("直通车", "paid_search"),
    ("万相台", "paid_search"),
    ("sponsored", "paid_search"),
    ("搜索", "search"),
    ("search", "search"),
    ("推荐", "recommend"),
    ("活动", "campaign"),
    ("campaign", "campaign"),
    ("淘宝客", "affiliate"),
    ("affiliate", "affiliate"),
    ("内容", "content"),
    ("直播", "content"),
)


def source_kind(name: str | None) -> SourceKind:
    key = (name or "").strip().lower()
    if key in _EXACT:
        return _EXACT[key]
    for word, kind in _CONTAINS:
        if word in key:
            return kind
    return "other"
