"""The CLI: report daily in md/json/html/terminal, zh and en, byte-identical re-runs; metrics and target commands."""

from __future__ import annotations

import json

import pytest

DAY = "2024-06-10"


def _report(cli, root, *args):
    return cli("--workspace", root, "report", "daily", "--date", DAY, "--store", "s1", *args)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("fmt", ["md", "json", "html"])
def test_report_formats_are_stable_on_rerun(cli, shop_dir, tmp_path, fmt, lang):
    first, second = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
    for path in (first, second):
        code, _, err = _report(cli, shop_dir.root, "--format", fmt, "--lang", lang, "--out", path)
        assert code == 0, err
    assert first.read_bytes() == second.read_bytes()
    text = first.read_text(encoding="utf-8")
    marker = {"en": "Where the GMV change came from", "zh": "支付金额变化拆解"}[lang]
    if fmt == "json":
        payload = json.loads(text)
        assert {"date", "store", "kpis", "target", "decomposition", "top_movers"} <= set(payload)
        assert {"day_target", "attainment", "mtd", "mtd_target"} <= set(payload["target"])
        assert {"source", "delta_gmv", "traffic_effect", "conversion_effect", "aov_effect"} <= set(
            payload["decomposition"][0]
        )
        assert payload["labels"]["revenue_per_buyer"] == {"en": "Revenue per buyer (客单价)", "zh": "客单价"}[lang]
    else:
        assert marker in text
    if fmt == "html":
        assert "echarts.init" in text
        assert "<script src" not in text and "cdn" not in text.lower()
        assert len(text) > 1_000_000  # ECharts itself is in the page


def test_stdout_formats_and_terminal(cli, shop_dir):
    code, out, _ = _report(cli, shop_dir.root, "--format", "md")
    assert code == 0 and out.startswith("# Morning report")
    code, out, _ = _report(cli, shop_dir.root, "--format", "json")
    assert code == 0 and json.loads(out)["store"] == "s1"
    code, out, _ = _report(cli, shop_dir.root, "--lang", "zh")
    assert code == 0 and "运营晨报" in out and "支付金额变化拆解" in out


def test_report_mistakes_are_one_line_with_the_valid_values(cli, shop_dir):
    cases = [
        (("--format", "pdf"), "md, json, html"),
        (("--compare", "yesterday"), "prev_day, same_weekday, mean_7d"),
        (("--lang", "fr"), "zh, en"),
    ]
    for args, valid in cases:
        code, out, err = _report(cli, shop_dir.root, *args)
        assert code == 2 and valid in err and "Traceback" not in err + out, (args, err)
    code, _, err = cli("--workspace", shop_dir.root, "report", "daily", "--date", "2024-13-01")
    assert code == 2 and "YYYY-MM-DD" in err
    code, _, err = cli("--workspace", shop_dir.root, "report", "daily", "--date", DAY)
    assert code == 2 and "s1, s2" in err


def test_metrics_list_and_show(cli):
    from shopops.metrics import CATALOG

    code, out, _ = cli("metrics", "list")
    lines = [ln for ln in out.splitlines() if ln.strip()]
    assert code == 0 and len(lines) == len(CATALOG)
    assert any(ln.startswith("revenue_per_buyer") and "客单价" in ln and "(money)" in ln for ln in lines)
    code, out, _ = cli("metrics", "show", "bounce_rate", "--sql")
    assert code == 0 and out.lstrip().startswith("SELECT") and "bounce_rate" in out and "visitors" in out
    code, out, _ = cli("metrics", "show", "roas", "--sql", "--dialect", "clickhouse", "--grain", "keyword")
    assert code == 0 and "keyword" in out
    code, _, err = cli("metrics", "show", "gvm")
    assert code == 2 and "gmv" in err
    code, _, err = cli("metrics", "show", "orders", "--grain", "keyword")
    assert code == 2 and "date" in err


def test_target_set_then_report_uses_it(cli, shop_copy):
    code, out, err = cli(
        "--workspace",
        shop_copy.root,
        "target",
        "set",
        "--month",
        "2024-06",
        "--gmv",
        "300000",
        "--store",
        "s1",
        "--json",
    )
    assert code == 0, err
    plan = json.loads(out)
    assert plan["gmv_target"] == 300000.0 and len(plan["days"]) == 30
    assert round(sum(d["target"] for d in plan["days"]), 2) == 300000.0
    assert len(plan["weekday_factors"]) == 7
    code, out, _ = _report(cli, shop_copy.root, "--format", "json")
    assert json.loads(out)["target"]["month_target"] == 300000.0
    code, out, _ = cli("--workspace", shop_copy.root, "target", "show", "--month", "2024-06", "--store", "s1")
    assert code == 0 and "300,000.00" in out


def test_target_mistakes(cli, shop_copy):
    code, _, err = cli(
        "--workspace", shop_copy.root, "target", "set", "--month", "2024-6", "--gmv", "1000", "--store", "s1"
    )
    assert code == 2 and "YYYY-MM" in err
    code, _, err = cli(
        "--workspace", shop_copy.root, "target", "set", "--month", "2024-06", "--gmv", "lots", "--store", "s1"
    )
    assert code == 2 and "lots" in err
    code, _, err = cli("--workspace", shop_copy.root, "target", "set", "--month", "2024-06", "--gmv", "1000")
    assert code == 2 and "s1, s2" in err
