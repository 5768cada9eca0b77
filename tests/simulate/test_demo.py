"""``shopops demo``: simulate, import, report — quickly, and re-running never duplicates anything."""

from __future__ import annotations

import json
import time
from datetime import date

from shopops.schema import TABLES


def _counts(cli, ws) -> dict[str, int]:
    code, out, _ = cli("-w", ws, "status", "--json")
    assert code == 0
    return {t: sum(stores.values()) for t, stores in json.loads(out)["tables"].items()}


def _written(ws) -> dict[str, int]:
    manifest = json.loads((ws / "demo-input" / "manifest.json").read_text(encoding="utf-8"))
    rows: dict[str, int] = {}
    for f in manifest["files"]:
        rows[f["table"]] = rows.get(f["table"], 0) + f["rows"]
    return rows


def test_demo_reports_the_last_day_and_reruns_cleanly(cli, tmp_path):
    ws = tmp_path / "ws"
    t0 = time.perf_counter()
    code, out, err = cli("-w", ws, "demo")
    elapsed = time.perf_counter() - t0
    assert code == 0, err
    assert elapsed < 60
    truth = json.loads((ws / "demo-input" / "truth.json").read_text(encoding="utf-8"))
    assert len(truth) == 2
    for event in truth:
        assert event["cause"] in out and event["end"] == "2025-10-14"  # both still running on the report's day
    assert "2025-10-14" in out and "demo1" in out
    first = _counts(cli, ws)
    assert first == {t: n for t, n in _written(ws).items()} | {"stores": 1}

    code, out, _ = cli("-w", ws, "demo")  # same settings: byte-identical files, the ledger says "unchanged"
    assert code == 0 and "already imported" in out
    assert _counts(cli, ws) == first

    code, out, _ = cli("-w", ws, "demo", "--seed", "7", "--scenario", "stockout@2025-10-10")
    assert code == 0 and "replaced" in out and "stockout" in out
    again = _counts(cli, ws)
    assert again == {t: n for t, n in _written(ws).items()} | {"stores": 1}  # nothing of the first shop is left
    assert set(again) <= set(TABLES)

    # the compact summary (used when the morning report is not installed) reads the same day from the warehouse
    from shopops.simulate.demo import day_summary
    from shopops.warehouse import Workspace

    manifest = json.loads((ws / "demo-input" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["config"]["seed"] == 7
    with Workspace(ws, read_only=True) as w:
        summary = day_summary(w.con, "demo1", date(2025, 10, 14))
        gmv, buyers = w.con.execute(
            "SELECT sum(paid_amount), count(*) FROM orders WHERE store_id = 'demo1' AND paid_time::date = '2025-10-14'"
        ).fetchall()[0]
    assert round(summary.gmv, 2) == float(gmv) and summary.buyers == buyers and len(summary.sources) == 7
    assert summary.day_target and 0.3 < summary.gmv / summary.day_target < 2


def test_demo_refuses_bad_input_in_one_line(cli, tmp_path):
    code, out, err = cli("-w", tmp_path / "ws", "demo", "--date", "2025-02-30")
    assert code == 2 and "YYYY-MM-DD" in err and "Traceback" not in err
    code, out, err = cli("-w", tmp_path / "ws", "demo", "--scenario", "meteor_strike")
    assert code == 2 and "unknown scenario 'meteor_strike'" in err


def test_simulate_command_writes_files_and_truth(cli, tmp_path):
    code, out, err = cli(
        "simulate",
        "--out",
        tmp_path / "o",
        "--days",
        "21",
        "--products",
        "8",
        "--seed",
        "3",
        "--scenario",
        "search_rank_drop@2025-10-05:5",
        "--json",
    )
    assert code == 0, err
    payload = json.loads(out)
    (event,) = payload["events"]
    assert event["cause"] == "search_rank_drop" and event["start"] == "2025-10-05" and event["end"] == "2025-10-09"
    assert {f["table"] for f in payload["files"]} >= {"traffic_daily", "product_daily", "orders", "targets"}
    code, out, err = cli("simulate", "--out", tmp_path / "o2", "--format", "excel")
    assert code == 2 and "canonical, sycm, shopify, amazon" in err
