"""Benchmark: the morning report on visitor-level data, against hand-written DuckDB SQL and pandas.

    .venv/bin/python bench/morning_report.py                 # 1 M and 20 M visitor rows
    .venv/bin/python bench/morning_report.py --rows 1000000  # one size

Visitor rows (one per visit: day, source, SKU, keyword, pages, bounced, favourited, carted, bought, amount, click
cost) are generated vectorised inside DuckDB, then rolled up per day into the canonical traffic_daily,
product_daily and ad_keywords — incrementally, so adding a day rolls up that day only. Timed, median of runs:

* report      ``build_daily_report`` over the rollups (what runs each morning), plus rolling up the new day
* sql         hand-written DuckDB SQL producing the same numbers: over the same rollups, and over raw visits
* pandas      the same numbers in pandas over the raw visits (loaded beforehand, not timed)

The three paths' numbers are checked equal before any time is printed. Decomposition and pacing arithmetic is the
same pure-Python code in every path; only the data work differs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import duckdb
import pandas as pd

from shopops.metrics.decompose import Funnel, decompose
from shopops.metrics.pacing import learn_plan, pace
from shopops.report.daily import build_daily_report, to_json
from shopops.warehouse import Workspace

STORE = "bench"
DAYS = 120
FIRST = dt.date(2024, 3, 1)
SOURCES = ["手淘搜索", "直通车", "猜你喜欢", "淘宝客", "我的淘宝", "活动"]
PAID = ["直通车", "淘宝客"]
SKUS = 200
KEYWORDS = 50


def generate(con: duckdb.DuckDBPyConnection, rows: int) -> None:
    """Visitor rows from hashes of the row number: deterministic, vectorised, no Python loop."""
    sources = "[" + ", ".join(f"'{s}'" for s in SOURCES) + "]"
    con.execute(f"""
        CREATE OR REPLACE TABLE visits AS
        WITH r AS (SELECT i, hash(i) AS h1, hash(i + 7919) AS h2, hash(i * 31 + 1) AS h3 FROM range({rows}) t(i))
        SELECT
            '{STORE}' AS store_id,
            DATE '{FIRST}' + CAST(i % {DAYS} AS INTEGER) AS date,
            list_extract({sources}, CAST(h1 % 6 AS INTEGER) + 1) AS source,
            'sku' || lpad(CAST(h2 % {SKUS} AS VARCHAR), 3, '0') AS sku,
            'kw' || CAST(h3 % {KEYWORDS} AS VARCHAR) AS keyword,
            h1 % 10 < 4 AS is_new,
            CAST(1 + h2 % 7 AS BIGINT) AS pages,
            h3 % 100 < 45 AS bounced,
            h1 % 100 < 6 AS favourited,
            h2 % 100 < 9 AS carted,
            h3 % 1000 < 25 + 5 * (CAST(i % {DAYS} AS INTEGER) % 7) AS bought,
            CAST(20 + (h2 % 20000) / 100.0 AS DECIMAL(18, 2)) AS amount,
            CAST(CASE WHEN list_extract({sources}, CAST(h1 % 6 AS INTEGER) + 1) IN ('直通车', '淘宝客')
                      THEN 0.5 + (h3 % 150) / 100.0 END AS DECIMAL(18, 2)) AS click_cost
        FROM r
    """)


ROLLUPS = {
    "traffic_daily": """
        SELECT store_id, date, source, count(*) AS visitors, sum(pages) AS page_views,
               avg(CAST(bounced AS INTEGER)) AS bounce_rate, sum(pages) / count(*) AS pages_per_visitor,
               count(*) FILTER (WHERE is_new) AS new_visitors, count(*) FILTER (WHERE NOT is_new) AS returning_visitors,
               count(*) FILTER (WHERE bought) AS paid_buyers,
               coalesce(sum(amount) FILTER (WHERE bought), 0) AS paid_amount,
               count(*) FILTER (WHERE favourited) AS favourites, count(*) FILTER (WHERE carted) AS add_to_cart,
               sum(click_cost) AS cost
        FROM visits WHERE date BETWEEN ? AND ? GROUP BY ALL""",
    "product_daily": """
        SELECT store_id, date, sku, count(*) AS visitors, sum(pages) AS page_views,
               count(*) FILTER (WHERE bought) AS buyers, count(*) FILTER (WHERE bought) AS units,
               coalesce(sum(amount) FILTER (WHERE bought), 0) AS gmv,
               count(*) FILTER (WHERE favourited) AS favourites, count(*) FILTER (WHERE carted) AS add_to_cart
        FROM visits WHERE date BETWEEN ? AND ? GROUP BY ALL""",
    "ad_keywords": """
        SELECT store_id, date, '日常推广' AS campaign, 'g1' AS ad_group, keyword, '广泛' AS match_type,
               keyword AS search_term, count(*) * 30 AS impressions, count(*) AS clicks, sum(click_cost) AS cost,
               count(*) FILTER (WHERE bought) AS orders, coalesce(sum(amount) FILTER (WHERE bought), 0) AS ad_gmv
        FROM visits WHERE source = '直通车' AND date BETWEEN ? AND ? GROUP BY ALL""",
}


def rollup(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> None:
    """Replace the rollups of [start, end] from the visits of those days only."""
    con.execute("BEGIN TRANSACTION")
    for table, sql in ROLLUPS.items():
        con.execute(f"DELETE FROM {table} WHERE store_id = ? AND date BETWEEN ? AND ?", [STORE, start, end])
        con.execute(f"INSERT INTO {table} BY NAME {sql}", [start, end])
    con.execute("COMMIT")


# ---------------------------------------------------------------- the hand-written SQL path


def sql_report(con: duckdb.DuckDBPyConnection, day: dt.date, raw: bool) -> dict:
    """The report's numbers with hand-written SQL, over the rollups or (raw=True) straight over the visits."""
    base = day - dt.timedelta(days=1)
    month = day.replace(day=1)
    hist_start = month - dt.timedelta(days=400)
    if raw:
        traffic = f"({ROLLUPS['traffic_daily']})".replace("?", "DATE '{0}'", 1).replace("?", "DATE '{1}'", 1)
        products = f"({ROLLUPS['product_daily']})".replace("?", "DATE '{0}'", 1).replace("?", "DATE '{1}'", 1)
        ads = f"({ROLLUPS['ad_keywords']})".replace("?", "DATE '{0}'", 1).replace("?", "DATE '{1}'", 1)
        traffic, products, ads = (s.format(hist_start, day) for s in (traffic, products, ads))
    else:
        traffic, products, ads = "traffic_daily", "product_daily", "ad_keywords"
    by_source = con.execute(
        f"""SELECT date, source, sum(visitors), sum(paid_buyers), sum(paid_amount), sum(cost),
                   sum(page_views), sum(bounce_rate * visitors), sum(favourites), sum(add_to_cart)
            FROM {traffic} WHERE store_id = ? AND date IN (?, ?) GROUP BY ALL ORDER BY ALL""",
        [STORE, day, base],
    ).fetchall()
    history = dict(
        con.execute(
            f"SELECT date, sum(paid_amount) FROM {traffic} WHERE store_id = ? AND date BETWEEN ? AND ? GROUP BY ALL",
            [STORE, hist_start, day],
        ).fetchall()
    )
    prod = con.execute(
        f"SELECT date, sku, sum(gmv), sum(visitors), sum(units) FROM {products} "
        "WHERE store_id = ? AND date IN (?, ?) GROUP BY ALL",
        [STORE, day, base],
    ).fetchall()
    kw = con.execute(
        f"SELECT date, keyword, sum(ad_gmv), sum(cost), sum(clicks), sum(impressions) FROM {ads} "
        "WHERE store_id = ? AND date IN (?, ?) GROUP BY ALL",
        [STORE, day, base],
    ).fetchall()
    target = con.execute(
        "SELECT gmv_target FROM targets WHERE store_id = ? AND month = ?", [STORE, day.strftime("%Y-%m")]
    ).fetchall()
    return _assemble(day, base, by_source, history, prod, kw, target[0][0] if target else None)


def _assemble(day, base, by_source, history, prod, kw, target) -> dict:
    """Shared arithmetic: KPIs from sums, the Shapley decomposition, pacing, movers."""
    now = {s: Funnel.of(v, b, g) for d, s, v, b, g, *_ in by_source if d == day}
    before = {s: Funnel.of(v, b, g) for d, s, v, b, g, *_ in by_source if d == base}
    cost = {s: (c, None) for d, s, _, _, _, c, *_ in by_source if d == day and c is not None}
    decomposition = decompose(now, before, cost)
    today = [r for r in by_source if r[0] == day]
    visitors = sum(r[2] for r in today)
    buyers = sum(r[3] for r in today)
    gmv = sum(r[4] for r in today)
    kpis = {
        "gmv": float(gmv),
        "visitors": visitors,
        "buyers": buyers,
        "conversion_rate": buyers / visitors,
        "revenue_per_buyer": float(gmv) / buyers,
        "bounce_rate": sum(r[7] for r in today) / visitors,
        "units": sum(r[4] for r in prod if r[0] == day),
        "ad_cost": float(sum(r[3] for r in kw if r[0] == day)),
        "ad_gmv": float(sum(r[2] for r in kw if r[0] == day)),
        "ctr": sum(r[4] for r in kw if r[0] == day) / sum(r[5] for r in kw if r[0] == day),
    }
    pacing = None
    if target is not None:
        plan = learn_plan(STORE, day.strftime("%Y-%m"), Decimal(target), history)
        pacing = pace(plan, day, history, visitors=visitors, buyers=buyers)
    movers = {}
    for d, sku, g, *_ in prod:
        movers.setdefault(sku, [0, 0])[0 if d == day else 1] += Fraction(Decimal(str(g)))
    top = sorted(((k, v[0] - v[1]) for k, v in movers.items()), key=lambda kv: (-abs(kv[1]), kv[0]))[:5]
    return {
        "kpis": kpis,
        "decomposition": [
            (r.source, r.delta_gmv, r.traffic_effect, r.conversion_effect, r.aov_effect) for r in decomposition.sources
        ],
        "mtd": None if pacing is None else pacing.mtd,
        "day_target": None if pacing is None else pacing.day_target,
        "top_products": [k for k, _ in top],
    }


# ---------------------------------------------------------------- the pandas path


def pandas_report(visits: pd.DataFrame, day: dt.date, target) -> dict:
    base = day - dt.timedelta(days=1)
    month = day.replace(day=1)
    hist = visits[(visits.date >= pd.Timestamp(month - dt.timedelta(days=400))) & (visits.date <= pd.Timestamp(day))]
    bought_amount = hist.amount.where(hist.bought, 0)
    history = bought_amount.groupby(hist.date).sum()
    history = {d.date(): Decimal(str(round(v, 2))) for d, v in history.items()}
    two = visits[visits.date.isin([pd.Timestamp(day), pd.Timestamp(base)])].copy()
    two["paid"] = two.amount.where(two.bought, 0)
    two["bounce"] = two.bounced.astype(int)
    g = two.groupby(["date", "source"]).agg(
        visitors=("store_id", "size"),
        buyers=("bought", "sum"),
        gmv=("paid", "sum"),
        cost=("click_cost", lambda s: s.sum(min_count=1)),
        pv=("pages", "sum"),
        bounced=("bounce", "sum"),
        fav=("favourited", "sum"),
        cart=("carted", "sum"),
    )
    by_source = [
        (
            d.date(),
            s,
            int(r.visitors),
            int(r.buyers),
            Decimal(str(round(r.gmv, 2))),
            None if pd.isna(r.cost) else round(r.cost, 2),
            r.pv,
            r.bounced,
            r.fav,
            r.cart,
        )
        for (d, s), r in g.iterrows()
    ]
    p = two.groupby(["date", "sku"]).agg(gmv=("paid", "sum"), visitors=("store_id", "size"), units=("bought", "sum"))
    prod = [(d.date(), k, round(r.gmv, 2), r.visitors, int(r.units)) for (d, k), r in p.iterrows()]
    ads = two[two.source == "直通车"]
    k = ads.groupby(["date", "keyword"]).agg(
        gmv=("paid", "sum"), cost=("click_cost", "sum"), clicks=("store_id", "size")
    )
    kw = [(d.date(), key, round(r.gmv, 2), round(r.cost, 2), r.clicks, r.clicks * 30) for (d, key), r in k.iterrows()]
    return _assemble(day, base, by_source, history, prod, kw, target)


# ---------------------------------------------------------------- running it


def timed(fn, repeat: int) -> tuple[float, object]:
    fn()  # warm-up
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def check_same(report: dict, sql: dict, label: str) -> None:
    k = report["kpis"]
    for name, value in sql["kpis"].items():
        got = k[name]
        assert abs(float(got) - float(value)) <= 1e-6 * max(1.0, abs(float(value))), (label, name, got, value)
    mine = [
        (
            r["source"],
            Decimal(str(r["delta_gmv"])),
            Decimal(str(r["traffic_effect"])),
            Decimal(str(r["conversion_effect"])),
            Decimal(str(r["aov_effect"])),
        )
        for r in report["decomposition"]
    ]
    assert mine == sql["decomposition"], (label, mine, sql["decomposition"])
    assert Decimal(str(report["target"]["mtd"])) == sql["mtd"], label
    assert Decimal(str(report["target"]["day_target"])) == sql["day_target"], label
    assert [m["key"] for m in report["top_movers"]["products"]] == sql["top_products"], label


def run(rows: int, repeat: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp) / "ws")
        con = ws.con
        t0 = time.perf_counter()
        generate(con, rows)
        gen = time.perf_counter() - t0
        last = FIRST + dt.timedelta(days=DAYS - 1)
        t0 = time.perf_counter()
        rollup(con, FIRST, last - dt.timedelta(days=1))
        full_rollup = time.perf_counter() - t0
        t0 = time.perf_counter()
        rollup(con, last, last)  # the morning's one new day
        one_day = time.perf_counter() - t0
        con.execute(
            "INSERT INTO targets (store_id, month, gmv_target) VALUES (?, ?, ?)",
            [STORE, last.strftime("%Y-%m"), 3_000_000],
        )
        con.execute("INSERT INTO stores (store_id, name) VALUES (?, ?)", [STORE, STORE])

        t_report, report = timed(lambda: to_json(build_daily_report(con, date=last, store_id=STORE)), repeat)
        t_sql, sql = timed(lambda: sql_report(con, last, raw=False), repeat)
        t_sql_raw, sql_raw = timed(lambda: sql_report(con, last, raw=True), repeat)
        visits = con.execute("SELECT * FROM visits").df()
        visits["date"] = pd.to_datetime(visits["date"])
        visits["amount"] = visits["amount"].astype(float)
        visits["click_cost"] = visits["click_cost"].astype(float)
        t_pandas, pandas_out = timed(lambda: pandas_report(visits, last, Decimal(3_000_000)), max(1, repeat // 2))
        check_same(report, sql, "sql")
        check_same(report, sql_raw, "sql over raw visits")
        check_same(report, pandas_out, "pandas")
        ws.close()
    return {
        "rows": rows,
        "generate_s": gen,
        "rollup_history_s": full_rollup,
        "rollup_one_day_s": one_day,
        "report_s": t_report,
        "sql_rollups_s": t_sql,
        "sql_raw_s": t_sql_raw,
        "pandas_raw_s": t_pandas,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="*", default=[1_000_000, 20_000_000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    for rows in args.rows:
        r = run(rows, args.repeat)
        morning = r["report_s"] + r["rollup_one_day_s"]
        print(f"\n== {rows:,} visitor rows over {DAYS} days ==")
        print(
            f"generate {r['generate_s']:.2f}s · roll up {DAYS - 1} days {r['rollup_history_s']:.2f}s · roll up the new day {r['rollup_one_day_s'] * 1000:.0f} ms"
        )
        print(f"report (metric layer, Ibis → DuckDB)      {r['report_s'] * 1000:8.1f} ms")
        print(
            f"hand-written SQL over the same rollups    {r['sql_rollups_s'] * 1000:8.1f} ms   report ÷ SQL = {r['report_s'] / r['sql_rollups_s']:.2f}×  (target ≤ 1.3×)"
        )
        print(
            f"hand-written SQL over raw visits          {r['sql_raw_s'] * 1000:8.1f} ms   (report + new-day rollup) ÷ SQL = {morning / r['sql_raw_s']:.2f}×"
        )
        print(
            f"pandas over raw visits                    {r['pandas_raw_s'] * 1000:8.1f} ms   pandas ÷ (report + new-day rollup) = {r['pandas_raw_s'] / morning:.1f}×  (target ≥ 5×)"
        )


if __name__ == "__main__":
    main()
