"""Weekly and monthly reports on the simulated shop: every number against pandas over the simulator's own files."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from simshop import END, between, sim_shop

from shopops.report.output import to_dict, to_markdown
from shopops.report.periodic import build_report
from shopops.report.spec import Period, ReportSpec


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    return sim_shop(tmp_path_factory)


@pytest.fixture(scope="module")
def con(shop):
    from shopops.warehouse import Workspace

    ws = Workspace(shop.ws, create=False, read_only=True)
    yield ws.con
    ws.close()


def _payload(con, kind, date=END):
    return to_dict(build_report(con, ReportSpec(kind, date)))


def test_periods_are_as_declared():
    assert ReportSpec("weekly", dt.date(2025, 10, 14)).period == Period(dt.date(2025, 10, 8), dt.date(2025, 10, 14))
    assert ReportSpec("weekly", dt.date(2025, 10, 14)).base == Period(dt.date(2025, 10, 1), dt.date(2025, 10, 7))
    month = ReportSpec("monthly", dt.date(2025, 3, 31))
    assert month.period == Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    assert month.base == Period(dt.date(2025, 2, 1), dt.date(2025, 2, 28))  # clipped to February's length
    assert ReportSpec("daily", dt.date(2025, 10, 14)).trend.days == 30


def test_weekly_numbers_match_pandas(con, shop):
    p = _payload(con, "weekly")
    t = shop.frames["traffic_daily"]
    week, before = (
        between(t, END - dt.timedelta(days=6), END),
        between(t, END - dt.timedelta(days=13), END - dt.timedelta(days=7)),
    )
    assert p["report"] == "weekly" and p["period"] == {"start": "2025-10-08", "end": "2025-10-14"}
    assert p["kpis"]["gmv"] == pytest.approx(week.paid_amount.sum())
    assert p["kpis_base"]["gmv"] == pytest.approx(before.paid_amount.sum())
    assert p["kpis"]["visitors"] == week.visitors.sum()
    assert p["kpis"]["conversion_rate"] == pytest.approx(week.paid_buyers.sum() / week.visitors.sum())
    assert p["kpis"]["bounce_rate"] == pytest.approx((week.bounce_rate * week.visitors).sum() / week.visitors.sum())
    # the decomposition is of the week's totals, to the cent
    total = p["decomposition_total"]
    assert total["delta_gmv"] == pytest.approx(week.paid_amount.sum() - before.paid_amount.sum(), abs=0.005)
    for r in p["decomposition"]:
        parts = sum(Decimal(str(r[k])) for k in ("traffic_effect", "conversion_effect", "aov_effect"))
        assert parts == Decimal(str(r["delta_gmv"]))
    # the store operations summary: a row per day of the 28-day window, totals as ratios over the window
    window = between(t, END - dt.timedelta(days=27), END)
    rows = p["store_summary"]["rows"]
    assert [r["date"] for r in rows] == sorted({d.isoformat() for d in window.date})
    by_day = window.groupby("date").agg(uv=("visitors", "sum"), gmv=("paid_amount", "sum"), pv=("page_views", "sum"))
    for r in rows:
        day = by_day.loc[dt.date.fromisoformat(r["date"])]
        assert (r["visitors"], r["page_views"]) == (day.uv, day.pv)
        assert r["gmv"] == pytest.approx(day.gmv)
    assert p["store_summary"]["total"]["gmv"] == pytest.approx(window.paid_amount.sum())
    assert p["store_summary"]["total"]["conversion_rate"] == pytest.approx(
        window.paid_buyers.sum() / window.visitors.sum()
    )


def test_weekly_top_products_and_page_health(con, shop):
    p = _payload(con, "weekly")
    prod = between(shop.frames["product_daily"], END - dt.timedelta(days=6), END)
    sums = prod.groupby("sku").agg(gmv=("gmv", "sum"), buyers=("buyers", "sum"))
    expected = sums.sort_values("gmv", ascending=False, kind="stable")
    got = p["top_products"]["rows"]
    assert [r["product_gmv"] for r in got] == pytest.approx(list(expected.gmv[: len(got)]))
    best = got[0]
    health = p["page_health"]
    assert health["main_sku"] == best["sku"]
    assert health["main_revenue_per_buyer"] == pytest.approx(sums.gmv[best["sku"]] / sums.buyers[best["sku"]])
    checks = {c["check"]: c for c in health["checks"]}
    assert checks["bounce_rate"]["value"] == pytest.approx(p["kpis"]["bounce_rate"])
    assert checks["rpb_vs_main"]["value"] == pytest.approx(
        p["kpis"]["revenue_per_buyer"] / health["main_revenue_per_buyer"], rel=1e-5
    )
    assert health["fix_pages_first"] == any(c["verdict"] == "fail" for c in checks.values())


def test_monthly_phased_evaluation_matches_pandas(con, shop):
    p = _payload(con, "monthly")
    assert p["phases"] == [{"start": "2025-10-01", "end": "2025-10-07"}, {"start": "2025-10-08", "end": "2025-10-14"}]
    t, s = shop.frames["traffic_daily"], shop.frames["service_daily"]
    aspects = {a["aspect"]: {m["metric"]: m for m in a["metrics"]} for a in p["evaluation"]}
    assert set(aspects) == {"traffic", "inquiries", "conversion", "promotion"}
    visitors = aspects["traffic"]["visitors"]
    assert visitors["phases"] == [
        between(t, ph_s, ph_e).visitors.sum()
        for ph_s, ph_e in ((dt.date(2025, 10, 1), dt.date(2025, 10, 7)), (dt.date(2025, 10, 8), END))
    ]
    month_s = between(s, dt.date(2025, 10, 1), END)
    assert aspects["inquiries"]["inquiries"]["value"] == month_s.inquiries.sum()
    assert aspects["inquiries"]["inquiry_conversion_rate"]["value"] == pytest.approx(
        month_s.inquirers_paid.sum() / month_s.inquiries.sum()
    )
    base_s = between(s, dt.date(2025, 9, 1), dt.date(2025, 9, 14))
    assert aspects["inquiries"]["inquiries"]["base"] == base_s.inquiries.sum()
    assert p["proposals"], "a monthly report always proposes something"
    assert p["month_target"]["mtd"] == pytest.approx(between(t, dt.date(2025, 10, 1), END).paid_amount.sum())


def test_campaign_results_match_pandas(con, shop):
    p = _payload(con, "monthly", dt.date(2025, 9, 30))
    camps = shop.frames["campaigns"]
    t = shop.frames["traffic_daily"]
    rows = p["campaign_results"]["rows"]
    assert [r["campaign_id"] for r in rows] == list(camps[camps.start_date >= dt.date(2025, 9, 1)].campaign_id)
    for r in rows:
        start, end = dt.date.fromisoformat(r["start"]), dt.date.fromisoformat(r["end"])
        ran = between(t, start, end)
        before = between(t, start - dt.timedelta(days=r["days"]), start - dt.timedelta(days=1))
        assert r["gmv"] == pytest.approx(ran.paid_amount.sum())
        assert r["base_gmv"] == pytest.approx(before.paid_amount.sum())
        assert r["uplift"] == pytest.approx(ran.paid_amount.sum() - before.paid_amount.sum(), abs=0.01)


def test_paid_resources_match_pandas(con, shop):
    p = _payload(con, "weekly")
    t = between(shop.frames["traffic_daily"], END - dt.timedelta(days=6), END)
    paid = t[t.cost.fillna(0) > 0].groupby("source").agg(gmv=("paid_amount", "sum"), cost=("cost", "sum"))
    rows = {r["source"]: r for r in p["paid_sources"]["rows"]}
    assert set(paid.index) <= set(rows) and "手淘搜索" not in rows
    for source, r in paid.iterrows():
        assert rows[source]["traffic_roas"] == pytest.approx(r.gmv / r.cost)
    a = between(shop.frames["ad_keywords"], END - dt.timedelta(days=6), END)
    ads = {r["campaign"]: r for r in p["ad_campaigns"]["rows"]}
    for camp, g in a.groupby("campaign"):
        assert ads[camp]["roas"] == pytest.approx(g.ad_gmv.sum() / g.cost.sum())


def test_markdown_shows_each_kind_s_sections(con):
    for kind, lang, marks in (
        ("weekly", "zh", ("# 运营周报", "## 页面健康检查", "全店运营数据汇总表", "输入台账")),
        ("monthly", "en", ("# Monthly evaluation", "## Phased evaluation", "## Proposals", "Input ledger")),
        ("daily", "zh", ("# 运营晨报", "## 目标进度", "支付金额变化拆解", "输入台账", "淘客资源汇总表")),
    ):
        md = to_markdown(build_report(con, ReportSpec(kind, END)), lang)
        for mark in marks:
            assert mark in md, (kind, mark)
    weekly = to_markdown(build_report(con, ReportSpec("weekly", END)), "en")
    assert "Phased evaluation" not in weekly


@pytest.mark.slow
def test_reports_are_byte_identical_on_rerun_and_show_the_ledger(cli, shop, tmp_path):
    for kind in ("daily", "weekly", "monthly"):
        for fmt in ("md", "json"):
            outs = []
            for i in range(2):
                path = tmp_path / f"{kind}{i}.{fmt}"
                code, _, err = cli(
                    "--workspace",
                    shop.ws,
                    "report",
                    kind,
                    "--date",
                    END.isoformat(),
                    "--format",
                    fmt,
                    "--lang",
                    "zh",
                    "--out",
                    path,
                )
                assert code == 0, err
                outs.append(path.read_bytes())
            assert outs[0] == outs[1], (kind, fmt)
    payload = json.loads((tmp_path / "monthly0.json").read_text(encoding="utf-8"))
    ledger = payload["ledger"]
    assert ledger["files"] == 14 and len(ledger["sha256"]) == 64
    assert ledger["sha256"][:16] in (tmp_path / "monthly0.md").read_text(encoding="utf-8")


def test_ledger_hash_follows_the_input_files(shop, tmp_path):
    import shutil

    from shopops.report.ledger import input_ledger
    from shopops.warehouse import Workspace, import_file

    shutil.copytree(shop.ws, tmp_path / "ws")
    with Workspace(tmp_path / "ws") as ws:
        before = input_ledger(ws.con, "shop1")
        again = import_file(ws, shop.inbox / "traffic_daily.csv", format_name="canonical:traffic_daily", force=True)
        assert again.status == "imported"  # a new ledger row for the same bytes …
        assert input_ledger(ws.con, "shop1") == before  # … is the same input
        extra = tmp_path / "extra.csv"
        extra.write_text("store_id,date,source,visitors\nshop1,2025-10-15,手淘搜索,10\n", encoding="utf-8")
        import_file(ws, extra, format_name="canonical:traffic_daily")
        after = input_ledger(ws.con, "shop1")
        assert after.sha256 != before.sha256 and after.files == before.files + 1
        assert input_ledger(ws.con, "nobody").files == 0


def test_report_mistakes_are_one_line(cli, shop, tmp_path):
    cases = [
        (("weekly", "--date", END.isoformat(), "--format", "xlsx"), "--out"),
        (("monthly", "--date", END.isoformat(), "--format", "pdf"), "md, json, html, xlsx"),
        (("weekly", "--date", "2030-01-07"), "2025-08-16"),
        (("monthly", "--date", END.isoformat(), "--store", "nope"), "shop1"),
    ]
    for args, expected in cases:
        code, out, err = cli("--workspace", shop.ws, "report", *args)
        assert code == 2 and expected in err and "Traceback" not in out + err, (args, err)
        assert len(err.strip().splitlines()) == 1
