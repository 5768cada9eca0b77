"""Two UCI Machine Learning Repository shop data sets: Online Retail (invoice rows) and Online Shoppers
Purchasing Intention (one row per web session).

Online Retail (dataset 352, and Online Retail II, 502) is a UK gift-ware shop's invoice lines in GBP. An invoice
number starting with "C" is a cancellation (its quantities are negative); one starting with "A" is a bad-debt
adjustment. Postage is billed as its own lines (stock codes POST, DOT, C2), so the order splits it out.
"""

from __future__ import annotations

from shopops.ingest.formats.base import Field, Format, register

_POSTAGE_CODES = "('POST', 'DOT', 'C2')"

# Amounts are computed from the exact unit price (Online Retail II has prices such as 0.001) and rounded once.
_LINES = """
    SELECT _row, invoice, stock_code, description, quantity, invoice_date,
           CAST(round(quantity * CAST(unit_price AS DECIMAL(18, 6)), 2) AS DECIMAL(18, 2)) AS amount,
           unit_price,
           regexp_replace(customer, '\\.0$', '') AS customer,  -- "13085.0" when a spreadsheet saw a number
           country,
           CASE WHEN upper(invoice) LIKE 'C%' THEN 'cancelled'
                WHEN upper(invoice) LIKE 'A%' THEN 'adjustment'
                ELSE 'completed' END AS status
    FROM src"""

register(
    Format(
        name="uci:online_retail",
        zh="UCI 在线零售发票明细",
        en="UCI Online Retail invoice lines",
        platform="uci",
        fields=(
            Field("invoice", "text", ("InvoiceNo", "Invoice"), True),
            Field("stock_code", "text", ("StockCode",), True),
            Field("description", "text", ("Description",)),
            Field("quantity", "int", ("Quantity",), True),
            Field("invoice_date", "timestamp", ("InvoiceDate",), True),
            Field("unit_price", "number", ("UnitPrice", "Price"), True),
            Field("customer", "text", ("CustomerID", "Customer ID")),
            Field("country", "text", ("Country",), True),
        ),
        outputs={
            # One order per invoice. A cancellation credits goods: its total goes to refund, not to sales.
            # Invoice-level values are taken with min() so a rare inconsistent row cannot split the order.
            "orders": f"""
                SELECT min(_row) AS _row, invoice AS order_id, min(status) AS status,
                       min(invoice_date) AS created_time,
                       CASE WHEN min(status) = 'completed' THEN min(invoice_date) END AS paid_time,
                       min(customer) AS buyer_id, min(country) AS country, 'GBP' AS currency,
                       CASE WHEN min(status) = 'completed'
                            THEN coalesce(sum(amount) FILTER (WHERE stock_code NOT IN {_POSTAGE_CODES}), 0) END
                           AS goods_amount,
                       CASE WHEN min(status) = 'completed'
                            THEN coalesce(sum(amount) FILTER (WHERE stock_code IN {_POSTAGE_CODES}), 0) END
                           AS postage,
                       CASE WHEN min(status) = 'completed' THEN sum(amount) END AS paid_amount,
                       CASE WHEN min(status) = 'cancelled' THEN -sum(amount) END AS refund
                FROM ({_LINES}) GROUP BY invoice""",
            # No line number in the file: the engine numbers lines by content (two identical rows both stay).
            "order_lines": f"""
                SELECT _row, invoice AS order_id, stock_code AS sku, description AS title, quantity,
                       unit_price, amount
                FROM ({_LINES})""",
        },
        sample="uci/online_retail.csv",
        notes="UCI datasets 352/502; amounts in GBP; 'NA' customer ids are missing.",
    )
)

_MONTHS = "['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']"
_MONTH_NAMES = (
    "['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', "
    "'november', 'december']"
)

register(
    Format(
        name="uci:shoppers_sessions",
        zh="UCI 在线购物者会话",
        en="UCI Online Shoppers sessions",
        platform="uci",
        fields=(
            Field("administrative", "int", ("Administrative",), True),
            Field("administrative_duration", "number", ("Administrative_Duration",), True),
            Field("informational", "int", ("Informational",), True),
            Field("informational_duration", "number", ("Informational_Duration",), True),
            Field("product_related", "int", ("ProductRelated",), True),
            Field("product_related_duration", "number", ("ProductRelated_Duration",), True),
            Field("bounce_rates", "rate", ("BounceRates",)),
            Field("exit_rates", "rate", ("ExitRates",)),
            Field("page_values", "number", ("PageValues",)),
            Field("special_day", "number", ("SpecialDay",)),
            Field("month", "text", ("Month",), True),
            Field("operating_systems", "text", ("OperatingSystems",)),
            Field("browser", "text", ("Browser",)),
            Field("region", "text", ("Region",)),
            Field("traffic_type", "text", ("TrafficType",)),
            Field("visitor_type", "text", ("VisitorType",)),
            Field("weekend", "bool", ("Weekend",)),
            Field("revenue", "bool", ("Revenue",), True),
        ),
        outputs={
            # Month is a name ("Feb", "June"); an unknown name becomes 0 so the 1..12 range check reports its row.
            # There is no date or year in the file: date stays NULL.
            "sessions": f"""
                SELECT _row,
                       coalesce(list_position({_MONTHS}, lower(month)), list_position({_MONTH_NAMES}, lower(month)),
                                CASE WHEN lower(month) = 'sept' THEN 9 END, TRY_CAST(month AS INTEGER), 0) AS month,
                       traffic_type AS source,
                       CASE visitor_type WHEN 'Returning_Visitor' THEN 'returning' WHEN 'New_Visitor' THEN 'new'
                            ELSE lower(visitor_type) END AS visitor_type,
                       administrative + informational + product_related AS page_views,
                       administrative_duration + informational_duration + product_related_duration
                           AS duration_seconds,
                       bounce_rates AS bounce_rate, exit_rates AS exit_rate, revenue AS purchased, weekend
                FROM src""",
        },
        sample="uci/online_shoppers_intention.csv",
        notes="UCI dataset 468; one row per session, no dates; visitor_type is new / returning / other.",
    )
)
