"""The JSON twins, asserted whole, against numbers worked out again here in plain SQL over the canonical tables."""

from __future__ import annotations

import datetime as dt

import pytest
from pytest import approx
from web_support import LAST_DAY, require_tasks

DAY = dt.date.fromisoformat(LAST_DAY)
SHOP1 = {"id": "shop1", "name": "极客数码配件", "platform": "tmall"}


def q(web, sql: str, *params):
    return web.db.read(sql, list(params))


def kpi_oracle(web, store: str, day: dt.date) -> dict[str, float | None]:
    """The overview's KPIs of one day, straight from traffic_daily and orders."""
    (v, pv, pv_v, bounce_n, bounce_d, buyers, buyer_v, gmv, cost) = q(
        web,
        "SELECT sum(visitors), sum(page_views), sum(visitors) FILTER (WHERE page_views IS NOT NULL), "
        "sum(bounce_rate * visitors) FILTER (WHERE bounce_rate IS NOT NULL), "
        "sum(visitors) FILTER (WHERE bounce_rate IS NOT NULL), sum(paid_buyers), "
        "sum(visitors) FILTER (WHERE paid_buyers IS NOT NULL), sum(paid_amount), sum(cost) "
        "FROM traffic_daily WHERE store_id = ? AND date = ?",
        store,
        day,
    )[0]
    orders, order_gmv, refunds = q(
        web,
        "SELECT count(*), sum(paid_amount), coalesce(sum(refund), 0) FROM orders "
        "WHERE store_id = ? AND paid_time IS NOT NULL AND CAST(paid_time AS DATE) = ?",
        store,
        day,
    )[0]

    def div(a, b):
        return None if a is None or not b else float(a) / float(b)

    return {
        "gmv": float(gmv),
        "visitors": float(v),
        "buyers": float(buyers),
        "conversion_rate": div(buyers, buyer_v),
        "revenue_per_buyer": div(gmv, buyers),
        "uv_value": div(gmv, v),
        "pages_per_visitor": div(pv, pv_v),
        "bounce_rate": div(bounce_n, bounce_d),
        "paid_traffic_cost": None if cost is None else float(cost),
        "orders": float(orders),
        "aov": div(order_gmv, orders),
        "refunds": float(refunds),
    }


def change(value, base, unit):
    if value is None or base is None:
        return None
    # the payload rounds changes to 6 decimals
    return (
        approx(value - base, abs=1e-6)
        if unit == "rate"
        else (None if base == 0 else approx(value / base - 1, abs=1e-6))
    )


def test_overview_kpis_day_over_day_and_week_over_week(web):
    body = web.client("design").get("/api/stores/shop1/overview").json()
    today, before, week = (kpi_oracle(web, "shop1", DAY - dt.timedelta(days=n)) for n in (0, 1, 7))
    units = {k["name"]: k["unit"] for k in body["kpis"]}
    expected = [
        {
            "name": name,
            "label": body["kpis"][i]["label"],
            "unit": units[name],
            "direction": body["kpis"][i]["direction"],
            "value": approx(today[name]),
            "prev_day": approx(before[name]),
            "dod": change(today[name], before[name], units[name]),
            "prev_week": approx(week[name]),
            "wow": change(today[name], week[name], units[name]),
        }
        for i, name in enumerate(today)
    ]
    assert body["kpis"] == expected
    assert [k["label"] for k in body["kpis"][:3]] == ["GMV (paid amount)", "Visitors (UV)", "Paying buyers"]
    first, last = q(web, "SELECT min(date), max(date) FROM traffic_daily WHERE store_id = 'shop1'")[0]
    assert {k: body[k] for k in ("ok", "store", "compare", "span", "date", "empty", "base_dates")} == {
        "ok": True,
        "store": SHOP1,
        "compare": "prev_day",
        "span": {"first": first.isoformat(), "last": last.isoformat()},
        "date": LAST_DAY,
        "empty": False,
        "base_dates": [(DAY - dt.timedelta(days=1)).isoformat()],
    }


def test_overview_waterfall_adds_up_to_the_days(web):
    body = web.client("design").get("/api/stores/shop1/overview?compare=same_weekday").json()
    wf = body["waterfall"]
    gmv_today = kpi_oracle(web, "shop1", DAY)["gmv"]
    gmv_base = kpi_oracle(web, "shop1", DAY - dt.timedelta(days=7))["gmv"]
    assert wf == {
        "base": approx(gmv_base),
        "steps": [
            {"name": "traffic_effect", "value": wf["steps"][0]["value"]},
            {"name": "conversion_effect", "value": wf["steps"][1]["value"]},
            {"name": "aov_effect", "value": wf["steps"][2]["value"]},
        ],
        "total": approx(gmv_today),
        "delta": approx(gmv_today - gmv_base),
    }
    assert sum(s["value"] for s in wf["steps"]) == approx(gmv_today - gmv_base, abs=0.011)
    by_source = dict(
        q(web, "SELECT source, sum(paid_amount) FROM traffic_daily WHERE store_id='shop1' AND date=? GROUP BY 1", DAY)
    )
    assert {s["source"]: s["gmv"] for s in body["sources"]} == {k: approx(float(v)) for k, v in by_source.items()}


def test_overview_target_pacing(web):
    body = web.client("owner").get("/api/stores/shop1/overview").json()
    target = q(web, "SELECT gmv_target FROM targets WHERE store_id='shop1' AND month='2025-10'")[0][0]
    mtd = q(
        web,
        "SELECT sum(paid_amount) FROM traffic_daily WHERE store_id='shop1' AND date BETWEEN '2025-10-01' AND ?",
        DAY,
    )[0][0]
    t = body["target"]
    assert (t["month"], t["month_target"], t["mtd"]) == ("2025-10", approx(float(target)), approx(float(mtd)))
    assert [p["date"] for p in t["series"]][:2] == ["2025-10-01", "2025-10-02"] and len(t["series"]) == 31
    assert t["series"][-1]["plan"] == approx(float(target)) and t["series"][-1]["actual"] is None
    assert t["series"][DAY.day - 1]["actual"] == approx(float(mtd))


def test_traffic_sources_and_health(web):
    body = web.client("promotion").get("/api/stores/shop1/traffic?start=2025-10-08&end=2025-10-14").json()
    rows = q(
        web,
        "SELECT source, sum(visitors), sum(paid_amount), sum(bounce_rate * visitors) / sum(visitors), "
        "sum(page_views) / sum(visitors) FROM traffic_daily WHERE store_id='shop1' "
        "AND date BETWEEN '2025-10-08' AND '2025-10-14' GROUP BY 1 ORDER BY 2 DESC",
    )
    total = sum(float(r[1]) for r in rows)

    def bounce_health(x):
        return "strong" if x < 0.5 else "good" if x < 0.6 else "pass" if x < 0.7 else "fail"

    def depth_health(x):
        return "strong" if x >= 4 else "good" if x >= 3.5 else "pass" if x >= 2.5 else "fail"

    got = [
        {k: s[k] for k in ("source", "visitors", "share", "gmv", "bounce_rate", "bounce_health", "depth_health")}
        for s in body["sources"]
    ]
    assert got == [
        {
            "source": src,
            "visitors": approx(float(v)),
            "share": approx(float(v) / total, abs=1e-6),
            "gmv": approx(float(g)),
            "bounce_rate": approx(b),
            "bounce_health": bounce_health(b),
            "depth_health": depth_health(d),
        }
        for src, v, g, b, d in rows
    ]
    assert body["thresholds"] == {"bounce_rate": [0.7, 0.6, 0.5], "pages_per_visitor": [2.5, 3.5, 4.0]}
    assert body["trend"]["dates"] == [f"2025-10-{d:02d}" for d in range(8, 15)]
    assert sum(x["data"][-1] or 0 for x in body["trend"]["visitors"]) == approx(
        float(q(web, "SELECT sum(visitors) FROM traffic_daily WHERE store_id='shop1' AND date=?", DAY)[0][0])
    )


def test_thresholds_change_the_verdicts(web):
    client = web.client("operator")
    r = client.put("/api/stores/shop1/thresholds", json={"bounce_rate": [0.99, 0.98, 0.97]})
    assert r.json() == {
        "ok": True,
        "store": "shop1",
        "thresholds": {"bounce_rate": [0.99, 0.98, 0.97], "pages_per_visitor": [2.5, 3.5, 4.0]},
    }
    body = client.get("/api/stores/shop1/traffic").json()
    assert {s["bounce_health"] for s in body["sources"]} == {"strong"}
    # levels in another order mean the same thresholds; out of range is refused
    again = client.put(
        "/api/stores/shop1/thresholds", json={"bounce_rate": [0.5, 0.6, 0.7], "pages_per_visitor": [4, 2, 3]}
    )
    assert again.json()["thresholds"] == {"bounce_rate": [0.7, 0.6, 0.5], "pages_per_visitor": [2.0, 3.0, 4.0]}
    bad = client.put("/api/stores/shop1/thresholds", json={"bounce_rate": [1.5, 0.6, 0.7]})
    assert (bad.status_code, bad.json()["error"]["type"]) == (422, "InvalidParameter")


def test_products_top_movers_and_bad_reviews(web):
    body = web.client("content").get("/api/stores/shop1/products?start=2025-10-08&end=2025-10-14").json()
    top = q(
        web,
        "SELECT sku, sum(gmv) FROM product_daily WHERE store_id='shop1' AND date BETWEEN '2025-10-08' AND '2025-10-14' "
        "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10",
    )
    assert [(p["sku"], p["gmv"]) for p in body["top"]] == [(s, approx(float(g))) for s, g in top]
    titles = dict(q(web, "SELECT sku, title FROM products WHERE store_id='shop1'"))
    assert all(p["title"] == titles[p["sku"]] for p in body["top"])
    assert body["previous"] == {"start": "2025-10-01", "end": "2025-10-07"}
    reviews = q(
        web,
        "SELECT review_id, text FROM reviews WHERE store_id='shop1' AND rating <= 2 "
        "AND CAST(review_time AS DATE) BETWEEN '2025-10-08' AND '2025-10-14' ORDER BY review_time DESC, review_id LIMIT 20",
    )
    assert [(r["review_id"], r["text"]) for r in body["bad_reviews"]] == reviews
    assert all(r["rating"] <= 2 for r in body["bad_reviews"])


def test_errors_are_whole_envelopes(web):
    client = web.client("design")
    assert client.get("/api/stores/shop9/overview").json() == {
        "ok": False,
        "error": {"store": "shop9", "type": "StoreNotFound", "message": "no store 'shop9'", "status": 404},
    }
    # a store that exists but was not granted answers exactly the same
    assert client.get("/api/stores/shop3/overview").json()["error"] == {
        "store": "shop3",
        "type": "StoreNotFound",
        "message": "no store 'shop3'",
        "status": 404,
    }
    r = client.get("/api/stores/shop1/overview?date=2025-13-01")
    assert r.status_code == 422 and r.json()["error"]["type"] == "InvalidParameter"
    r = client.get("/api/stores/shop1/overview?date=2024-01-01")
    assert (r.status_code, r.json()["error"]["type"]) == (404, "NoTrafficData")  # no data that day: nothing there
    r = client.put("/api/stores/shop1/targets", json={"month": "2025-11", "gmv": 5})
    assert r.json() == {
        "ok": False,
        "error": {
            "role": "Design",
            "action": "set monthly targets",
            "type": "Forbidden",
            "message": "your role (Design) may not set monthly targets",
            "status": 403,
        },
    }


def test_chinese_labels_and_messages(web):
    client = web.client("design")
    body = client.get("/api/stores/shop1/overview?lang=zh").json()
    assert [k["label"] for k in body["kpis"][:2]] == ["支付金额", "访客数"]
    err = client.get("/api/stores/shop9/traffic?lang=zh").json()["error"]
    assert err["message"] == "没有店铺 'shop9'"
    page = client.get("/stores/shop1/overview?lang=zh")
    assert "概览" in page.text and '<html lang="zh-CN">' in page.text
    assert "shopops_lang=zh" in page.headers["set-cookie"]
    assert "概览" in client.get("/stores/shop1/traffic").text  # the choice sticks


def test_targets_through_the_import_ledger(web):
    client = web.client("operator")
    r = client.put("/api/stores/shop1/targets", json={"month": "2025-11", "gmv": "88,000.5"})
    assert r.json() == {"ok": True, "store": "shop1", "month": "2025-11", "gmv_target": 88000.5}
    assert q(web, "SELECT gmv_target FROM targets WHERE store_id='shop1' AND month='2025-11'") == [(approx(88000.5),)]
    assert q(web, "SELECT format FROM _imports ORDER BY import_id DESC LIMIT 1") == [("canonical:targets",)]
    settings = client.get("/api/settings").json()
    assert settings["stores"][0]["targets"][0] == {"month": "2025-11", "gmv_target": 88000.5}
    bad = client.put("/api/stores/shop1/targets", json={"month": "11/2025", "gmv": 1})
    assert bad.status_code == 422
    assert bad.json()["error"]["message"] == (
        "invalid parameter body.month: String should match pattern '^(19|20|21)[0-9]{2}-(0[1-9]|1[0-2])$'"
    )


def test_webhooks_refuse_internal_addresses(web):
    client = web.client("operator")
    for url in ("http://127.0.0.1:9/x", "http://10.0.0.5/hook", "http://localhost/x", "http://[::1]/x"):
        r = client.post("/api/stores/shop1/webhooks", json={"url": url, "events": ["daily_report"]})
        assert r.status_code in (403, 422), url
        assert r.json()["error"]["type"] in ("DestinationRefused", "InvalidParameter"), url
    r = client.post("/api/stores/shop1/webhooks", json={"url": "ftp://example.com/x", "events": ["finding"]})
    assert r.status_code == 422
    r = client.post("/api/stores/shop1/webhooks", json={"url": "https://hooks.example.com/a", "events": ["finding"]})
    assert r.json() == {
        "ok": True,
        "store": "shop1",
        "webhooks": [{"url": "https://hooks.example.com/a", "events": ["finding"]}],
    }


def test_owner_manages_only_accounts_within_their_stores(web):
    client = web.client("owner")  # holds shop1 and shop2
    names = {u["username"] for u in client.get("/api/users").json()["users"]}
    assert "boss" not in names and "p-owner-shop3" not in names and {"design", "p-owner-shop1"} <= names
    r = client.post(
        "/api/users", json={"username": "eve", "password": "long enough pw", "role": "owner", "stores": ["*"]}
    )
    assert (r.status_code, r.json()["error"]["type"]) == (403, "Forbidden")
    r = client.post(
        "/api/users", json={"username": "eve", "password": "long enough pw", "role": "service", "stores": ["shop2"]}
    )
    assert r.json() == {"ok": True, "user": {"username": "eve", "role": "service", "stores": ["shop2"]}}
    assert client.delete("/api/users/boss").status_code == 404
    assert client.delete("/api/users/eve").json() == {"ok": True, "removed": "eve"}


def test_task_board_assign_and_complete(web):
    require_tasks()
    operator = web.client("operator")
    board = operator.get("/api/stores/shop1/tasks").json()
    tasks = [t for col in board["columns"] for t in col["tasks"]]
    db_ids = {r[0] for r in q(web, "SELECT task_id FROM _tasks WHERE store_id='shop1' AND status='open'")}
    assert board["count"] == len(tasks) == len(db_ids) > 0 and {t["id"] for t in tasks} == db_ids
    assert [c["role"] for c in board["columns"]] == ["operator", "promotion", "design", "service", "content"]
    task = tasks[0]
    r = operator.post(f"/api/stores/shop1/tasks/{task['id']}/assign", json={"assignee": "service", "role": "service"})
    assert r.json() == {"ok": True, "task": task["id"], "assignee": "service", "column": "service"}
    moved = operator.get("/api/stores/shop1/tasks").json()
    service_col = next(c for c in moved["columns"] if c["role"] == "service")
    assert [t["assignee"] for t in service_col["tasks"] if t["id"] == task["id"]] == ["service"]
    # promotion may not complete another role's task; service (its assignee) may
    promo = web.client("promotion").post(f"/api/stores/shop1/tasks/{task['id']}/complete")
    assert (promo.status_code, promo.json()["error"]["type"]) == (403, "Forbidden")
    done = web.client("service").post(f"/api/stores/shop1/tasks/{task['id']}/complete").json()
    assert done["ok"] and done["task"]["status"] == "done"
    assert q(web, "SELECT status FROM _tasks WHERE task_id = ?", task["id"]) == [("done",)]
    # an id of another store is no task of this one
    other = q(web, "SELECT min(task_id) FROM _tasks WHERE store_id='shop3'")[0][0]
    r = operator.post(f"/api/stores/shop1/tasks/{other}/complete")
    assert r.json() == {
        "ok": False,
        "error": {"kind": "task", "key": other, "type": "NotFound", "message": f"no task '{other}'", "status": 404},
    }


def test_diagnosis_findings_with_evidence(web):
    body = web.client("service").get("/api/stores/shop1/diagnosis").json()
    assert body["available"] and body["date"] == LAST_DAY and body["findings"]
    first = body["findings"][0]
    assert first["store_id"] == "shop1" and first["evidence"] and first["text"] == first["en"]
    assert {f["store_id"] for f in body["findings"]} == {"shop1"}


def test_report_download_is_an_attachment(web):
    r = web.client("content").get("/api/stores/shop1/reports/daily?format=md")
    assert r.status_code == 200
    assert r.headers["content-disposition"].startswith('attachment; filename="shopops-daily-shop1-2025-10-14.md"')
    assert r.headers["content-security-policy"].startswith("sandbox")
    assert "shop1" in r.text and "shop3" not in r.text


def test_overview_agrees_with_the_morning_report(web):
    """The page composes the morning report from the metric layer's pieces: every shared number is the same."""
    import pytest

    from shopops.report.daily import build_daily_report
    from shopops.report.render import to_json

    client = web.client("owner")
    for day, compare in (("2025-10-14", "prev_day"), ("2025-10-09", "mean_7d"), ("2025-10-01", "same_weekday")):
        page = client.get(f"/api/stores/shop2/overview?date={day}&compare={compare}").json()
        with web.db.reader() as r:
            report = to_json(build_daily_report(r.engine, date=day, store_id="shop2", compare=compare), "en")
        assert page["sources"] == report["decomposition"]
        assert page["products"] == report["top_movers"]["products"]
        assert page["base_dates"] == report["base_dates"]
        target = {k: v for k, v in report["target"].items() if k != "plan"}
        assert {k: v for k, v in page["target"].items() if k != "series"} == target
        assert [p["plan"] for p in page["target"]["series"]] == pytest.approx(
            [sum(x["target"] for x in report["target"]["plan"][: i + 1]) for i in range(len(report["target"]["plan"]))]
        )
        for k in page["kpis"]:  # the KPIs the page shows are the report's, for the day and its day before
            if compare == "prev_day":
                assert (k["value"], k["prev_day"]) == (
                    pytest.approx(report["kpis"][k["name"]]),
                    pytest.approx(report["kpis_base"][k["name"]]),
                ), k["name"]


def test_an_all_stores_owner_adds_a_store_and_fills_it(web):
    client = web.client("boss")
    r = client.post("/api/stores", json={"store_id": "jd-main", "name": "京东旗舰店", "platform": "jd"})
    assert (r.status_code, r.json()) == (
        201,
        {"ok": True, "store": {"id": "jd-main", "name": "京东旗舰店", "platform": "jd"}},
    )
    assert client.post("/api/stores", json={"store_id": "jd-main", "name": "again"}).status_code == 409
    assert {"id": "jd-main", "name": "京东旗舰店", "platform": "jd"} in client.get("/api/stores").json()["stores"]
    empty = client.get("/api/stores/jd-main/overview").json()
    assert (empty["empty"], empty["date"], empty["kpis"]) == (True, None, [])
    csv = "date,source,visitors,paid_buyers,paid_amount\n2025-10-14,京东搜索,50,2,300\n".encode()
    r = client.post("/api/stores/jd-main/uploads", files={"file": ("jd.csv", csv, "text/csv")})
    assert r.json()["status"] == "imported"
    body = client.get("/api/stores/jd-main/overview").json()
    assert (body["date"], body["kpis"][0]["value"]) == ("2025-10-14", 300.0)
    assert "add-store" in client.get("/settings").text
    assert "add-store" not in web.client("owner").get("/settings").text  # holds two stores, not '*'


def test_refusals_speak_the_request_language(web):
    r = web.client("design").put("/api/stores/shop1/targets?lang=zh", json={"month": "2025-11", "gmv": 5})
    assert r.json()["error"]["message"] == "你的角色(美工)无权设置月度目标"


@pytest.mark.parametrize("kind", ["daily", "weekly", "monthly"])
def test_every_report_in_every_format(web, kind):
    import json
    import zipfile
    from io import BytesIO

    client = web.client("promotion")
    for fmt in ("json", "html", "md", "xlsx"):
        r = client.get(f"/api/stores/shop2/reports/{kind}?date=2025-10-12&format={fmt}")
        assert r.status_code == 200, (kind, fmt, r.text[:300])
        assert f'filename="shopops-{kind}-shop2-2025-10-12.{fmt}"' in r.headers["content-disposition"]
        if fmt == "json":
            assert json.loads(r.content)
        elif fmt == "xlsx":
            assert zipfile.ZipFile(BytesIO(r.content)).namelist()
        else:
            assert "shop2" in r.text and "shop1" not in r.text
