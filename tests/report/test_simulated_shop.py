"""End to end on the simulator's shop: simulate → import every file → the morning report, checked with pandas."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pandas as pd
import pytest

simulate_mod = pytest.importorskip("shopops.simulate")


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    from shopops.warehouse import Workspace, import_file

    folder = tmp_path_factory.mktemp("sim")
    sim = simulate_mod.simulate(
        simulate_mod.SimConfig(days=35, visitors_per_day=600, products=8, scenarios=()), folder / "in"
    )
    with Workspace(folder / "ws") as ws:
        for f in sim.files:
            import_file(ws, folder / "in" / f.file, store_id=f.store, format_name=f.format)
    traffic = pd.read_csv(folder / "in" / "traffic_daily.csv", dtype={"store_id": str})
    traffic["date"] = pd.to_datetime(traffic["date"]).dt.date
    return folder / "ws", traffic


def test_report_on_the_simulated_shop(cli, simulated):
    root, traffic = simulated
    day = max(traffic.date)
    code, out, err = cli(
        "--workspace",
        root,
        "report",
        "daily",
        "--date",
        day.isoformat(),
        "--format",
        "json",
        "--compare",
        "same_weekday",
    )
    assert code == 0, err
    payload = json.loads(out)
    today = traffic[traffic.date == day]
    base = traffic[traffic.date == day - dt.timedelta(days=7)]
    assert payload["kpis"]["gmv"] == pytest.approx(today.paid_amount.sum())
    assert payload["kpis_base"]["visitors"] == base.visitors.sum()
    total = payload["decomposition_total"]
    assert total["delta_gmv"] == pytest.approx(today.paid_amount.sum() - base.paid_amount.sum(), abs=0.005)
    for r in payload["decomposition"]:
        parts = sum(Decimal(str(r[k])) for k in ("traffic_effect", "conversion_effect", "aov_effect"))
        assert parts == Decimal(str(r["delta_gmv"]))
    target = payload["target"]
    if target is not None:  # the simulator writes monthly targets
        assert sum(Decimal(str(d["target"])) for d in target["plan"]) == Decimal(str(target["month_target"]))
        mtd = traffic[(traffic.date >= day.replace(day=1)) & (traffic.date <= day)].paid_amount.sum()
        assert target["mtd"] == pytest.approx(mtd)


def test_markdown_in_chinese_on_the_simulated_shop(cli, simulated):
    root, traffic = simulated
    code, out, err = cli(
        "--workspace",
        root,
        "report",
        "daily",
        "--date",
        max(traffic.date).isoformat(),
        "--format",
        "md",
        "--lang",
        "zh",
    )
    assert code == 0, err
    assert out.startswith("# 运营晨报") and "流量影响" in out and "客单价" in out
