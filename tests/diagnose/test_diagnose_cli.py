"""The CLI end to end on a simulated shop with a planted stockout: diagnose → tasks list → tasks done."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from diagnose_helpers import simulate_shop


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    return simulate_shop(tmp_path_factory.mktemp("cli-shop"), "stockout", seed=3)


@pytest.fixture
def ws(shop, tmp_path):
    """A private copy of the shop's workspace (diagnose writes tasks into it)."""
    dest = tmp_path / "ws"
    shutil.copytree(shop.workspace, dest)
    return dest


def first_day(shop) -> str:
    return shop.truth[0]["start"]


def test_diagnose_json_names_the_stockout_and_plans_the_reorder(cli, shop, ws):
    code, out, _ = cli("--workspace", ws, "diagnose", "--date", first_day(shop), "--json")
    assert code == 0
    payload = json.loads(out)
    assert set(payload) >= {"findings", "tasks"}
    top = payload["findings"][0]
    assert (top["code"], top["subject"]) == ("stockout", shop.truth[0]["subject"])
    assert top["severity"] == "critical" and top["impact"] > 0 and top["evidence"]
    # Reorder what isn't covered; chase what is already on the way (never "reorder 0 units").
    restock = {t["action"]: t for t in payload["tasks"] if t["subject"] == top["subject"]}
    assert {"reorder_stock", "chase_restock"} & set(restock)
    assert all(t["role"] == "operator" for t in restock.values())
    assert all(" 0 units" not in t["title_en"] for t in restock.values())


def test_rerunning_a_day_creates_no_duplicates(cli, shop, ws):
    cli("--workspace", ws, "diagnose", "--date", first_day(shop))
    _, first, _ = cli("--workspace", ws, "tasks", "list", "--json")
    cli("--workspace", ws, "diagnose", "--date", first_day(shop))
    _, second, _ = cli("--workspace", ws, "tasks", "list", "--json")
    assert json.loads(first) == json.loads(second) and json.loads(first)


def test_tasks_by_role_and_done(cli, shop, ws):
    cli("--workspace", ws, "diagnose", "--date", first_day(shop))
    code, out, _ = cli("--workspace", ws, "tasks", "list", "--role", "operator", "--json")
    tasks = json.loads(out)
    assert code == 0 and tasks and {t["role"] for t in tasks} == {"operator"}
    tid = tasks[0]["id"]
    code, out, _ = cli("--workspace", ws, "tasks", "done", tid)
    assert code == 0 and tid in out
    _, out, _ = cli("--workspace", ws, "tasks", "list", "--json")
    assert tid not in {t["id"] for t in json.loads(out)}
    _, out, _ = cli("--workspace", ws, "tasks", "list", "--status", "done", "--json")
    assert [t["id"] for t in json.loads(out)] == [tid]


def test_terminal_output_in_chinese(cli, shop, ws):
    code, out, _ = cli("--workspace", ws, "--lang", "zh", "diagnose", "--date", first_day(shop), "--no-tasks")
    assert code == 0 and "断货" in out and "下午的任务" in out


@pytest.mark.parametrize(
    "args, needle",
    [
        (("diagnose", "--date", "2025-13-01"), "2025-13-01"),
        (("diagnose", "--date", "2024-01-01"), "2024-01-01"),
        (("diagnose", "--date", "2025-10-01", "--store", "nope"), "nope"),
        (("tasks", "list", "--role", "designer"), "designer"),
        (("tasks", "list", "--status", "closed"), "closed"),
        (("tasks", "done", "abc123"), "abc123"),
    ],
)
def test_user_errors_are_one_line(cli, ws, args, needle):
    code, out, err = cli("--workspace", ws, *args)
    assert code == 2
    assert needle in err and "Traceback" not in err and len(err.strip().splitlines()) <= 3


def test_thresholds_file_typo_is_an_error(cli, shop, ws):
    (ws / "thresholds.toml").write_text("[shop1.stock_cover_lo]\nmin_days = 3\n", encoding="utf-8")
    code, _, err = cli("--workspace", ws, "diagnose", "--date", first_day(shop))
    assert code == 2 and "stock_cover_lo" in err and "stock_cover_low" in err


def test_a_disabled_rule_is_silent(cli, shop, ws):
    (ws / "thresholds.toml").write_text(f'["{shop.store}".stockout]\nenabled = false\n', encoding="utf-8")
    _, out, _ = cli("--workspace", ws, "diagnose", "--date", first_day(shop), "--json", "--no-tasks")
    assert "stockout" not in {f["code"] for f in json.loads(out)["findings"]}


def test_rules_lists_every_rule(cli):
    from shopops.diagnose import RULES

    code, out, _ = cli("rules", "--json")
    assert code == 0 and [r["name"] for r in json.loads(out)] == list(RULES)


def test_day_outside_the_data_names_the_span(cli, ws):
    code, _, err = cli(
        "--workspace", ws, "diagnose", "--date", (dt.date(2025, 10, 14) + dt.timedelta(days=30)).isoformat()
    )
    assert code == 2 and "…" in err
