"""``shopops run-daily`` end to end on a simulated shop: inbox → import → diagnose → reports → alerts, and a second
run the same day changes nothing and sends nothing."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from pathlib import Path

import pytest

from shopops.alerts.config import RunConfig
from shopops.report.findings import Diagnosed, FindingLine
from shopops.report.schedule import report_kinds

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "alerts"))
from receiver import start  # noqa: E402

END = dt.date(2025, 10, 14)  # a Tuesday


@pytest.fixture
def receiver():
    rec, server = start()
    yield rec
    server.shutdown()
    server.server_close()


@pytest.fixture
def root(tmp_path, receiver):
    from shopops.simulate import SimConfig, simulate

    sim = simulate(SimConfig(days=40, visitors_per_day=600, products=8, seed=5), tmp_path / "sim")
    ws = tmp_path / "ws"
    (ws / "inbox" / "shop1").mkdir(parents=True)
    for f in sim.files:
        dest = ws / "inbox" / ("shop1" if f.table == "traffic_daily" else "") / f.file
        shutil.copy(tmp_path / "sim" / f.file, dest)
    (ws / "inbox" / "broken.csv").write_bytes(b"")  # 0 bytes: cannot be imported
    (ws / "shopops.toml").write_text(
        f"""
[run]
formats = ["md", "json", "xlsx", "html"]
lang = "zh"
weekly_on = "wednesday"   # the run on Wednesday 10-15 writes the week ending 10-14
monthly_on_day = 15       # … and September's evaluation

[alerts]
timeout_seconds = 2
allow_http_loopback = true   # tests only

[stores.shop1]
webhooks = [
  {{ kind = "dingtalk", url = "{receiver.url}/dingtalk?access_token=t", secret = "SECabc" }},
  {{ kind = "wecom", url = "{receiver.url}/wecom?key=k" }},
]
""",
        encoding="utf-8",
    )
    return ws


def warning(code: str) -> FindingLine:
    return FindingLine(
        code, "warning", "sku", "DG1001", None, "conversion_rate", 0.01, 0.03, 500.0, "Conversion fell.", "转化率下降。"
    )


def _run(cli, root, *extra):
    code, out, err = cli("--workspace", root, "run-daily", "--date", END.isoformat(), "--json", *extra)
    return code, (json.loads(out) if out.strip().startswith("{") else None), err


def test_run_daily_twice(cli, root, receiver, monkeypatch):
    import shopops.report.schedule as schedule

    monkeypatch.setattr(
        schedule, "run_diagnosis", lambda engine, store, day: Diagnosed(True, "", (warning("conv_drop"),))
    )
    code, first, err = _run(cli, root)
    assert code == 1, err  # the broken file fails the run (so cron reports it) …
    statuses = {f["file"]: f["status"] for f in first["files"]}
    assert statuses.pop("broken.csv") == "failed" and set(statuses.values()) == {"imported"}
    assert "the file is empty" in (root / "inbox" / "broken.csv.error.txt").read_text(encoding="utf-8")
    assert (root / "inbox" / "done" / "shop1" / "traffic_daily.csv").is_file()
    assert not (root / "inbox" / "shop1" / "traffic_daily.csv").exists()
    reports = root / "reports" / "shop1"
    names = sorted(p.name for p in reports.iterdir())
    for kind, date in (("daily", "2025-10-14"), ("weekly", "2025-10-14"), ("monthly", "2025-09-30")):
        for fmt in ("md", "json", "xlsx", "html"):
            assert f"{kind}-{date}.{fmt}" in names
    assert "运营周报" in (reports / "weekly-2025-10-14.md").read_text(encoding="utf-8")
    (store,) = first["stores"]
    assert [a["status"] for a in store["alerts"]] == ["sent", "sent"] and store["rewritten"] == 12
    assert len(receiver.at("/dingtalk")) == 1 and receiver.at("/dingtalk")[0].query["sign"]
    mtime = (reports / "daily-2025-10-14.md").stat().st_mtime_ns

    code, second, err = _run(cli, root)  # … and a second run changes nothing
    assert [f["status"] for f in second["files"]] == ["skipped"]
    (store,) = second["stores"]
    assert store["rewritten"] == 0 and [a["status"] for a in store["alerts"]] == ["nothing_new", "nothing_new"]
    assert len(receiver.requests) == 2
    assert (reports / "daily-2025-10-14.md").stat().st_mtime_ns == mtime

    (root / "inbox" / "broken.csv").write_text(
        "store_id,date,source,visitors\nshop1,2025-10-15,手淘搜索,5\n", encoding="utf-8"
    )
    code, third, err = _run(cli, root)  # a fixed file is tried again and imported
    assert code == 0, err
    assert third["files"] == [{"file": "broken.csv", "status": "imported", "detail": ""}]
    assert not (root / "inbox" / "broken.csv.error.txt").exists()


@pytest.mark.slow
def test_run_daily_with_the_real_diagnosis(cli, root, receiver):
    code, summary, err = _run(cli, root)
    (store,) = summary["stores"]
    assert len(store["reports"]) == 12 and store["note"] == ""  # the diagnosis ran
    sent = [a for a in store["alerts"] if a["status"] == "sent"]
    assert len(receiver.requests) == len(sent)  # one message per channel with something new, none otherwise
    code, again, err = _run(cli, root)
    assert len(receiver.requests) == len(sent)


def test_bad_settings_are_one_line(cli, root):
    (root / "shopops.toml").write_text('[run]\nformat = ["md"]\n', encoding="utf-8")
    code, out, err = cli("--workspace", root, "run-daily", "--date", END.isoformat())
    assert code == 2 and "unknown key 'format'" in err and "formats" in err and "Traceback" not in err
    (root / "shopops.toml").write_text(
        '[stores.shop1]\nwebhooks = [{kind = "teams", url = "https://x"}]\n', encoding="utf-8"
    )
    code, out, err = cli("--workspace", root, "run-daily", "--date", END.isoformat())
    assert code == 2 and "dingtalk, wecom, feishu, slack" in err


def test_which_reports_are_due():
    cfg = RunConfig(Path("in"), Path("out"))  # weekly on Monday, monthly on the 1st
    assert report_kinds(dt.date(2025, 10, 14), cfg) == (("daily", dt.date(2025, 10, 14)),)
    assert report_kinds(dt.date(2025, 10, 12), cfg) == (
        ("daily", dt.date(2025, 10, 12)),
        ("weekly", dt.date(2025, 10, 12)),
    )
    assert report_kinds(dt.date(2025, 9, 30), cfg)[-1] == ("monthly", dt.date(2025, 9, 30))
