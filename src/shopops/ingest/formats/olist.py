"""Olist (Brazil) marketplace exports, one format per CSV of the public Kaggle release.

Olist writes snake_case headers and wall-clock times in Brazil's local time; money is BRL. Order status
``canceled`` is spelled ``cancelled`` as in every other shopops format.

Not imported, on purpose: ``olist_sellers_dataset.csv`` (seller id, zip prefix, city, state). A seller is a
merchant on the marketplace, not a shop the operator runs: as ``stores`` rows it would add 3,095 empty shops to
every per-store report, and its only new facts (seller location) have no canonical column. The seller id already
sits on every order line. The marketing-funnel files (leads, closed deals) describe Olist's own sales pipeline.
"""

from __future__ import annotations

from shopops.ingest.formats.base import Field, Format, register
from shopops.schema import ColumnType


def _f(name: str, type_: ColumnType, *headers: str, required: bool = False) -> Field:
    return Field(name, type_, headers or (name,), required)


_NOTES = "Olist public data set (Kaggle olistbr/brazilian-ecommerce); times are Brazil wall clock."

register(
    Format(
        name="olist:orders",
        zh="Olist 订单表",
        en="Olist orders",
        platform="olist",
        fields=(
            _f("order_id", "text", required=True),
            _f("customer_id", "text", required=True),
            _f("order_status", "text", required=True),
            _f("order_purchase_timestamp", "timestamp", required=True),
            _f("order_approved_at", "timestamp"),
            _f("order_delivered_carrier_date", "timestamp"),
            _f("order_delivered_customer_date", "timestamp"),
            _f("order_estimated_delivery_date", "timestamp", required=True),
        ),
        outputs={
            "orders": """
                SELECT _row, order_id,
                       CASE lower(order_status) WHEN 'canceled' THEN 'cancelled' ELSE lower(order_status) END AS status,
                       order_purchase_timestamp AS created_time,
                       order_approved_at AS paid_time,
                       customer_id AS buyer_id,  -- one per order; customers maps it to the person
                       order_delivered_carrier_date AS shipped_time,
                       order_delivered_customer_date AS delivered_time,
                       order_estimated_delivery_date AS promised_delivery_time,
                       'BRL' AS currency, 'BR' AS country
                FROM src""",
        },
        sample="olist/olist_orders_dataset.csv",
        notes=_NOTES,
    )
)

register(
    Format(
        name="olist:order_items",
        zh="Olist 订单明细",
        en="Olist order items",
        platform="olist",
        fields=(
            _f("order_id", "text", required=True),
            _f("order_item_id", "int", required=True),
            _f("product_id", "text", required=True),
            _f("seller_id", "text", required=True),
            _f("shipping_limit_date", "timestamp"),
            _f("price", "money", required=True),
            _f("freight_value", "money", required=True),
        ),
        outputs={
            # One row per unit: Olist repeats an item (order_item_id 1, 2, …) instead of writing a quantity.
            "order_lines": """
                SELECT _row, order_id, CAST(order_item_id AS VARCHAR) AS line_no, product_id AS sku, seller_id,
                       1 AS quantity, price AS unit_price, price AS amount, freight_value AS postage
                FROM src""",
        },
        sample="olist/olist_order_items_dataset.csv",
        notes=_NOTES,
    )
)

register(
    Format(
        name="olist:payments",
        zh="Olist 支付表",
        en="Olist payments",
        platform="olist",
        fields=(
            _f("order_id", "text", required=True),
            _f("payment_sequential", "int", required=True),
            _f("payment_type", "text", required=True),
            _f("payment_installments", "int", required=True),
            _f("payment_value", "money", required=True),
        ),
        outputs={
            "payments": """
                SELECT _row, order_id, payment_sequential AS payment_seq, payment_type AS method,
                       payment_installments AS installments, payment_value AS amount
                FROM src""",
        },
        sample="olist/olist_order_payments_dataset.csv",
        notes=_NOTES,
    )
)

register(
    Format(
        name="olist:reviews",
        zh="Olist 评价表",
        en="Olist order reviews",
        platform="olist",
        fields=(
            _f("review_id", "text", required=True),
            _f("order_id", "text", required=True),
            _f("review_score", "int", required=True),
            _f("review_comment_title", "text"),
            _f("review_comment_message", "text"),
            _f("review_creation_date", "timestamp", required=True),
            _f("review_answer_timestamp", "timestamp"),
        ),
        outputs={
            # Olist's own key is (review_id, order_id): the full release files one review under several orders of
            # the same buyer. Both parts go into the id, so every row stays and any overlap merges idempotently.
            "reviews": """
                SELECT _row, review_id || '/' || order_id AS review_id, order_id, review_score AS rating,
                       review_comment_title AS title, review_comment_message AS text,
                       review_creation_date AS review_time, review_answer_timestamp AS reply_time, 'pt' AS language
                FROM src""",
        },
        sample="olist/olist_order_reviews_dataset.csv",
        notes=_NOTES + " review_id is Olist's review_id/order_id.",
    )
)

register(
    Format(
        name="olist:customers",
        zh="Olist 客户表",
        en="Olist customers",
        platform="olist",
        fields=(
            _f("customer_id", "text", required=True),
            _f("customer_unique_id", "text", required=True),
            _f("customer_zip_code_prefix", "text"),
            _f("customer_city", "text"),
            _f("customer_state", "text"),
        ),
        outputs={
            "customers": """
                SELECT _row, customer_id, customer_unique_id AS buyer_id, customer_city AS city,
                       customer_state AS region, 'BR' AS country
                FROM src""",
        },
        sample="olist/olist_customers_dataset.csv",
        notes=_NOTES,
    )
)

register(
    Format(
        name="olist:products",
        zh="Olist 商品表",
        en="Olist products",
        platform="olist",
        fields=(
            _f("product_id", "text", required=True),
            _f("product_category_name", "text"),
            # The original headers misspell "length"; a cleaned copy that fixed them is just as common.
            _f("name_length", "int", "product_name_lenght", "product_name_length"),
            _f("description_length", "int", "product_description_lenght", "product_description_length"),
            _f("product_photos_qty", "int"),
            _f("product_weight_g", "number"),
            _f("product_length_cm", "number"),
            _f("product_height_cm", "number"),
            _f("product_width_cm", "number"),
        ),
        outputs={
            # The file names no seller: seller_id stays NULL (order lines carry it).
            "products": "SELECT _row, product_id AS sku, product_category_name AS category FROM src",
        },
        sample="olist/olist_products_dataset.csv",
        notes=_NOTES,
    )
)

register(
    Format(
        name="olist:categories",
        zh="Olist 类目翻译表",
        en="Olist category translation",
        platform="olist",
        fields=(
            _f("product_category_name", "text", required=True),
            _f("product_category_name_english", "text", required=True),
        ),
        outputs={
            "categories": """
                SELECT _row, product_category_name AS category, product_category_name_english AS label_en FROM src""",
        },
        sample="olist/product_category_name_translation.csv",
        notes=_NOTES,
    )
)
