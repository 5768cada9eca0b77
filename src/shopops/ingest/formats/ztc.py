"""直通车 / 万相台 keyword reports (Taobao paid search) → ``ad_keywords``.

One row per day × 推广计划 × 推广单元 (the promoted 宝贝) × 关键词. Older reports split orders, sales, favourites and
add-to-cart into 直接 (the promoted item) and 间接 (other items of the shop) instead of, or besides, the 总 column;
when the total is absent it is the sum of its parts. The derived columns the report adds (点击率, 平均点击花费,
投入产出比) are read — a damaged one means a damaged file, and they tell this layout apart from a canonical file —
but not stored: metrics recompute them from the counts, so every ratio is the same over any period.
"""

from __future__ import annotations

from shopops.ingest.formats.base import Field, Format, register

TZ = "Asia/Shanghai"


def _total(name: str, *parts: str) -> str:
    """The 总 column, else the sum of its parts (NULL only when every part is NULL)."""
    summed = " + ".join(f"coalesce({p}, 0)" for p in parts)
    either = " OR ".join(f"{p} IS NOT NULL" for p in parts)
    return f"coalesce({name}, CASE WHEN {either} THEN {summed} END) AS {name}"


KEYWORDS = register(
    Format(
        name="ztc:keywords",
        zh="直通车/万相台-关键词报表",
        en="Taobao paid search (直通车/万相台) keyword report",
        platform="taobao",
        fields=(
            Field("date", "date", ("日期", "统计日期"), required=True),
            Field("campaign", "text", ("推广计划名称", "计划名称", "计划名字"), required=True),
            Field("ad_group", "text", ("推广单元", "推广单元名称", "宝贝名称", "单元名称"), required=True),
            Field("sku", "text", ("宝贝ID", "商品ID")),
            Field("keyword", "text", ("关键词", "关键词名称"), required=True),
            Field("match_type", "text", ("匹配方式", "匹配类型")),
            Field("bid", "money", ("出价", "关键词出价")),
            Field("impressions", "int", ("展现量",), required=True),
            Field("clicks", "int", ("点击量",), required=True),
            Field("cost", "money", ("花费", "总花费"), required=True),
            Field("avg_rank", "number", ("平均展现排名",)),
            Field("orders", "int", ("总成交笔数",)),
            Field("ad_gmv", "money", ("总成交金额",)),
            Field("favourites", "int", ("总收藏数",)),
            Field("add_to_cart", "int", ("总购物车数",)),
            Field("direct_orders", "int", ("直接成交笔数",)),
            Field("indirect_orders", "int", ("间接成交笔数",)),
            Field("direct_gmv", "money", ("直接成交金额",)),
            Field("indirect_gmv", "money", ("间接成交金额",)),
            Field("item_favourites", "int", ("宝贝收藏数",)),
            Field("shop_favourites", "int", ("店铺收藏数",)),
            Field("direct_add_to_cart", "int", ("直接购物车数",)),
            Field("indirect_add_to_cart", "int", ("间接购物车数",)),
            Field("ctr", "rate", ("点击率",)),
            Field("cpc", "money", ("平均点击花费",)),
            Field("roi", "number", ("投入产出比",)),
        ),
        outputs={
            "ad_keywords": "SELECT _row, date, campaign, ad_group, sku, keyword, match_type, bid, impressions, clicks, "
            "cost, avg_rank, "
            + ", ".join(
                (
                    _total("orders", "direct_orders", "indirect_orders"),
                    _total("ad_gmv", "direct_gmv", "indirect_gmv"),
                    _total("favourites", "item_favourites", "shop_favourites"),
                    _total("add_to_cart", "direct_add_to_cart", "indirect_add_to_cart"),
                )
            )
            + " FROM src"
        },
        tz=TZ,
        sample="ztc/keywords.csv",
        notes="直通车 → 报表 → 关键词 (or 万相台 关键词 report), daily; 总成交 = 直接 + 间接 when only the parts are given.",
    )
)
