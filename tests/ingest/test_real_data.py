"""The public data sets in ../shared/data import with plain ``shopops import PATH`` and keep every figure.

Each test imports through the CLI into a fresh workspace, then checks row counts, sums to the cent and distinct
counts against pandas reading the same file (never against an earlier shopops result). Importing the same file
again must say "unchanged"; ``--force`` must leave every table exactly as it was.
"""

from __future__ import annotations

import gzip
from collections import Counter
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest

pytestmark = pytest.mark.realdata

CENT = Decimal("0.01")


def read_text_csv(path: Path) -> pd.DataFrame:
    """Every cell as the text in the file ('' for empty), so nothing is guessed by pandas."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def blank_to_none(value: str) -> str | None:
    value = value.strip()
    return value or None


def dec_sum(values) -> Decimal:
    return sum((Decimal(v) for v in values if v.strip()), Decimal(0)).quantize(CENT)


class Shop:
    """A fresh workspace driven through the CLI; queries open the DuckDB file read-only between commands."""

    def __init__(self, cli, root: Path) -> None:
        self.cli, self.root = cli, root

    def run(self, *args: object) -> str:
        code, out, err = self.cli("--workspace", self.root, *args)
        assert code == 0, err or out
        return out

    def imports(self, *paths: Path, force: bool = False) -> str:
        return self.run("import", *paths, *(["--force"] if force else []))

    def sql(self, query: str) -> list[tuple]:
        con = duckdb.connect(str(self.root / "shopops.duckdb"), read_only=True)
        try:
            return con.execute(query).fetchall()
        finally:
            con.close()

    def formats(self) -> dict[str, str]:
        """File name → format, from the import ledger."""
        return dict(self.sql("SELECT file_name, format FROM _imports"))

    def one(self, query: str):
        return self.sql(query)[0][0]

    def snapshot(self, *tables: str) -> dict[str, list[tuple]]:
        return {t: self.sql(f'SELECT * EXCLUDE (_import_id) FROM "{t}" ORDER BY ALL') for t in tables}

    def idempotent(self, paths: list[Path], tables: tuple[str, ...]) -> None:
        before = self.snapshot(*tables)
        again = self.imports(*paths)
        assert again.count("unchanged") == len(paths), again
        assert self.snapshot(*tables) == before
        self.imports(*paths, force=True)
        assert self.snapshot(*tables) == before


@pytest.fixture
def shop(cli, tmp_path) -> Shop:
    return Shop(cli, tmp_path / "ws")


# ------------------------------------------------------------------------------------------------------ Olist

OLIST_FILES = {
    "olist_orders_dataset.csv": "olist:orders",
    "olist_order_items_dataset.csv": "olist:order_items",
    "olist_order_payments_dataset.csv": "olist:payments",
    "olist_order_reviews_dataset.csv": "olist:reviews",
    "olist_customers_dataset.csv": "olist:customers",
    "olist_products_dataset.csv": "olist:products",
    "product_category_name_translation.csv": "olist:categories",
}


def test_olist_4k_sample(shop, shared_data):
    folder = shared_data / "olist_brazilian_ecommerce" / "sample_4k_orders_with_reviews"
    paths = [folder / name for name in OLIST_FILES]
    shop.imports(*paths)
    assert shop.formats() == OLIST_FILES

    orders = read_text_csv(folder / "olist_orders_dataset.csv")
    assert shop.one("SELECT count(*) FROM orders") == len(orders) == 4000
    got = {
        r[0]: r[1:]
        for r in shop.sql(
            "SELECT order_id, status, strftime(created_time, '%Y-%m-%d %H:%M:%S'), "
            "strftime(paid_time, '%Y-%m-%d %H:%M:%S'), buyer_id, strftime(shipped_time, '%Y-%m-%d %H:%M:%S'), "
            "strftime(delivered_time, '%Y-%m-%d %H:%M:%S'), strftime(promised_delivery_time, '%Y-%m-%d %H:%M:%S'), "
            "currency, country FROM orders"
        )
    }
    status = {"canceled": "cancelled"}
    expected = {
        r.order_id: (
            status.get(r.order_status, r.order_status),
            r.order_purchase_timestamp,
            blank_to_none(r.order_approved_at),
            r.customer_id,
            blank_to_none(r.order_delivered_carrier_date),
            blank_to_none(r.order_delivered_customer_date),
            r.order_estimated_delivery_date,
            "BRL",
            "BR",
        )
        for r in orders.itertuples()
    }
    assert got == expected
    assert Counter(v[0] for v in got.values())["cancelled"] == (orders.order_status == "canceled").sum() == 23

    items = read_text_csv(folder / "olist_order_items_dataset.csv")
    assert shop.one("SELECT count(*) FROM order_lines") == len(items) == 4519
    assert shop.one("SELECT count(DISTINCT (order_id, line_no)) FROM order_lines") == 4519
    amount, postage, units = shop.sql("SELECT sum(amount), sum(postage), sum(quantity) FROM order_lines")[0]
    assert amount == dec_sum(items.price)
    assert postage == dec_sum(items.freight_value)
    assert units == len(items)
    assert shop.one("SELECT count(DISTINCT sku) FROM order_lines") == items.product_id.nunique()
    assert shop.one("SELECT count(DISTINCT seller_id) FROM order_lines") == items.seller_id.nunique()

    payments = read_text_csv(folder / "olist_order_payments_dataset.csv")
    assert shop.one("SELECT count(*) FROM payments") == len(payments) == 4161
    assert shop.one("SELECT sum(amount) FROM payments") == dec_sum(payments.payment_value)
    assert dict(shop.sql("SELECT method, count(*) FROM payments GROUP BY 1")) == dict(
        payments.payment_type.value_counts()
    )
    assert shop.one("SELECT sum(installments) FROM payments") == payments.payment_installments.astype(int).sum()

    # Duplicate analysis: the sample has one row per review_id (3,986); 14 orders carry two reviews each. The id
    # is Olist's (review_id, order_id), so the full release — where a review_id repeats across orders — fits too.
    reviews = read_text_csv(folder / "olist_order_reviews_dataset.csv")
    assert len(reviews) == reviews.review_id.nunique() == 3986
    assert (reviews.order_id.value_counts() == 2).sum() == 14
    got_reviews = {
        r[0]: r[1:]
        for r in shop.sql(
            "SELECT review_id, order_id, rating, title, text, strftime(review_time, '%Y-%m-%d %H:%M:%S'), "
            "strftime(reply_time, '%Y-%m-%d %H:%M:%S'), language FROM reviews"
        )
    }
    assert got_reviews == {
        f"{r.review_id}/{r.order_id}": (
            r.order_id,
            int(r.review_score),
            blank_to_none(r.review_comment_title),
            blank_to_none(r.review_comment_message),
            r.review_creation_date,
            blank_to_none(r.review_answer_timestamp),
            "pt",
        )
        for r in reviews.itertuples()
    }
    assert dict(shop.sql("SELECT rating, count(*) FROM reviews GROUP BY 1")) == {
        1: 454,
        2: 137,
        3: 337,
        4: 765,
        5: 2293,
    }

    customers = read_text_csv(folder / "olist_customers_dataset.csv")
    assert shop.one("SELECT count(*) FROM customers") == len(customers) == 4000
    assert shop.one("SELECT count(DISTINCT buyer_id) FROM customers") == customers.customer_unique_id.nunique()
    assert dict(shop.sql("SELECT region, count(*) FROM customers GROUP BY 1")) == dict(
        customers.customer_state.value_counts()
    )
    # Every order's buyer is a customer of the sample (referential consistency survives the import).
    assert shop.one("SELECT count(*) FROM orders o ANTI JOIN customers c ON o.buyer_id = c.customer_id") == 0

    products = read_text_csv(folder / "olist_products_dataset.csv")
    assert shop.one("SELECT count(*) FROM products") == len(products) == 3132
    assert (
        shop.one("SELECT count(*) FROM products WHERE category IS NULL") == (products.product_category_name == "").sum()
    )
    assert shop.one("SELECT count(*) FROM products WHERE seller_id IS NOT NULL") == 0

    translation = read_text_csv(folder / "product_category_name_translation.csv")
    assert dict(shop.sql("SELECT category, label_en FROM categories")) == dict(
        zip(translation.product_category_name, translation.product_category_name_english, strict=True)
    )
    assert len(translation) == 71
    assert shop.sql("SELECT platform FROM stores") == [("olist",)]

    shop.idempotent(paths, ("orders", "order_lines", "payments", "reviews", "customers", "products", "categories"))


# ---------------------------------------------------------------------------------------------- UCI retail


def test_uci_online_retail_20k(shop, shared_data):
    path = shared_data / "online_retail_uk" / "online_retail_random_20k_rows.csv.gz"
    raw = gzip.decompress(path.read_bytes())
    raw.decode("utf-8")  # the file is UTF-8 (a "£" is the only non-ASCII text)
    assert "£".encode() in raw
    shop.imports(path)
    assert shop.formats() == {path.name: "uci:online_retail"}

    rows = pd.read_csv(path, dtype=str, keep_default_na=False)
    rows["amount"] = [
        (Decimal(q) * Decimal(p)).quantize(CENT) for q, p in zip(rows.Quantity, rows.UnitPrice, strict=True)
    ]
    cancelled = rows.InvoiceNo.str.startswith("C")
    postage = rows.StockCode.isin(["POST", "DOT", "C2"])

    assert shop.one("SELECT count(*) FROM order_lines") == len(rows) == 20000
    assert shop.one("SELECT count(DISTINCT line_no) FROM order_lines") == 20000
    assert shop.one("SELECT sum(amount) FROM order_lines") == sum(rows.amount)
    assert shop.one("SELECT sum(quantity) FROM order_lines") == rows.Quantity.astype(int).sum()
    # Identical rows both stay: every (invoice, stock code) keeps as many lines as the file has.
    got = Counter(
        dict(((o, s), n) for o, s, n in shop.sql("SELECT order_id, sku, count(*) FROM order_lines GROUP BY 1, 2"))
    )
    assert got == Counter(zip(rows.InvoiceNo, rows.StockCode, strict=True))
    assert rows.duplicated().sum() == 7
    assert shop.one("SELECT count(*) FROM order_lines WHERE title LIKE '%£20.00%'") == 1

    assert shop.one("SELECT count(*) FROM orders") == rows.InvoiceNo.nunique() == 9362
    assert dict(shop.sql("SELECT status, count(*) FROM orders GROUP BY 1")) == {
        "cancelled": rows.InvoiceNo[cancelled].nunique(),
        "completed": rows.InvoiceNo[~cancelled].nunique(),
    }
    done = rows[~cancelled]
    goods, post, paid, refund = shop.sql(
        "SELECT sum(goods_amount), sum(postage), sum(paid_amount), sum(refund) FROM orders"
    )[0]
    assert goods == sum(done.amount[~postage[~cancelled]])
    assert post == sum(done.amount[postage[~cancelled]])
    assert paid == sum(done.amount)
    assert refund == -sum(rows.amount[cancelled])
    buyers = rows.CustomerID[rows.CustomerID != "NA"]
    assert shop.one("SELECT count(DISTINCT buyer_id) FROM orders") == buyers.nunique() == 3049
    assert (
        shop.one("SELECT count(*) FROM orders WHERE buyer_id IS NULL")
        == rows.InvoiceNo[rows.CustomerID == "NA"].nunique()
    )
    assert dict(shop.sql("SELECT country, count(*) FROM orders GROUP BY 1")) == dict(
        rows.drop_duplicates("InvoiceNo").Country.value_counts()
    )
    first = rows.groupby("InvoiceNo").InvoiceDate.min()
    got_created = dict(shop.sql("SELECT order_id, strftime(created_time, '%Y-%m-%d %H:%M:%S') FROM orders"))
    assert got_created == first.to_dict()
    assert shop.sql("SELECT DISTINCT currency FROM orders") == [("GBP",)]

    shop.idempotent([path], ("orders", "order_lines"))


# ------------------------------------------------------------------------------------------- UCI sessions

MONTHS = {
    m: i for i, m in enumerate(["Jan", "Feb", "Mar", "Apr", "May", "June", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1)
}


def test_uci_online_shoppers_sessions(shop, shared_data):
    path = shared_data / "online_shoppers_purchasing_intention" / "online_shoppers_intention.csv"
    shop.imports(path)
    assert shop.formats() == {path.name: "uci:shoppers_sessions"}
    s = pd.read_csv(path)  # typed by pandas: counts int, durations float, booleans bool

    assert shop.one("SELECT count(*) FROM sessions") == len(s) == 12330
    # 125 rows repeat an earlier row exactly; each keeps its own synthetic id.
    assert s.duplicated().sum() == 125
    assert shop.one("SELECT count(DISTINCT session_id) FROM sessions") == 12330
    pages = s.Administrative + s.Informational + s.ProductRelated
    seconds = s.Administrative_Duration + s.Informational_Duration + s.ProductRelated_Duration
    assert shop.one("SELECT sum(page_views) FROM sessions") == pages.sum()
    assert shop.one("SELECT sum(duration_seconds) FROM sessions") == pytest.approx(seconds.sum(), rel=1e-12)
    assert shop.one("SELECT sum(bounce_rate) FROM sessions") == pytest.approx(s.BounceRates.sum(), rel=1e-12)
    assert shop.one("SELECT sum(exit_rate) FROM sessions") == pytest.approx(s.ExitRates.sum(), rel=1e-12)
    assert shop.one("SELECT count(*) FILTER (WHERE purchased) FROM sessions") == s.Revenue.sum() == 1908
    assert shop.one("SELECT count(*) FILTER (WHERE weekend) FROM sessions") == s.Weekend.sum()
    assert dict(shop.sql("SELECT month, count(*) FROM sessions GROUP BY 1")) == dict(s.Month.map(MONTHS).value_counts())
    assert dict(shop.sql("SELECT source, count(*) FROM sessions GROUP BY 1")) == dict(
        s.TrafficType.astype(str).value_counts()
    )
    visitor = {"Returning_Visitor": "returning", "New_Visitor": "new", "Other": "other"}
    assert dict(shop.sql("SELECT visitor_type, count(*) FROM sessions GROUP BY 1")) == dict(
        s.VisitorType.map(visitor).value_counts()
    )
    assert shop.one("SELECT count(*) FROM sessions WHERE date IS NOT NULL") == 0

    shop.idempotent([path], ("sessions",))


# ----------------------------------------------------------------------------------------------- Taobao


def test_taobao_user_behavior(shop, shared_data):
    path = shared_data / "taobao_user_behavior_sample" / "UserBehavior_head_814users.csv.gz"
    shop.imports(path)
    assert shop.formats() == {path.name: "taobao:user_behavior"}
    ev = pd.read_csv(path, dtype={"user_id": str, "item_id": str, "category_id": str})
    ev["date"] = pd.to_datetime(ev.timestamp, unit="s", utc=True).dt.tz_convert("Asia/Shanghai").dt.date
    kinds = ev.behavior_type.value_counts().to_dict()
    assert kinds == {"pv": 75693, "cart": 4494, "fav": 2351, "buy": 1749}

    def distinct(kind: str, *by: str) -> int:
        return len(ev[ev.behavior_type == kind].drop_duplicates([*by, "user_id"]))

    assert shop.one("SELECT count(*) FROM product_daily") == ev.groupby(["date", "item_id"]).ngroups == 68823
    totals = shop.sql(
        "SELECT sum(page_views), sum(favourites), sum(add_to_cart), sum(units), sum(visitors), sum(buyers), "
        "count(gmv), count(DISTINCT sku) FROM product_daily"
    )[0]
    assert totals == (
        kinds["pv"],
        distinct("fav", "date", "item_id"),
        kinds["cart"],
        kinds["buy"],
        distinct("pv", "date", "item_id"),
        distinct("buy", "date", "item_id"),
        0,
        ev.item_id.nunique(),
    )

    per_day = ev.groupby("date")
    traffic = {
        r[0]: r[1:]
        for r in shop.sql(
            "SELECT date, source, visitors, page_views, paid_buyers, favourites, add_to_cart FROM traffic_daily"
        )
    }
    assert traffic == {
        day: (
            "unattributed",
            g.user_id.nunique(),
            (g.behavior_type == "pv").sum(),
            g.user_id[g.behavior_type == "buy"].nunique(),
            g.user_id[g.behavior_type == "fav"].nunique(),
            g.user_id[g.behavior_type == "cart"].nunique(),
        )
        for day, g in per_day
    }
    assert len(traffic) == 13  # 2017-11-25 .. 12-03 China time, plus 4 days of stray rows

    shop.idempotent([path], ("product_daily", "traffic_daily"))


def test_tianchi_mobile_2014_sample(shop, shared_data):
    folder = shared_data / "taobao_user_behavior_sample" / "tianchi_mobile_recommend_sample"
    events, items = folder / "sample_user_behavior.csv", folder / "sample_item_info.csv"
    shop.imports(events, items)
    assert shop.formats() == {events.name: "taobao:mobile_2014", items.name: "taobao:mobile_2014_items"}
    ev = read_text_csv(events)
    ev["date"] = ev.time.str[:10]
    counts = ev.behavior_type.value_counts().to_dict()
    assert shop.sql("SELECT sum(page_views), sum(add_to_cart), sum(units), count(*) FROM product_daily")[0] == (
        counts["1"],
        counts["3"],
        counts["4"],
        ev.groupby(["date", "item_id"]).ngroups,
    )
    assert shop.one("SELECT sum(favourites) FROM product_daily") == len(
        ev[ev.behavior_type == "2"].drop_duplicates(["date", "item_id", "user_id"])
    )
    got = {str(d): v for d, v in shop.sql("SELECT date, visitors FROM traffic_daily")}
    assert got == ev.groupby("date").user_id.nunique().to_dict()

    info = read_text_csv(items)
    assert dict(shop.sql("SELECT sku, category FROM products")) == dict(
        zip(info.item_id, info.item_category, strict=True)
    )
    assert shop.one("SELECT count(*) FROM products") == info.item_id.nunique() == 1836

    shop.idempotent([events, items], ("product_daily", "traffic_daily", "products"))


# -------------------------------------------------------------------------------------------- review corpora


def test_chinese_review_corpus(shop, shared_data):
    path = shared_data / "chinese_ecommerce_reviews" / "online_shopping_10_cats.csv.gz"
    shop.imports(path)
    assert shop.formats() == {path.name: "corpus:online_shopping_10_cats"}
    c = pd.read_csv(path, dtype=str, keep_default_na=False)

    assert shop.one("SELECT count(*) FROM reviews") == len(c) == 62774
    assert shop.one("SELECT count(DISTINCT review_id) FROM reviews") == len(c)
    sentiment = {"1": "positive", "0": "negative"}
    assert (
        dict(shop.sql("SELECT sentiment, count(*) FROM reviews GROUP BY 1"))
        == {
            "positive": 31728,
            "negative": 31046,
        }
        == dict(c.label.map(sentiment).value_counts())
    )
    assert dict(shop.sql("SELECT category, count(*) FROM reviews GROUP BY 1")) == dict(c.cat.value_counts())
    # The whole corpus survives character for character (as a multiset: the file has no ids).
    got = Counter(shop.sql("SELECT category, sentiment, text, language FROM reviews"))
    assert got == Counter(
        (cat, sentiment[label], blank_to_none(text), "zh")
        for cat, label, text in zip(c.cat, c.label, c.review, strict=True)
    )
    # Reviews that repeat the same text in a category all stay.
    assert c.duplicated(["cat", "review"]).sum() == 17
    assert (
        shop.one("SELECT count(*) FROM (SELECT category, text FROM reviews GROUP BY ALL HAVING count(*) > 1)")
        == c[c.duplicated(["cat", "review"], keep=False)].drop_duplicates(["cat", "review"]).shape[0]
    )

    shop.idempotent([path], ("reviews",))


def test_womens_clothing_reviews(shop, shared_data):
    path = shared_data / "womens_clothing_reviews_head1000" / "womens_clothing_ecommerce_reviews_first1000.csv"
    shop.imports(path)
    assert shop.formats() == {path.name: "corpus:womens_clothing"}
    w = read_text_csv(path)
    got = {r[0]: r[1:] for r in shop.sql("SELECT review_id, sku, category, rating, title, text, language FROM reviews")}
    assert got == {
        r[1]: (r[2], r[11], int(r[6]), blank_to_none(r[4]), blank_to_none(r[5]), "en") for r in w.itertuples()
    }
    assert len(got) == 1000
    assert dict(shop.sql("SELECT rating, count(*) FROM reviews GROUP BY 1")) == {5: 546, 4: 228, 3: 127, 2: 72, 1: 27}
    assert shop.one("SELECT sum(rating) FROM reviews") == w.Rating.astype(int).sum()

    shop.idempotent([path], ("reviews",))
