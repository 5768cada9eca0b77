"""生意参谋 (Business Advisor) exports: 流量来源 (traffic by source) and 商品效果 (product effect).

As the operator downloads them: GBK CSV or xlsx, one or two title lines above the header ("生意参谋-流量-店铺来源",
"统计日期：2024-06-01~2024-06-07") which the engine skips by scoring rows, numbers written for people ("1,234",
"65.32%", "￥1,234.50", "-" for none). Each field is named after the canonical column it fills, with the platform's
own header first.

Required fields are the ones 生意参谋 always fills with a number (counts; zero is written 0). Ratios and amounts stay
optional because the platform writes "-" where they are undefined (客单价 with no buyers). Having more required
fields than ``canonical:traffic_daily`` / ``canonical:product_daily`` is also what makes detection pick these
formats for a real export, whose headers the canonical formats recognise just as well.
"""

from __future__ import annotations

from shopops.ingest.formats.base import Field, Format, register

TZ = "Asia/Shanghai"

_DATE = Field("date", "date", ("统计日期", "日期"), required=True)

# What the 店铺来源 export says of each source, whichever way it names the sources.
_TRAFFIC_MEASURES = (
    Field("visitors", "int", ("访客数",), required=True),
    Field("page_views", "int", ("浏览量",), required=True),
    Field("bounce_rate", "rate", ("跳失率",)),
    Field("pages_per_visitor", "number", ("人均浏览量", "访问深度")),
    Field("paid_buyers", "int", ("支付买家数",), required=True),
    Field("paid_amount", "money", ("支付金额",)),
    Field("conversion_rate", "rate", ("支付转化率",)),
    Field("revenue_per_buyer", "money", ("客单价",)),
    Field("new_visitors", "int", ("新访客数",)),
    Field("returning_visitors", "int", ("老访客数",)),
    Field("favourites", "int", ("收藏人数",)),
    Field("add_to_cart", "int", ("加购人数",)),
)

TRAFFIC = register(
    Format(
        name="sycm:traffic",
        zh="生意参谋-流量来源",
        en="Business Advisor traffic by source",
        platform="taobao",
        fields=(
            _DATE,
            Field("source", "text", ("流量来源", "来源名称"), required=True),
            *_TRAFFIC_MEASURES,
        ),
        outputs={"traffic_daily": "SELECT * FROM src"},
        tz=TZ,
        sample="sycm/traffic.csv",
        notes="生意参谋 → 流量 → 店铺来源, daily, downloaded as CSV (GBK) or xlsx; title lines above the header are fine.",
    )
)

# The tree layout names each source by its place: 一级来源 (淘内免费, 付费流量, …), 二级来源 (手淘搜索, 直通车, …) and
# sometimes 三级来源, with a row for a group as well as one per source inside it. A source is its finest named
# level; a row that another row of the same day refines is that group's subtotal and is left out (its visitors
# are its sources'); so are whole-store total rows. Where one name sits under two groups in the file (其他 under
# both 淘内免费 and 付费流量), the source keeps its path ("付费流量/其他") so each stays its own row.
_TOTALS = "('汇总', '合计', '总计', '全部')"
_LEVELS_SQL = f"""
WITH r AS (
    SELECT *, CASE WHEN level3 IS NOT NULL THEN 3 WHEN level2 IS NOT NULL THEN 2 ELSE 1 END AS depth,
           coalesce(level3, level2, level1) AS leaf,
           concat_ws('/', level1, CASE WHEN level3 IS NOT NULL THEN level2 END) AS parent
    FROM src
    WHERE level1 NOT IN {_TOTALS}),
leaves AS (
    SELECT * FROM r
    WHERE NOT EXISTS (SELECT 1 FROM r c WHERE c.date = r.date AND c.level1 = r.level1 AND c.depth > r.depth
                                          AND (r.depth = 1 OR c.level2 = r.level2))),
shared AS (
    SELECT leaf FROM leaves GROUP BY leaf
    HAVING count(DISTINCT parent) > 1)
SELECT _row, date,
       CASE WHEN depth > 1 AND leaf IN (SELECT leaf FROM shared) THEN parent || '/' || leaf ELSE leaf END AS source,
       {", ".join(f.name for f in _TRAFFIC_MEASURES)}
FROM leaves"""

TRAFFIC_LEVELS = register(
    Format(
        name="sycm:traffic_levels",
        zh="生意参谋-流量来源(一级/二级来源)",
        en="Business Advisor traffic by source, as a tree of source levels",
        platform="taobao",
        fields=(
            _DATE,
            Field("level1", "text", ("一级来源", "一级流量来源"), required=True),
            Field("level2", "text", ("二级来源", "二级流量来源")),  # blank on a group's own row
            Field("level3", "text", ("三级来源", "三级流量来源")),
            *_TRAFFIC_MEASURES,
        ),
        outputs={"traffic_daily": _LEVELS_SQL},
        tz=TZ,
        sample="sycm/traffic_levels.csv",
        notes="生意参谋 → 流量 → 店铺来源 with 一级/二级(/三级)来源 columns; group subtotal rows are left out, each "
        "source is its finest level.",
    )
)

PRODUCT = register(
    Format(
        name="sycm:product",
        zh="生意参谋-商品效果",
        en="Business Advisor product effect",
        platform="taobao",
        fields=(
            _DATE,
            Field("sku", "text", ("商品ID", "宝贝ID"), required=True),
            Field("title", "text", ("商品名称", "宝贝名称", "商品标题")),
            Field("visitors", "int", ("商品访客数",), required=True),
            Field("page_views", "int", ("商品浏览量",), required=True),
            Field("bounce_rate", "rate", ("商品详情页跳出率",)),
            Field("favourites", "int", ("商品收藏人数",)),
            Field(
                "add_to_cart", "int", ("商品加购件数", "加购件数", "商品加购人数")
            ),  # 件数 first, 人数 if that is all
            Field("buyers", "int", ("支付买家数",), required=True),
            Field("units", "int", ("支付件数",), required=True),
            Field("gmv", "money", ("支付金额",)),
            Field("search_visitors", "int", ("搜索引导访客数",)),
        ),
        # 平均停留时长 and the other columns of the export are not read: the canonical table has no place for them.
        outputs={"product_daily": "SELECT * FROM src"},
        tz=TZ,
        sample="sycm/product.csv",
        notes="生意参谋 → 品类 → 商品效果 (商品明细), daily; 平均停留时长 and other extra columns are ignored.",
    )
)
