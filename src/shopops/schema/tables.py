"""The canonical shop schema, declared once.

Every table starts with ``store_id`` and has a natural key; imports merge on that key, so an overlapping
re-export replaces rows instead of adding them. Header aliases cover 生意参谋, JD/PDD back offices, Shopify and
Amazon wording; per-format mappings (``ingest/formats``) add the odd platform-specific header on top.
"""

from __future__ import annotations

from shopops.schema.catalog import Column as C
from shopops.schema.catalog import SyntheticKey, Table

STORE = C("store_id", "text", "店铺ID", "Store ID", ("店铺", "店铺编号", "store", "shop", "shop id"))


def _t(name: str, zh: str, en: str, key: tuple[str, ...], *cols: C, **kw) -> Table:
    return Table(name, zh, en, (STORE, *cols), ("store_id", *key), **kw)


_rate = {"minimum": 0.0, "maximum": 1.0}
_count = {"minimum": 0.0}

STORES = _t(
    "stores",
    "店铺",
    "Stores",
    (),
    C("name", "text", "店铺名称", "Store name", ("shop name",)),
    C("platform", "text", "平台", "Platform", ("渠道", "channel")),
    C("currency", "text", "币种", "Currency"),
    C("timezone", "text", "时区", "Time zone", ("tz",)),
    description="One row per shop; created on first import if absent.",
)

PRODUCTS = _t(
    "products",
    "商品",
    "Products",
    ("sku",),
    C(
        "sku",
        "text",
        "商品ID",
        "SKU",
        ("商品编码", "宝贝ID", "货号", "product id", "item id", "asin", "variant sku"),
        required=True,
    ),
    C("title", "text", "商品名称", "Title", ("宝贝名称", "商品标题", "product name", "name", "item name")),
    C("category", "text", "类目", "Category", ("商品类目", "叶子类目", "product type", "product category")),
    C("price", "money", "售价", "Price", ("一口价", "价格", "list price"), minimum=0),
    C("cost", "money", "成本", "Cost", ("成本价", "采购价", "cost per item", "unit cost"), minimum=0),
    C("launch_date", "date", "上架日期", "Launch date", ("上新日期", "发布时间", "created at", "first listed")),
    C("status", "text", "状态", "Status", ("商品状态",)),
    C("main_image_hash", "text", "主图哈希", "Main image hash", ("主图指纹", "image hash")),
    C("has_video", "bool", "主图视频", "Has video", ("有视频", "video")),
    C("white_bg_image", "bool", "白底图", "White-background image", ("白底图片", "white background")),
    C("seller_id", "text", "卖家ID", "Seller ID", ("供应商", "vendor", "seller")),
)

ORDERS = _t(
    "orders",
    "订单",
    "Orders",
    ("order_id",),
    C(
        "order_id",
        "text",
        "订单编号",
        "Order ID",
        ("订单号", "主订单编号", "order number", "order", "name"),
        required=True,
    ),
    C("created_time", "timestamp", "创建时间", "Created at", ("下单时间", "订单创建时间", "created at", "order date")),
    C("paid_time", "timestamp", "付款时间", "Paid at", ("支付时间", "订单付款时间", "paid at", "payment date")),
    C("buyer_id", "text", "买家ID", "Buyer", ("买家会员名", "买家昵称", "customer id", "email", "customer")),
    C("status", "text", "订单状态", "Status", ("交易状态", "financial status", "order status")),
    C("goods_amount", "money", "商品金额", "Subtotal", ("商品总价", "总金额", "subtotal"), minimum=0),
    C("discount", "money", "优惠金额", "Discount", ("店铺优惠", "折扣", "discount amount")),
    C("postage", "money", "运费", "Shipping", ("买家应付邮费", "邮费", "shipping", "freight")),
    C("paid_amount", "money", "实付金额", "Paid amount", ("买家实际支付金额", "支付金额", "total", "amount paid")),
    C("refund", "money", "退款金额", "Refunded amount", ("退款", "refunded amount"), minimum=0),
    C("currency", "text", "币种", "Currency"),
    C("channel", "text", "渠道来源", "Channel", ("订单来源", "source", "source name")),
    C("delivered_time", "timestamp", "签收时间", "Delivered at", ("确认收货时间", "delivered at")),
    C("promised_delivery_time", "timestamp", "承诺送达时间", "Promised delivery", ("estimated delivery",)),
    C("shipped_time", "timestamp", "发货时间", "Shipped at", ("shipped at",)),
    C("country", "text", "收货国家", "Ship-to country", ("shipping country",)),
)

ORDER_LINES = _t(
    "order_lines",
    "订单明细",
    "Order lines",
    ("order_id", "line_no"),
    C(
        "order_id",
        "text",
        "订单编号",
        "Order ID",
        ("订单号", "子订单所属主订单", "order number", "invoice"),
        required=True,
    ),
    C("line_no", "text", "子订单编号", "Line", ("行号", "子订单号", "line item id", "order item id")),
    C("sku", "text", "商品ID", "SKU", ("商品编码", "宝贝ID", "lineitem sku", "product id", "stock code")),
    C("title", "text", "商品名称", "Title", ("宝贝标题", "lineitem name", "description")),
    C("quantity", "int", "购买数量", "Quantity", ("数量", "lineitem quantity", "qty")),
    C("unit_price", "money", "单价", "Unit price", ("价格", "lineitem price", "price")),
    C("amount", "money", "金额", "Line amount", ("小计", "商品金额", "line total")),
    C("discount", "money", "优惠", "Discount", ("lineitem discount",)),
    C("postage", "money", "运费", "Shipping", ("freight value",)),
    C("refund", "money", "退款金额", "Refund", ("退款",), minimum=0),
    C("seller_id", "text", "卖家ID", "Seller ID", ("seller",)),
    synthetic=SyntheticKey("line_no", ("order_id", "sku")),
)

PAYMENTS = _t(
    "payments",
    "支付",
    "Payments",
    ("order_id", "payment_seq"),
    C("order_id", "text", "订单编号", "Order ID", required=True),
    C("payment_seq", "int", "支付序号", "Payment sequence", ("payment sequential",), required=True),
    C("method", "text", "支付方式", "Method", ("payment type",)),
    C("installments", "int", "分期数", "Installments", ("payment installments",), minimum=0),
    C("amount", "money", "支付金额", "Amount", ("payment value",), required=True),
)

CUSTOMERS = _t(
    "customers",
    "客户",
    "Customers",
    ("customer_id",),
    C("customer_id", "text", "客户ID", "Customer ID", required=True),
    C("buyer_id", "text", "买家ID", "Buyer (person)", ("customer unique id",)),
    C("city", "text", "城市", "City"),
    C("region", "text", "省份", "Region", ("省", "state", "province")),
    C("country", "text", "国家", "Country"),
)

TRAFFIC_DAILY = _t(
    "traffic_daily",
    "流量来源日报",
    "Daily traffic by source",
    ("date", "source"),
    C("date", "date", "统计日期", "Date", ("日期", "day"), required=True),
    C(
        "source",
        "text",
        "流量来源",
        "Source",
        ("来源名称", "一级来源", "二级来源", "traffic source", "traffic type"),
        required=True,
    ),
    C("visitors", "int", "访客数", "Visitors", ("uv", "访客", "sessions", "users"), required=True, **_count),
    C("page_views", "int", "浏览量", "Page views", ("pv",), **_count),
    C("bounce_rate", "rate", "跳失率", "Bounce rate", ("跳出率",), **_rate),
    C("pages_per_visitor", "number", "人均浏览量", "Pages per visitor", ("访问深度", "平均访问深度"), **_count),
    C("new_visitors", "int", "新访客数", "New visitors", **_count),
    C("returning_visitors", "int", "老访客数", "Returning visitors", **_count),
    C("paid_buyers", "int", "支付买家数", "Paying buyers", ("buyers", "下单买家数"), **_count),
    C("paid_amount", "money", "支付金额", "GMV", ("paid amount", "sales", "成交金额"), **_count),
    C("conversion_rate", "rate", "支付转化率", "Conversion rate", ("转化率",), **_rate),
    C("revenue_per_buyer", "money", "客单价", "Revenue per buyer", ("average order value",), **_count),
    C("favourites", "int", "收藏人数", "Favourites", **_count),
    C("add_to_cart", "int", "加购人数", "Add-to-cart", **_count),
    C("cost", "money", "推广花费", "Ad cost", ("花费", "spend"), **_count),
)

PRODUCT_DAILY = _t(
    "product_daily",
    "商品日报",
    "Daily product stats",
    ("date", "sku"),
    C("date", "date", "统计日期", "Date", ("日期", "day"), required=True),
    C("sku", "text", "商品ID", "SKU", ("宝贝ID", "商品编码", "product id", "item id", "asin"), required=True),
    C("title", "text", "商品名称", "Title", ("宝贝名称",)),
    C("visitors", "int", "商品访客数", "Visitors", ("访客数", "uv"), **_count),
    C("page_views", "int", "商品浏览量", "Page views", ("浏览量", "pv"), **_count),
    C("bounce_rate", "rate", "商品详情页跳出率", "Detail-page bounce rate", ("跳出率", "跳失率"), **_rate),
    C("favourites", "int", "商品收藏人数", "Favourites", ("收藏人数", "收藏数"), **_count),
    C("add_to_cart", "int", "商品加购件数", "Add-to-cart", ("加购件数", "加购人数", "加购数"), **_count),
    C("buyers", "int", "支付买家数", "Buyers", ("paid buyers",), **_count),
    C("units", "int", "支付件数", "Units", ("units sold", "quantity"), **_count),
    C("gmv", "money", "支付金额", "GMV", ("paid amount", "sales"), **_count),
    C("search_visitors", "int", "搜索引导访客数", "Search visitors", **_count),
    C("search_impressions", "int", "搜索曝光量", "Search impressions", ("曝光量", "impressions"), **_count),
    C("search_rank", "number", "搜索排名", "Search rank", ("平均排名", "rank"), minimum=0),
)

AD_KEYWORDS = _t(
    "ad_keywords",
    "推广关键词报表",
    "Ad keyword report",
    ("date", "campaign", "ad_group", "keyword", "match_type", "search_term"),
    C("date", "date", "日期", "Date", ("统计日期",), required=True),
    C("campaign", "text", "推广计划", "Campaign", ("推广计划名称", "计划名称", "campaign name"), required=True),
    C("ad_group", "text", "推广单元", "Ad group", ("推广单元名称", "宝贝名称", "ad group name")),
    C("keyword", "text", "关键词", "Keyword", ("关键词名称", "targeting"), required=True),
    C("match_type", "text", "匹配方式", "Match type", ("匹配类型",)),
    C("search_term", "text", "搜索词", "Search term", ("customer search term", "买家搜索词")),
    C("sku", "text", "商品ID", "SKU", ("宝贝ID", "advertised sku", "asin")),
    C("bid", "money", "出价", "Bid", ("关键词出价", "max bid"), minimum=0),
    C("impressions", "int", "展现量", "Impressions", required=True, **_count),
    C("clicks", "int", "点击量", "Clicks", required=True, **_count),
    C("cost", "money", "花费", "Cost", ("总花费", "spend"), required=True, **_count),
    C("avg_rank", "number", "平均展现排名", "Average rank", ("平均排名",), minimum=0),
    C("orders", "int", "总成交笔数", "Orders", ("成交笔数", "7 day total orders (#)"), **_count),
    C("ad_gmv", "money", "总成交金额", "Ad sales", ("成交金额", "7 day total sales"), **_count),
    C("favourites", "int", "总收藏数", "Favourites", ("收藏宝贝数", "收藏数"), **_count),
    C("add_to_cart", "int", "总购物车数", "Add-to-cart", ("加购物车数", "加购数"), **_count),
)

REVIEWS = _t(
    "reviews",
    "评价",
    "Reviews",
    ("review_id",),
    C("review_id", "text", "评价ID", "Review ID", ("评论ID", "review id")),
    C("sku", "text", "商品ID", "SKU", ("宝贝ID", "product id", "clothing id", "asin")),
    C("order_id", "text", "订单编号", "Order ID"),
    C("category", "text", "类目", "Category", ("cat",)),
    C("rating", "int", "评分", "Rating", ("星级", "review score", "stars"), minimum=1, maximum=5),
    C("sentiment", "text", "情感", "Sentiment", ("label",)),
    C("title", "text", "评价标题", "Title", ("review title",)),
    C("text", "text", "评价内容", "Text", ("评论内容", "review", "review text", "comment")),
    C("review_time", "timestamp", "评价时间", "Reviewed at", ("评论时间", "review date")),
    C("has_photo", "bool", "有图", "Has photo", ("买家秀", "photo")),
    C("reply", "text", "商家回复", "Reply", ("回复内容",)),
    C("reply_time", "timestamp", "回复时间", "Replied at"),
    C("language", "text", "语言", "Language", ("lang",)),
    synthetic=SyntheticKey("review_id", ("sku", "order_id", "category", "rating", "title", "text", "review_time")),
)

INVENTORY = _t(
    "inventory",
    "库存快照",
    "Inventory snapshots",
    ("date", "sku", "warehouse"),
    C("date", "date", "快照日期", "Snapshot date", ("日期", "统计日期"), required=True),
    C("sku", "text", "商品ID", "SKU", ("商品编码", "货号"), required=True),
    C("warehouse", "text", "仓库", "Warehouse", ("仓库名称", "location")),
    C("on_hand", "int", "可售库存", "On hand", ("库存", "实际库存", "available"), required=True, minimum=0),
    C("in_transit", "int", "在途库存", "In transit", ("在途",), **_count),
    C("lead_time_days", "number", "补货周期(天)", "Lead time (days)", ("补货周期", "lead time"), **_count),
)

COMPETITOR_LISTINGS = _t(
    "competitor_listings",
    "竞品快照",
    "Competitor listing snapshots",
    ("date", "competitor", "listing_id"),
    C("date", "date", "日期", "Date", ("统计日期", "快照日期"), required=True),
    C("competitor", "text", "竞争店铺", "Competitor store", ("竞店", "店铺名称"), required=True),
    C("listing_id", "text", "竞品ID", "Listing ID", ("宝贝ID", "商品ID"), required=True),
    C("title", "text", "竞品标题", "Title", ("宝贝标题", "商品名称")),
    C("price", "money", "价格", "Price", ("售价", "到手价"), minimum=0),
    C("monthly_sales", "int", "月销量", "Monthly sales", ("月销", "30天销量"), **_count),
    C("image_hash", "text", "主图哈希", "Image hash"),
    C("first_seen", "date", "首次发现", "First seen"),
    C("matched_sku", "text", "对标商品", "Matched SKU", ("我方商品ID",)),
)

CAMPAIGNS = _t(
    "campaigns",
    "活动",
    "Campaigns",
    ("campaign_id",),
    C("campaign_id", "text", "活动ID", "Campaign ID", ("活动编号",), required=True),
    C("name", "text", "活动名称", "Name", required=True),
    C("platform_event", "text", "平台大促", "Platform event", ("大促", "event")),
    C("type", "text", "活动类型", "Type", ("类型",)),
    C("registration_status", "text", "报名状态", "Registration status", ("报名",)),
    C("start_date", "date", "开始日期", "Start", ("开始时间",)),
    C("end_date", "date", "结束日期", "End", ("结束时间",)),
    C("budget", "money", "预算", "Budget", **_count),
)

SERVICE_DAILY = _t(
    "service_daily",
    "客服日报",
    "Customer-service stats",
    ("date", "agent"),
    C("date", "date", "日期", "Date", ("统计日期",), required=True),
    C("agent", "text", "客服", "Agent", ("旺旺", "客服昵称", "子账号"), required=True),
    C("inquiries", "int", "咨询人数", "Inquiries", ("询单人数", "接待人数"), required=True, **_count),
    C("inquirers_paid", "int", "询单付款人数", "Inquirers who paid", ("最终付款人数", "付款人数"), **_count),
    C("paid_amount", "money", "销售额", "Sales", ("客服销售额",), **_count),
    C("response_seconds", "number", "平均响应时间(秒)", "Average response (s)", ("平均响应时间", "响应时间"), **_count),
)

SESSIONS = _t(
    "sessions",
    "访问会话",
    "Sessions",
    ("session_id",),
    C("session_id", "text", "会话ID", "Session ID"),
    C("date", "date", "日期", "Date"),
    C("month", "int", "月份", "Month", minimum=1, maximum=12),
    C("source", "text", "流量来源", "Source", ("traffic type",)),
    C("visitor_type", "text", "访客类型", "Visitor type", ("新老访客",)),
    C("page_views", "int", "浏览页数", "Pages", **_count),
    C("duration_seconds", "number", "停留时长(秒)", "Duration (s)", **_count),
    C("bounce_rate", "rate", "跳出率", "Bounce rate", **_rate),
    C("exit_rate", "rate", "退出率", "Exit rate", **_rate),
    C("purchased", "bool", "是否购买", "Purchased", ("revenue",)),
    C("weekend", "bool", "周末", "Weekend"),
    synthetic=SyntheticKey(
        "session_id",
        (
            "date",
            "month",
            "source",
            "visitor_type",
            "page_views",
            "duration_seconds",
            "bounce_rate",
            "exit_rate",
            "purchased",
            "weekend",
        ),
    ),
)

CATEGORIES = _t(
    "categories",
    "类目",
    "Categories",
    ("category",),
    C("category", "text", "类目", "Category", required=True),
    C("label_en", "text", "英文名", "English name"),
    C("label_zh", "text", "中文名", "Chinese name"),
)

TARGETS = _t(
    "targets",
    "月度目标",
    "Monthly targets",
    ("month",),
    C("month", "text", "月份", "Month (YYYY-MM)", ("目标月份",), required=True),
    C("gmv_target", "money", "销售目标", "GMV target", ("目标销售额", "gmv"), required=True, minimum=0),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        STORES,
        PRODUCTS,
        ORDERS,
        ORDER_LINES,
        PAYMENTS,
        CUSTOMERS,
        TRAFFIC_DAILY,
        PRODUCT_DAILY,
        AD_KEYWORDS,
        REVIEWS,
        INVENTORY,
        COMPETITOR_LISTINGS,
        CAMPAIGNS,
        SERVICE_DAILY,
        SESSIONS,
        CATEGORIES,
        TARGETS,
    )
}
