"""The public-data formats on their small committed samples (tests/fixtures/formats/{olist,uci,taobao,corpus}):
auto-detection, the edge cases the big files hide (a review filed under two orders, identical rows, the China-time
day boundary, hour-only timestamps), and bad values reported with row, column and value.

Expected figures come from the csv module reading the same sample.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

from testpaths import FIXTURES

SAMPLES = FIXTURES / "formats"


def rows_of(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def shop(cli, tmp_path):
    root = tmp_path / "ws"

    def run(*args: object) -> tuple[int, str, str]:
        return cli("--workspace", root, *args)

    def sql(query: str, params: list | None = None) -> list[tuple]:
        con = duckdb.connect(str(root / "shopops.duckdb"), read_only=True)
        try:
            return con.execute(query, params or []).fetchall()
        finally:
            con.close()

    run.sql = sql  # type: ignore[attr-defined]
    return run


def imported(shop, *paths: Path, extra: tuple[str, ...] = ()) -> dict[str, str]:
    code, out, err = shop("import", *paths, *extra)
    assert code == 0, err or out
    return dict(shop.sql("SELECT file_name, format FROM _imports"))


def test_olist_samples(shop):
    folder = SAMPLES / "olist"
    formats = imported(shop, *sorted(folder.glob("*.csv")))
    assert formats == {
        "olist_orders_dataset.csv": "olist:orders",
        "olist_order_items_dataset.csv": "olist:order_items",
        "olist_order_payments_dataset.csv": "olist:payments",
        "olist_order_reviews_dataset.csv": "olist:reviews",
        "olist_customers_dataset.csv": "olist:customers",
        "olist_products_dataset.csv": "olist:products",
        "product_category_name_translation.csv": "olist:categories",
    }
    orders = rows_of(folder / "olist_orders_dataset.csv")
    got = dict(shop.sql("SELECT order_id, (status, paid_time IS NULL, shipped_time IS NULL) FROM orders"))
    assert got == {
        o["order_id"]: (
            "cancelled" if o["order_status"] == "canceled" else o["order_status"],
            not o["order_approved_at"],
            not o["order_delivered_carrier_date"],
        )
        for o in orders
    }
    items = rows_of(folder / "olist_order_items_dataset.csv")
    assert shop.sql("SELECT sum(amount), sum(postage), count(*) FROM order_lines")[0] == (
        sum(Decimal(i["price"]) for i in items),
        sum(Decimal(i["freight_value"]) for i in items),
        len(items),
    )
    payments = rows_of(folder / "olist_order_payments_dataset.csv")
    assert shop.sql("SELECT sum(amount) FROM payments")[0][0] == sum(Decimal(p["payment_value"]) for p in payments)
    # One review_id filed under two orders stays two reviews, each tied to its order.
    reviews = rows_of(folder / "olist_order_reviews_dataset.csv")
    assert len({r["review_id"] for r in reviews}) < len(reviews)
    assert sorted(shop.sql("SELECT review_id, order_id FROM reviews")) == sorted(
        (f"{r['review_id']}/{r['order_id']}", r["order_id"]) for r in reviews
    )
    multiline = next(r["review_comment_message"] for r in reviews if "\n" in r["review_comment_message"])
    assert shop.sql("SELECT count(*) FROM reviews WHERE text = ?", [multiline]) == [(1,)]
    customers = rows_of(folder / "olist_customers_dataset.csv")
    assert shop.sql("SELECT count(DISTINCT buyer_id) FROM customers")[0][0] == len(
        {c["customer_unique_id"] for c in customers}
    )


def test_uci_online_retail_sample(shop):
    path = SAMPLES / "uci" / "online_retail.csv"
    assert imported(shop, path) == {"online_retail.csv": "uci:online_retail"}
    lines = rows_of(path)
    amounts: dict[str, Decimal] = Counter()
    for r in lines:
        amounts[r["InvoiceNo"]] += Decimal(r["Quantity"]) * Decimal(r["UnitPrice"])
    got = {
        o: (s, paid, refund)
        for o, s, paid, refund in shop.sql("SELECT order_id, status, paid_amount, refund FROM orders")
    }
    assert got == {
        inv: ("cancelled", None, -total) if inv.startswith("C") else ("completed", total, None)
        for inv, total in amounts.items()
    }
    postage = sum(Decimal(r["Quantity"]) * Decimal(r["UnitPrice"]) for r in lines if r["StockCode"] == "POST")
    assert shop.sql("SELECT sum(postage) FROM orders")[0][0] == postage
    # Two identical lantern rows: both stay, under different synthetic line numbers.
    assert shop.sql("SELECT count(*), count(DISTINCT line_no) FROM order_lines")[0] == (len(lines), len(lines))
    first = min(r["InvoiceDate"] for r in lines if r["InvoiceNo"] == "536401")
    assert shop.sql("SELECT strftime(created_time, '%Y-%m-%d %H:%M:%S') FROM orders WHERE order_id = '536401'") == [
        (first,)
    ]
    # "12583.0" is how a spreadsheet writes a customer number; the id is "12583".
    assert shop.sql("SELECT buyer_id FROM orders WHERE order_id = 'C536402'") == [("12583",)]
    assert shop.sql("SELECT count(*) FROM orders WHERE buyer_id IS NULL")[0][0] == len(
        {r["InvoiceNo"] for r in lines if r["CustomerID"] == "NA"}
    )


def test_uci_sessions_sample_and_bad_month(shop, tmp_path):
    path = SAMPLES / "uci" / "online_shoppers_intention.csv"
    assert imported(shop, path) == {"online_shoppers_intention.csv": "uci:shoppers_sessions"}
    rows = rows_of(path)
    months = {"Feb": 2, "June": 6, "Nov": 11}
    assert Counter(m for (m,) in shop.sql("SELECT month FROM sessions")) == Counter(months[r["Month"]] for r in rows)
    pages = sum(int(r["Administrative"]) + int(r["Informational"]) + int(r["ProductRelated"]) for r in rows)
    assert shop.sql("SELECT sum(page_views), count(DISTINCT session_id) FROM sessions")[0] == (pages, len(rows))

    bad = tmp_path / "sessions.csv"
    text = path.read_text(encoding="utf-8").splitlines()
    text[3] = text[3].replace(",June,", ",Juin,")
    bad.write_text("\n".join(text) + "\n", encoding="utf-8")
    code, _, err = shop("import", bad)
    assert code == 2
    assert "row 4" in err and "Month" in err and "sessions.month" in err


def test_taobao_china_day_and_tz_override(shop, tmp_path):
    path = SAMPLES / "taobao" / "UserBehavior.csv"
    assert imported(shop, path) == {"UserBehavior.csv": "taobao:user_behavior"}
    events = rows_of(path)

    def day(ts: str, zone: str) -> dt.date:
        return dt.datetime.fromtimestamp(int(ts), ZoneInfo(zone)).date()

    for zone, store in (("Asia/Shanghai", "default"), ("UTC", "utc")):
        if zone == "UTC":
            imported(shop, path, extra=("--tz", "UTC", "--store", "utc"))
        expected = Counter((day(e["timestamp"], zone), e["item_id"]) for e in events if e["behavior_type"] == "pv")
        got = shop.sql(f"SELECT date, sku, page_views FROM product_daily WHERE store_id = '{store}' AND page_views > 0")
        assert dict(((d, s), n) for d, s, n in got) == expected
    buys = Counter(day(e["timestamp"], "Asia/Shanghai") for e in events if e["behavior_type"] == "buy")
    got = shop.sql("SELECT date, paid_buyers FROM traffic_daily WHERE store_id = 'default' AND paid_buyers > 0")
    assert dict(got) == buys


def test_tianchi_hour_timestamps(shop):
    events, items = (
        SAMPLES / "taobao" / "tianchi_mobile_user_behavior.csv",
        SAMPLES / "taobao" / "tianchi_mobile_item_info.csv",
    )
    assert imported(shop, events, items) == {
        events.name: "taobao:mobile_2014",
        items.name: "taobao:mobile_2014_items",
    }
    ev = rows_of(events)
    visitors = {}
    for e in ev:
        visitors.setdefault(dt.date.fromisoformat(e["time"][:10]), set()).add(e["user_id"])
    assert dict(shop.sql("SELECT date, visitors FROM traffic_daily")) == {d: len(u) for d, u in visitors.items()}
    info = rows_of(items)
    assert dict(shop.sql("SELECT sku, category FROM products")) == {i["item_id"]: i["item_category"] for i in info}


def test_review_corpora_samples_and_bad_label(shop, tmp_path):
    cats, clothing = (
        SAMPLES / "corpus" / "online_shopping_10_cats.csv",
        SAMPLES / "corpus" / "womens_clothing_reviews.csv",
    )
    assert imported(shop, cats, clothing) == {
        cats.name: "corpus:online_shopping_10_cats",
        clothing.name: "corpus:womens_clothing",
    }
    zh = rows_of(cats)
    got = Counter(shop.sql("SELECT category, sentiment, text FROM reviews WHERE language = 'zh'"))
    assert got == Counter((r["cat"], "positive" if r["label"] == "1" else "negative", r["review"] or None) for r in zh)
    assert max(got.values()) == 2  # the identical pair of fruit reviews both stay
    en = rows_of(clothing)
    assert dict(shop.sql("SELECT review_id, (sku, rating) FROM reviews WHERE language = 'en'")) == {
        r[""]: (r["Clothing ID"], int(r["Rating"])) for r in en
    }

    bad = tmp_path / "cats.csv"
    bad.write_text("cat,label,review\n书籍,1,好书\n书籍,maybe,还行\n", encoding="utf-8")
    code, _, err = shop("import", bad)
    assert code == 2
    assert "row 3" in err and "label" in err and "maybe" in err
