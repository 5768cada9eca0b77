"""The morning report's numbers against pandas over the same CSVs, and its invariants."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shopops.report.daily import build_daily_report, to_json

DAY = dt.date(2024, 6, 10)


def _traffic(frames, store="s1"):
    t = frames["traffic_daily"]
    return t[t.store_id == store]


def _day(t, d):
    return t[t.date == d]


@pytest.mark.parametrize("compare", ["prev_day", "same_weekday", "mean_7d"])
def test_kpis_and_decomposition_match_pandas(ro_con, shop_dir, compare):
    report = build_daily_report(ro_con, date=DAY, store_id="s1", compare=compare)
    payload = to_json(report)
    t = _traffic(shop_dir.frames)
    today = _day(t, DAY)
    days = {"prev_day": [1], "same_weekday": [7], "mean_7d": list(range(1, 8))}[compare]
    base = t[t.date.isin([DAY - dt.timedelta(days=i) for i in days])]

    assert payload["kpis"]["gmv"] == pytest.approx(today.paid_amount.sum())
    assert payload["kpis"]["visitors"] == today.visitors.sum()
    assert payload["kpis"]["conversion_rate"] == pytest.approx(today.paid_buyers.sum() / today.visitors.sum())
    assert payload["kpis_base"]["gmv"] == pytest.approx(round(base.paid_amount.sum() / len(days), 2))
    with_bounce = base.dropna(subset=["bounce_rate"])
    assert payload["kpis_base"]["bounce_rate"] == pytest.approx(
        (with_bounce.bounce_rate * with_bounce.visitors).sum() / with_bounce.visitors.sum()
    )  # a ratio over the window, not a mean of daily rates

    # the effects add up, source by source and in total, to the cent
    rows = payload["decomposition"]
    assert {r["source"] for r in rows} == set(today.source) | set(base.source)
    for r in rows:
        parts = Decimal(str(r["traffic_effect"])) + Decimal(str(r["conversion_effect"])) + Decimal(str(r["aov_effect"]))
        assert parts == Decimal(str(r["delta_gmv"])), r
        src_today = today[today.source == r["source"]].paid_amount.sum()
        src_base = base[base.source == r["source"]].paid_amount.sum() / len(days)
        assert r["delta_gmv"] == pytest.approx(src_today - src_base, abs=0.01)
    total = payload["decomposition_total"]
    assert total["delta_gmv"] == pytest.approx(today.paid_amount.sum() - base.paid_amount.sum() / len(days), abs=0.006)
    assert sum(Decimal(str(r["delta_gmv"])) for r in rows) == Decimal(str(total["delta_gmv"]))


def test_target_pacing_matches_pandas(ro_con, shop_dir):
    payload = to_json(build_daily_report(ro_con, date=DAY, store_id="s1"))
    target = payload["target"]
    t = _traffic(shop_dir.frames)
    mtd = t[(t.date >= dt.date(2024, 6, 1)) & (t.date <= DAY)].paid_amount.sum()
    assert target["month_target"] == 2_400_000.0
    assert sum(Decimal(str(d["target"])) for d in target["plan"]) == Decimal("2400000")
    assert sum(d["weight"] for d in target["plan"]) == pytest.approx(1)
    assert target["mtd"] == pytest.approx(mtd)
    assert target["mtd_target"] == pytest.approx(sum(d["target"] for d in target["plan"][:10]))
    assert target["attainment"] == pytest.approx(target["day_actual"] / target["day_target"], abs=1e-6)
    # closing the gap: visitors at the day's UV value, points of conversion at the day's traffic × 客单价
    day = _day(t, DAY)
    gap = target["day_target"] - day.paid_amount.sum()
    assert target["extra_visitors"] == pytest.approx(gap / (day.paid_amount.sum() / day.visitors.sum()), abs=1)
    rpb = day.paid_amount.sum() / day.paid_buyers.sum()
    assert target["extra_conversion_pp"] == pytest.approx(gap / (day.visitors.sum() * rpb) * 100, abs=0.01)


def test_top_products_are_the_biggest_movers(ro_con, shop_dir):
    payload = to_json(build_daily_report(ro_con, date=DAY, store_id="s1"))
    p = shop_dir.frames["product_daily"]
    p = p[p.store_id == "s1"]
    today = p[p.date == DAY].set_index("sku").gmv
    before = p[p.date == DAY - dt.timedelta(days=1)].set_index("sku").gmv
    delta = today.sub(before, fill_value=0).round(2)
    want = delta.reindex(delta.abs().sort_values(ascending=False).index)
    got = payload["top_movers"]["products"]
    assert [m["key"] for m in got] == list(want.index[: len(got)])
    assert [m["delta"] for m in got] == pytest.approx(list(want.values[: len(got)]))


def test_store_without_ads_or_target_still_reports(ro_con):
    payload = to_json(build_daily_report(ro_con, date=DAY, store_id="s2"))
    assert payload["target"]["month_target"] == 400_000.0
    assert payload["kpis"]["ad_cost"] is None and payload["top_movers"]["keywords"] == []
    assert payload["kpis"]["favourite_rate"] is None  # s2 does not export favourites


def test_errors_name_the_value_and_the_valid_ones(ro_con):
    from shopops.metrics.errors import NoTrafficData, StoreRequired, UnknownCompare, UnknownStore

    with pytest.raises(StoreRequired, match="s1, s2"):
        build_daily_report(ro_con, date=DAY)
    with pytest.raises(UnknownStore, match="s1, s2"):
        build_daily_report(ro_con, date=DAY, store_id="s9")
    with pytest.raises(UnknownCompare, match="mean_7d"):
        build_daily_report(ro_con, date=DAY, store_id="s1", compare="yesterday")
    with pytest.raises(NoTrafficData, match="2024-04-01"):
        build_daily_report(ro_con, date="2025-01-01", store_id="s1")


def test_report_is_the_same_on_clickhouse(ro_con):
    """The whole report through the metric layer on chdb equals the DuckDB one."""
    clickhouse_connect = pytest.importorskip("clickhouse_connect")
    pytest.importorskip("chdb")
    import ibis

    from shopops.metrics.compiler import table_schema
    from shopops.metrics.engine import Engine

    client = clickhouse_connect.get_client(dsn="chdb://")
    backend = ibis.clickhouse.from_connection(client)
    names = [
        "stores",
        "traffic_daily",
        "orders",
        "product_daily",
        "products",
        "ad_keywords",
        "reviews",
        "inventory",
        "targets",
        "campaigns",
        "service_daily",
    ]
    try:
        for name in names:
            backend.create_table(f"{name}", schema=table_schema(name), overwrite=True)
            cols = ", ".join(f'"{c}"' for c in table_schema(name).names)
            client.insert_arrow(name, ro_con.sql(f'SELECT {cols} FROM "{name}"').to_arrow_table())
        a = to_json(build_daily_report(ro_con, date=DAY, store_id="s1", compare="mean_7d"))
        b = to_json(build_daily_report(Engine(backend), date=DAY, store_id="s1", compare="mean_7d"))
        assert a["kpis"] == pytest.approx(b["kpis"], rel=1e-9)
        assert a["decomposition"] == b["decomposition"]
        assert a["target"] == b["target"]
        assert a["top_movers"] == b["top_movers"]
    finally:
        for name in names:
            client.command(f'DROP TABLE IF EXISTS "{name}"')
