"""Taobao behaviour logs published on Alibaba Tianchi, rolled up into the daily tables 生意参谋 would show.

UserBehavior (Tianchi dataset 649): one row per event — user, item, category, behaviour (pv = page view,
fav = 收藏, cart = 加购, buy = 购买) and Unix seconds, read as China time. The 2014 mobile recommendation set
writes behaviours as 1..4 and the hour as "YYYY-MM-DD HH".

Both roll up in the output SQL (``_row`` is NULL for aggregated rows):

* product_daily per day and item: visitors = distinct users who viewed it, page_views = views, favourites =
  distinct users who favourited it (收藏人数), add_to_cart = add-to-cart events (加购件数, one unit each),
  buyers = distinct buying users, units = buy events. Prices are not in the logs, so GMV stays NULL.
* traffic_daily per day, under one source ``unattributed`` (the logs name no channel): visitors = distinct users
  with any event, page_views, paid_buyers, and distinct users who favourited / added to cart (人数).

Behaviour codes outside the four known ones count in visitors only. No products rows: an item's category is not
unique in UserBehavior (the same item id is logged under two categories).
"""

from __future__ import annotations

from shopops.ingest.formats.base import Field, Format, register

UNATTRIBUTED = "unattributed"


def _rollups(events: str) -> dict[str, str]:
    """The two daily roll-ups over ``events(date, user_id, item_id, behaviour)``."""
    return {
        "product_daily": f"""
            SELECT CAST(NULL AS BIGINT) AS _row, date, item_id AS sku,
                   count(DISTINCT user_id) FILTER (WHERE behaviour = 'pv') AS visitors,
                   count(*) FILTER (WHERE behaviour = 'pv') AS page_views,
                   count(DISTINCT user_id) FILTER (WHERE behaviour = 'fav') AS favourites,
                   count(*) FILTER (WHERE behaviour = 'cart') AS add_to_cart,
                   count(DISTINCT user_id) FILTER (WHERE behaviour = 'buy') AS buyers,
                   count(*) FILTER (WHERE behaviour = 'buy') AS units
            FROM ({events}) GROUP BY date, item_id""",
        "traffic_daily": f"""
            SELECT CAST(NULL AS BIGINT) AS _row, date, '{UNATTRIBUTED}' AS source,
                   count(DISTINCT user_id) AS visitors,
                   count(*) FILTER (WHERE behaviour = 'pv') AS page_views,
                   count(DISTINCT user_id) FILTER (WHERE behaviour = 'buy') AS paid_buyers,
                   count(DISTINCT user_id) FILTER (WHERE behaviour = 'fav') AS favourites,
                   count(DISTINCT user_id) FILTER (WHERE behaviour = 'cart') AS add_to_cart
            FROM ({events}) GROUP BY date""",
    }


register(
    Format(
        name="taobao:user_behavior",
        zh="淘宝用户行为日志(天池 UserBehavior)",
        en="Taobao user behaviour log (Tianchi UserBehavior)",
        platform="taobao",
        fields=(
            Field("user_id", "text", ("user_id",), True),
            Field("item_id", "text", ("item_id",), True),
            Field("category_id", "text", ("category_id",), True),
            Field("behavior_type", "text", ("behavior_type", "behaviour_type"), True),
            Field("ts", "timestamp", ("timestamp",), True),
        ),
        outputs=_rollups(
            "SELECT CAST(ts AS DATE) AS date, user_id, item_id, lower(behavior_type) AS behaviour FROM src"
        ),
        tz="Asia/Shanghai",
        sample="taobao/UserBehavior.csv",
        notes="Unix seconds are read as China time (override with --tz).",
    )
)

register(
    Format(
        name="taobao:mobile_2014",
        zh="淘宝移动端用户行为(天池 2014)",
        en="Taobao mobile user behaviour (Tianchi 2014)",
        platform="taobao",
        fields=(
            Field("user_id", "text", ("user_id",), True),
            Field("item_id", "text", ("item_id",), True),
            Field("behavior_type", "int", ("behavior_type", "behaviour_type"), True),
            Field("user_geohash", "text", ("user_geohash",)),
            Field("item_category", "text", ("item_category",), True),
            Field("time", "timestamp", ("time",), True),
        ),
        outputs=_rollups(
            """SELECT CAST(time AS DATE) AS date, user_id, item_id,
                      CASE behavior_type WHEN 1 THEN 'pv' WHEN 2 THEN 'fav' WHEN 3 THEN 'cart' WHEN 4 THEN 'buy'
                      END AS behaviour
               FROM src"""
        ),
        tz="Asia/Shanghai",
        sample="taobao/tianchi_mobile_user_behavior.csv",
        notes="behavior_type 1 = click (page view), 2 = favourite, 3 = add to cart, 4 = buy.",
    )
)

register(
    Format(
        name="taobao:mobile_2014_items",
        zh="淘宝移动端商品表(天池 2014)",
        en="Taobao mobile items (Tianchi 2014)",
        platform="taobao",
        fields=(
            Field("item_id", "text", ("item_id",), True),
            Field("item_geohash", "text", ("item_geohash",)),
            Field("item_category", "text", ("item_category",), True),
        ),
        # The item table lists an item once per location it is sold from; an item filed under two categories
        # stays two rows, which the key check reports.
        outputs={
            "products": """
                SELECT min(_row) AS _row, item_id AS sku, item_category AS category
                FROM src GROUP BY item_id, item_category"""
        },
        sample="taobao/tianchi_mobile_item_info.csv",
        notes="Only item → category is kept; geohashes have no canonical column.",
    )
)
