"""The platform export formats (生意参谋, 直通车, Shopify, Amazon) against their committed samples.

Every sample goes through the real CLI into a fresh workspace. Expected figures come from reading the same file
independently — Python's csv module (decoding GBK itself) or pandas — and parsing values with Decimal, never from
an earlier shopops result.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from shopops.ingest.formats import detect, formats, header_score
from shopops.ingest.source import inspect
from shopops.warehouse import Workspace, import_file

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "formats"

SAMPLES = {
    "sycm/traffic.csv": "sycm:traffic",
    "sycm/traffic.xlsx": "sycm:traffic",
    "sycm/traffic_levels.csv": "sycm:traffic_levels",
    "sycm/product.csv": "sycm:product",
    "ztc/keywords.csv": "ztc:keywords",
    "shopify/orders_export.csv": "shopify:orders",
    "amazon/sp_search_terms.csv": "amazon:sp_search_terms",
}
ENCODING = {"sycm": "gbk", "ztc": "utf-8-sig", "shopify": "utf-8", "amazon": "utf-8"}
TABLES = {
    "sycm:traffic": ("traffic_daily",),
    "sycm:traffic_levels": ("traffic_daily",),
    "sycm:product": ("product_daily",),
    "ztc:keywords": ("ad_keywords",),
    "shopify:orders": ("orders", "order_lines"),
    "amazon:sp_search_terms": ("ad_keywords",),
}
MINE = tuple(TABLES)


# ------------------------------------------------------------------------------------------- independent reading


def read_sample(rel: str) -> tuple[list[list[str]], int]:
    """All rows of a CSV sample and the index of its header row (the first row wider than a title line)."""
    text = (SAMPLES_DIR / rel).read_bytes().decode(ENCODING[rel.split("/")[0]])
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header_at = next(i for i, r in enumerate(rows) if len(r) > 3)
    return rows, header_at


def records(rel: str) -> list[dict[str, str]]:
    rows, at = read_sample(rel)
    header = [h.strip() for h in rows[at]]
    return [dict(zip(header, r, strict=True)) for r in rows[at + 1 :]]


def blank(s: str) -> bool:
    return s.strip() in ("", "-")


def dec(s: str) -> Decimal | None:
    """'￥1,234.50' / '$0.52' / '1,234' → Decimal; '-' or '' → None."""
    return None if blank(s) else Decimal(s.strip().lstrip("￥$").replace(",", ""))


def whole(s: str) -> int | None:
    d = dec(s)
    return None if d is None else int(d)


def rate(s: str) -> float | None:
    return None if blank(s) else float(Decimal(s.rstrip("%")) / 100)


def total(values) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0))


def fetch(root: Path, sql: str) -> list[tuple]:
    with Workspace(root, create=False, read_only=True) as ws:
        return ws.con.execute(sql).fetchall()


def snapshot(root: Path, tables: tuple[str, ...]) -> dict[str, list[tuple]]:
    return {t: fetch(root, f'SELECT * EXCLUDE (_import_id) FROM "{t}" ORDER BY ALL') for t in tables}


@pytest.fixture
def imported(tmp_path, cli):
    """Import a sample (or any file) through the CLI into a fresh workspace; returns the workspace folder."""

    def run(path: str | Path, *extra: str) -> Path:
        path = SAMPLES_DIR / path if isinstance(path, str) else path
        root = tmp_path / f"ws-{path.stem}-{len(list(tmp_path.iterdir()))}"
        code, out, err = cli("--workspace", root, "import", path, *extra)
        assert code == 0, err
        return root

    return run


# ------------------------------------------------------------------------------------------- registry and detection


@pytest.mark.parametrize("rel", SAMPLES)
def test_every_sample_detects_as_its_own_format(rel):
    path = SAMPLES_DIR / rel
    assert detect(str(path), inspect(path, header_score).headers).name == SAMPLES[rel]


@pytest.mark.parametrize("name", MINE)
def test_format_declares_its_committed_sample(name):
    fmt = formats()[name]
    assert fmt.sample and (SAMPLES_DIR / fmt.sample).is_file()
    assert SAMPLES[fmt.sample] == name
    # Formats that pass rows through fill canonical columns named like their fields (a simulator relies on it).
    if fmt.outputs[TABLES[name][0]] == "SELECT * FROM src":
        from shopops.schema import TABLES as SCHEMA

        table = SCHEMA[TABLES[name][0]]
        stored = [f for f in fmt.fields if f.name in table.by_name]
        assert all(table.column(f.name).type == f.type for f in stored)
        assert {c.name for c in table.columns if c.required} <= {f.name for f in stored if f.required}


# ------------------------------------------------------------------------------------------- 生意参谋 流量来源


def traffic_expected(rel: str = "sycm/traffic.csv") -> dict[tuple[dt.date, str], tuple]:
    out = {}
    for r in records(rel):
        out[(dt.date.fromisoformat(r["统计日期"]), r["流量来源"])] = (
            whole(r["访客数"]),
            whole(r["浏览量"]),
            rate(r["跳失率"]),
            float(r["人均浏览量"]),
            whole(r["新访客数"]),
            whole(r["老访客数"]),
            whole(r["支付买家数"]),
            dec(r["支付金额"]),
            rate(r["支付转化率"]),
            dec(r["客单价"]),
            whole(r["收藏人数"]),
            whole(r["加购人数"]),
        )
    return out


TRAFFIC_SQL = (
    "SELECT date, source, visitors, page_views, bounce_rate, pages_per_visitor, new_visitors, returning_visitors, "
    "paid_buyers, paid_amount, conversion_rate, revenue_per_buyer, favourites, add_to_cart FROM traffic_daily"
)


def assert_rows_match(got: dict, want: dict) -> None:
    assert got.keys() == want.keys()
    for key, expected in want.items():
        for g, w in zip(got[key], expected, strict=True):
            if isinstance(w, float):
                assert g == pytest.approx(w, abs=1e-9), key
            else:
                assert g == w, key


def test_sycm_traffic_gbk_csv(imported):
    root = imported("sycm/traffic.csv")
    want = traffic_expected()
    got = {(r[0], r[1]): r[2:] for r in fetch(root, TRAFFIC_SQL)}
    assert len(got) == len(want) == 56
    assert_rows_match(got, want)
    # Totals to the visitor and the cent, and the GBK source names exactly as the operator wrote them.
    assert fetch(root, "SELECT sum(visitors), sum(paid_amount) FROM traffic_daily")[0] == (
        sum(v[0] for v in want.values()),
        total(v[7] for v in want.values()),
    )
    assert {s for (s,) in fetch(root, "SELECT DISTINCT source FROM traffic_daily")} == {s for _, s in want}
    assert "手淘搜索" in {s for _, s in want}
    # "-" (客单价 with no buyers) is no value, not zero.
    nulls = fetch(root, "SELECT count(*) FROM traffic_daily WHERE revenue_per_buyer IS NULL")[0][0]
    assert nulls == sum(1 for v in want.values() if v[9] is None) > 0


def test_sycm_traffic_xlsx_equals_csv(imported):
    root = imported("sycm/traffic.xlsx")
    sheet = pd.read_excel(SAMPLES_DIR / "sycm/traffic.xlsx", header=2, engine="calamine")
    assert len(sheet) == 56
    gmv = total(Decimal(str(v)).quantize(Decimal("0.01")) for v in sheet["支付金额"] if v != "-")
    assert fetch(root, "SELECT count(*), sum(visitors), sum(paid_amount), min(date), max(date) FROM traffic_daily")[
        0
    ] == (56, int(sheet["访客数"].sum()), gmv, dt.date(2024, 6, 1), dt.date(2024, 6, 7))
    # Real Excel dates, numbers and 0.00% cells give exactly the rows the formatted CSV gives.
    got = {(r[0], r[1]): r[2:] for r in fetch(root, TRAFFIC_SQL)}
    assert_rows_match(got, traffic_expected())


def test_sycm_traffic_levels_keeps_each_source_once(imported):
    """The tree layout: group subtotal rows and the store total are left out, each source is its finest level, a
    name under two groups keeps its group — so visitors add up to the export's own 汇总 row, not twice over."""
    root = imported("sycm/traffic_levels.csv")
    rows = records("sycm/traffic_levels.csv")
    refined = {(r["统计日期"], r["一级来源"]) for r in rows if not blank(r["二级来源"])}
    leaves = [
        r for r in rows
        if r["一级来源"] != "汇总" and (not blank(r["二级来源"]) or (r["统计日期"], r["一级来源"]) not in refined)
    ]  # fmt: skip
    groups_of: dict[str, set[str]] = {}
    for r in leaves:
        groups_of.setdefault(r["二级来源"] or r["一级来源"], set()).add(r["一级来源"])

    def name(r: dict[str, str]) -> str:
        leaf = r["二级来源"] or r["一级来源"]
        return f"{r['一级来源']}/{leaf}" if len(groups_of[leaf]) > 1 else leaf

    want = {
        (dt.date.fromisoformat(r["统计日期"]), name(r)): (whole(r["访客数"]), dec(r["支付金额"]), dec(r["客单价"]))
        for r in leaves
    }
    got = {
        (r[0], r[1]): r[2:]
        for r in fetch(root, "SELECT date, source, visitors, paid_amount, revenue_per_buyer FROM traffic_daily")
    }
    assert got == want and len(got) == 12
    assert {"付费流量/其他", "淘内免费/其他", "手淘搜索", "直通车"} <= {s for _, s in got}
    store_total = next(r for r in rows if r["一级来源"] == "汇总")
    day = dt.date.fromisoformat(store_total["统计日期"])
    assert sum(v[0] for (d, _), v in got.items() if d == day) == whole(store_total["访客数"]) == 5961


def test_sycm_traffic_three_levels(imported, tmp_path):
    """Subtotals at two levels (a group, and a 二级来源 that 三级来源 rows refine) are both left out."""
    path = tmp_path / "sources.csv"
    path.write_text(
        "统计日期,一级来源,二级来源,三级来源,访客数,浏览量,支付买家数\n"
        "2024-06-01,淘内免费,,,100,300,10\n"
        "2024-06-01,淘内免费,手淘搜索,,70,200,7\n"
        "2024-06-01,淘内免费,手淘搜索,关键词A,40,120,4\n"
        "2024-06-01,淘内免费,手淘搜索,关键词B,30,80,3\n"
        "2024-06-01,淘内免费,手淘推荐,,30,100,3\n"
        "2024-06-01,付费流量,直通车,,20,50,2\n",
        encoding="utf-8",
    )
    root = imported(path, "--store", "s1")
    got = fetch(root, "SELECT source, visitors, paid_buyers FROM traffic_daily ORDER BY source")
    assert got == [("关键词A", 40, 4), ("关键词B", 30, 3), ("手淘推荐", 30, 3), ("直通车", 20, 2)]


# ------------------------------------------------------------------------------------------- 生意参谋 商品效果


def test_sycm_product(imported):
    root = imported("sycm/product.csv")
    rows = records("sycm/product.csv")
    got = {
        (r[0], r[1]): r[2:]
        for r in fetch(
            root,
            "SELECT date, sku, title, visitors, page_views, bounce_rate, favourites, add_to_cart, buyers, units, gmv, "
            "search_visitors FROM product_daily",
        )
    }
    want = {
        (dt.date.fromisoformat(r["统计日期"]), r["商品ID"]): (
            r["商品名称"],
            whole(r["商品访客数"]),
            whole(r["商品浏览量"]),
            rate(r["商品详情页跳出率"]),
            whole(r["商品收藏人数"]),
            whole(r["商品加购件数"]),  # 件数, not the 商品加购人数 column beside it
            whole(r["支付买家数"]),
            whole(r["支付件数"]),
            dec(r["支付金额"]),
            whole(r["搜索引导访客数"]),
        )
        for r in rows
    }
    assert len(got) == len(want) == 18
    assert_rows_match(got, want)
    sums = fetch(root, "SELECT sum(gmv), sum(units), sum(visitors) FROM product_daily")[0]
    assert sums == (
        total(dec(r["支付金额"]) for r in rows),
        sum(whole(r["支付件数"]) for r in rows),
        sum(whole(r["商品访客数"]) for r in rows),
    )
    assert "冰丝防晒衣女UPF50+, 薄款外套" in {v[0] for v in got.values()}  # quoted comma, GBK text


# ------------------------------------------------------------------------------------------- 直通车


KEYWORD_SQL = (
    "SELECT date, campaign, ad_group, keyword, sku, match_type, bid, impressions, clicks, cost, avg_rank, orders, "
    "ad_gmv, favourites, add_to_cart FROM ad_keywords"
)


def test_ztc_keywords(imported):
    root = imported("ztc/keywords.csv")
    rows = records("ztc/keywords.csv")
    want = {
        (dt.date.fromisoformat(r["日期"]), r["推广计划名称"], r["推广单元"], r["关键词"]): (
            r["宝贝ID"],
            r["匹配方式"],
            dec(r["出价"]),
            whole(r["展现量"]),
            whole(r["点击量"]),
            dec(r["花费"]),
            None if blank(r["平均展现排名"]) else float(r["平均展现排名"]),
            whole(r["总成交笔数"]),
            dec(r["总成交金额"]),
            whole(r["总收藏数"]),
            whole(r["总购物车数"]),
        )
        for r in rows
    }
    got = {r[:4]: r[4:] for r in fetch(root, KEYWORD_SQL)}
    assert len(got) == len(want) == 24
    assert_rows_match(got, want)
    assert fetch(root, "SELECT sum(cost), sum(ad_gmv), sum(clicks) FROM ad_keywords")[0] == (
        total(dec(r["花费"]) for r in rows),
        total(dec(r["总成交金额"]) for r in rows),
        sum(whole(r["点击量"]) for r in rows),
    )
    # The report's own derived column agrees with what was stored: 平均点击花费 = 花费 / 点击量.
    for (cost, clicks), r in zip(
        fetch(root, "SELECT cost, clicks FROM ad_keywords ORDER BY date, campaign, ad_group, keyword"),
        sorted(rows, key=lambda r: (r["日期"], r["推广计划名称"], r["推广单元"], r["关键词"])),
        strict=True,
    ):
        if clicks:
            assert (cost / clicks).quantize(Decimal("0.01")) == dec(r["平均点击花费"])


def test_ztc_direct_and_indirect_columns_sum_to_totals(imported, tmp_path):
    """Reports without 总成交 columns: 总 = 直接 + 间接 (either part may be '-')."""
    rows, at = read_sample("ztc/keywords.csv")
    header = rows[at]
    i_orders, i_gmv = header.index("总成交笔数"), header.index("总成交金额")
    out = [
        [h for k, h in enumerate(header) if k not in (i_orders, i_gmv)]
        + ["直接成交笔数", "间接成交笔数", "直接成交金额", "间接成交金额"]
    ]
    expected = {}
    for n, r in enumerate(rows[at + 1 :]):
        orders, gmv = int(r[i_orders]), Decimal(r[i_gmv])
        direct_o, direct_g = orders // 2, (gmv * Decimal("0.6")).quantize(Decimal("0.01"))
        indirect_o, indirect_g = str(orders - direct_o), str(gmv - direct_g)
        if n == 0:
            indirect_o, indirect_g = "-", "-"
            orders, gmv = direct_o, direct_g
        out.append(
            [c for k, c in enumerate(r) if k not in (i_orders, i_gmv)]
            + [str(direct_o), indirect_o, str(direct_g), indirect_g]
        )
        expected[(r[header.index("日期")], r[header.index("推广计划名称")], r[header.index("关键词")])] = (orders, gmv)
    path = tmp_path / "直通车关键词报表.csv"
    buf = io.StringIO()
    csv.writer(buf).writerows(out)
    path.write_bytes(buf.getvalue().encode("gbk"))
    root = imported(path)
    got = {
        (d.isoformat(), c, k): (o, g)
        for d, c, k, o, g in fetch(root, "SELECT date, campaign, keyword, orders, ad_gmv FROM ad_keywords")
    }
    assert got == expected


# ------------------------------------------------------------------------------------------- Shopify


def shop_time(s: str) -> dt.datetime | None:
    return dt.datetime.strptime(s[:19], "%Y-%m-%d %H:%M:%S") if s else None


def test_shopify_orders_and_lines(imported):
    root = imported("shopify/orders_export.csv")
    lines = records("shopify/orders_export.csv")
    firsts = {}
    for r in lines:
        firsts.setdefault(r["Name"], r)
    orders = {
        r[0]: r[1:]
        for r in fetch(
            root,
            "SELECT order_id, created_time, paid_time, buyer_id, status, goods_amount, discount, postage, "
            "paid_amount, refund, currency, channel FROM orders",
        )
    }
    assert len(orders) == len(firsts) == 8
    for name, r in firsts.items():
        assert orders[name] == (
            shop_time(r["Created at"]),
            shop_time(r["Paid at"]),
            r["Email"] or None,
            r["Financial Status"],
            dec(r["Subtotal"]),
            dec(r["Discount Amount"]),
            dec(r["Shipping"]),
            dec(r["Total"]),
            dec(r["Refunded Amount"]),
            r["Currency"],
            r["Source"],
        ), name
    assert fetch(root, "SELECT sum(paid_amount), sum(refund) FROM orders")[0] == (
        total(dec(r["Total"]) for r in firsts.values()),
        total(dec(r["Refunded Amount"]) for r in firsts.values()),
    )
    assert orders["#1004"][1] is None  # pending: no Paid at

    got_lines = fetch(
        root,
        "SELECT order_id, sku, title, quantity, unit_price, amount, discount, seller_id FROM order_lines ORDER BY ALL",
    )
    want_lines = sorted(
        (
            r["Name"],
            r["Lineitem sku"],
            r["Lineitem name"],
            int(r["Lineitem quantity"]),
            dec(r["Lineitem price"]),
            int(r["Lineitem quantity"]) * dec(r["Lineitem price"]),
            dec(r["Lineitem discount"]),
            r["Vendor"],
        )
        for r in lines
    )
    assert got_lines == want_lines  # includes #1007's two identical tee lines, both kept
    assert len(got_lines) == 14
    assert len({r[0] for r in fetch(root, "SELECT line_no FROM order_lines")}) == 14
    assert fetch(root, "SELECT sum(amount) FROM order_lines")[0][0] == total(line[5] for line in want_lines)
    assert 'Stoneware Mug "Sunrise" 12oz' in {line[2] for line in got_lines}


# ------------------------------------------------------------------------------------------- Amazon


AMAZON_SQL = (
    "SELECT date, campaign, ad_group, keyword, match_type, search_term, impressions, clicks, cost, orders, ad_gmv "
    "FROM ad_keywords ORDER BY ALL"
)


def amazon_expected() -> list[tuple]:
    return sorted(
        (
            dt.datetime.strptime(r["Date"], "%b %d, %Y").date(),
            r["Campaign Name"],
            r["Ad Group Name"],
            r["Targeting"],
            "" if r["Match Type"] == "-" else r["Match Type"],  # auto targeting has no match type
            r["Customer Search Term"],
            whole(r["Impressions"]),
            whole(r["Clicks"]),
            dec(r["Spend"]),
            whole(r["7 Day Total Orders (#)"]),
            dec(r["7 Day Total Sales"]),
        )
        for r in records("amazon/sp_search_terms.csv")
    )


def test_amazon_sp_search_terms_csv(imported):
    root = imported("amazon/sp_search_terms.csv")
    want = amazon_expected()
    assert fetch(root, AMAZON_SQL) == want
    assert len(want) == 18
    assert fetch(root, "SELECT sum(cost), sum(ad_gmv), sum(impressions) FROM ad_keywords")[0] == (
        total(w[8] for w in want),
        total(w[10] for w in want),
        sum(w[6] for w in want),
    )


def test_amazon_xlsx_download_reads_the_same(imported, tmp_path):
    """The xlsx download has real dates and numbers (fractions for %); it must store what the CSV stores."""
    import xlsxwriter

    path = tmp_path / "Sponsored Products Search term report.xlsx"
    wb = xlsxwriter.Workbook(path, {"strings_to_formulas": False, "strings_to_numbers": False})
    ws = wb.add_worksheet("Sponsored Product Search Term R")
    date_f = wb.add_format({"num_format": "mmm dd, yyyy"})
    rows = records("amazon/sp_search_terms.csv")
    header = list(rows[0])
    for c, h in enumerate(header):
        ws.write_string(0, c, h)
    for i, r in enumerate(rows, start=1):
        for c, h in enumerate(header):
            v = r[h]
            if h == "Date":
                ws.write_datetime(i, c, dt.datetime.strptime(v, "%b %d, %Y"), date_f)
            elif v.endswith("%"):
                ws.write_number(i, c, rate(v))
            elif v and (v[0] == "$" or v.replace(",", "").replace(".", "").isdigit()):
                ws.write_number(i, c, float(dec(v)))
            elif v:
                ws.write_string(i, c, v)
    wb.close()
    assert detect(str(path), inspect(path, header_score).headers).name == "amazon:sp_search_terms"
    assert fetch(imported(path), AMAZON_SQL) == amazon_expected()


def test_amazon_summary_report_is_dated_by_start_date(imported, tmp_path):
    rows, at = read_sample("amazon/sp_search_terms.csv")
    header = ["Start Date", "End Date", *rows[at][1:]]
    body = [[r[0], r[0], *r[1:]] for r in rows[at + 1 :]]
    path = tmp_path / "summary.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, *body])
    root = imported(path)
    assert fetch(root, AMAZON_SQL) == amazon_expected()


# ------------------------------------------------------------------------------------------- idempotence, errors


@pytest.mark.parametrize("rel", [r for r in SAMPLES if r.endswith(".csv")])
def test_reimport_is_unchanged(rel, imported, cli):
    root = imported(rel)
    tables = TABLES[SAMPLES[rel]]
    before = snapshot(root, tables)
    code, out, err = cli("--workspace", root, "import", SAMPLES_DIR / rel)
    assert code == 0, err
    assert "unchanged" in out and SAMPLES[rel] in out
    assert snapshot(root, tables) == before
    assert fetch(root, "SELECT count(*) FROM _imports")[0][0] == 1


def test_xlsx_after_csv_replaces_the_same_keys(tmp_path):
    """The same week exported twice (CSV, then xlsx) leaves one row per day and source, with the same values."""
    with Workspace(tmp_path / "ws") as ws:
        import_file(ws, SAMPLES_DIR / "sycm/traffic.csv")
        before = ws.con.execute(f"{TRAFFIC_SQL} ORDER BY ALL").fetchall()
        result = import_file(ws, SAMPLES_DIR / "sycm/traffic.xlsx")
        assert result.status == "imported" and result.rows_by_table == {"traffic_daily": 56}
        after = ws.con.execute(f"{TRAFFIC_SQL} ORDER BY ALL").fetchall()
    assert len(after) == 56
    assert_rows_match({r[:2]: r[2:] for r in after}, {r[:2]: r[2:] for r in before})


CORRUPT = [  # sample, column header, data row (0-based) to spoil
    ("sycm/traffic.csv", "访客数", 9),
    ("sycm/product.csv", "支付金额", 4),
    ("ztc/keywords.csv", "花费", 6),
    ("shopify/orders_export.csv", "Lineitem quantity", 2),
    ("amazon/sp_search_terms.csv", "Clicks", 3),
]


@pytest.mark.parametrize(("rel", "column", "index"), CORRUPT)
def test_corrupted_number_is_refused_naming_row_column_and_value(rel, column, index, tmp_path, cli):
    rows, at = read_sample(rel)
    col = [h.strip() for h in rows[at]].index(column)
    rows[at + 1 + index][col] = "12x4"
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for r in rows:
        writer.writerow(r)
    path = tmp_path / Path(rel).name
    path.write_bytes(buf.getvalue().encode(ENCODING[rel.split("/")[0]]))
    root = tmp_path / "ws"
    code, out, err = cli("--workspace", root, "import", path)
    assert code == 2
    line_in_file = at + 1 + index + 1  # 1-based, as a spreadsheet shows it
    assert f"row {line_in_file}" in err and column in err and "'12x4'" in err
    assert "Traceback" not in err
    for table in TABLES[SAMPLES[rel]]:
        assert fetch(root, f'SELECT count(*) FROM "{table}"')[0][0] == 0
