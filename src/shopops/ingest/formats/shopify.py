"""Shopify's orders export (Admin → Orders → Export, "orders_export.csv") → ``orders`` + ``order_lines``.

The file has one row per line item. Order-level columns (Financial Status, Paid at, Subtotal, Shipping, Total,
Discount Amount, Refunded Amount, Source …) are filled only on an order's first row, so an order takes, for each
column, its first non-blank value in file order. Times look like "2019-06-02 20:52:30 -0400"; the offset is dropped
and the shop's wall clock kept, as everywhere in shopops.

Shopify's Subtotal is after order discounts and before shipping and taxes; Total is what the customer paid
(Subtotal + Shipping + Taxes). A line's amount is quantity × price before its own discount (Lineitem discount).
Lines carry no id of their own: ``order_lines.line_no`` is synthesised from the order and SKU.
"""

from __future__ import annotations

from shopops.ingest.formats.base import Field, Format, register

FIELDS = (
    Field("name", "text", ("Name",), required=True),
    Field("email", "text", ("Email",)),
    Field("financial_status", "text", ("Financial Status",)),
    Field("paid_at", "timestamp", ("Paid at",)),
    Field("currency", "text", ("Currency",)),
    Field("subtotal", "money", ("Subtotal",)),
    Field("shipping", "money", ("Shipping",)),
    Field("total", "money", ("Total",)),
    Field("discount_amount", "money", ("Discount Amount",)),
    Field("created_at", "timestamp", ("Created at",)),
    Field("lineitem_quantity", "int", ("Lineitem quantity",), required=True),
    Field("lineitem_name", "text", ("Lineitem name",), required=True),
    Field("lineitem_price", "money", ("Lineitem price",), required=True),
    Field("lineitem_sku", "text", ("Lineitem sku",)),
    Field("lineitem_discount", "money", ("Lineitem discount",)),
    Field("refunded_amount", "money", ("Refunded Amount",)),
    Field("vendor", "text", ("Vendor",)),
    Field("source", "text", ("Source",)),
)

# orders column ← export field; each from the order's first row that has it.
_ORDER_COLUMNS = {
    "created_time": "created_at",
    "paid_time": "paid_at",
    "buyer_id": "email",
    "status": "financial_status",
    "goods_amount": "subtotal",
    "discount": "discount_amount",
    "postage": "shipping",
    "paid_amount": "total",
    "refund": "refunded_amount",
    "currency": "currency",
    "channel": "source",
}

_ORDERS_SQL = (
    "SELECT min(_row) AS _row, name AS order_id, "
    + ", ".join(f"arg_min({f}, _row) FILTER (WHERE {f} IS NOT NULL) AS {col}" for col, f in _ORDER_COLUMNS.items())
    + " FROM src GROUP BY name"
)

_LINES_SQL = (
    "SELECT _row, name AS order_id, lineitem_sku AS sku, lineitem_name AS title, lineitem_quantity AS quantity, "
    "lineitem_price AS unit_price, lineitem_quantity * lineitem_price AS amount, lineitem_discount AS discount, "
    "vendor AS seller_id FROM src"
)

ORDERS = register(
    Format(
        name="shopify:orders",
        zh="Shopify订单导出",
        en="Shopify orders export",
        platform="shopify",
        fields=FIELDS,
        outputs={"orders": _ORDERS_SQL, "order_lines": _LINES_SQL},
        sample="shopify/orders_export.csv",
        notes="Admin → Orders → Export → CSV for Excel/plain CSV; one row per line item, order fields on the first.",
    )
)
