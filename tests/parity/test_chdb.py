"""The same simulated shop imported into DuckDB and into embedded ClickHouse (chdb) gives the same morning report,
the same findings and the same tables — and importing it again into chdb changes nothing.

chdb holds every version of a row in ``<table>_versions`` and reads the ``<table>`` views with FINAL, so these
tests also prove that the views show one row per natural key, the latest import's.
"""

from __future__ import annotations

import json

import pytest
from paritykit import differences, import_shop, rows

from shopops.diagnose import diagnose
from shopops.metrics.engine import Engine
from shopops.report.daily import build_daily_report, to_json
from shopops.schema import TABLES
from shopops.warehouse.backends import open_warehouse

pytest.importorskip("chdb")


@pytest.fixture(scope="module")
def pair(shop, tmp_path_factory):
    root = tmp_path_factory.mktemp("parity-chdb")
    duck = open_warehouse("duckdb:", root / "duck")
    house = open_warehouse(f"chdb://{root / 'chdb-data'}", root / "house")
    for wh in (duck, house):
        assert {r.status for r in import_shop(wh, shop)} == {"imported"}
    yield duck, house
    duck.close()
    house.close()


def engines(pair):
    return tuple(Engine.of(wh.ibis()) for wh in pair)


@pytest.mark.parametrize("compare", ["prev_day", "mean_7d"])
def test_morning_report_is_the_same(pair, shop, compare):
    duck, house = engines(pair)
    a = to_json(build_daily_report(duck, date=shop.end, compare=compare))
    b = to_json(build_daily_report(house, date=shop.end, compare=compare))
    assert a["kpis"]["gmv"] and a["target"] and a["decomposition"], "the report would compare nothing"
    assert differences(a, b) == []


def test_findings_are_the_same(pair, shop):
    duck, house = engines(pair)
    for day in sorted({*shop.cause_days, shop.end}):
        a = diagnose(duck, day).to_dict("en")
        b = diagnose(house, day).to_dict("en")
        assert a["findings"], f"nothing found on {day}: the comparison would be empty"
        assert differences(a, b) == [], day


def test_every_table_is_the_same(pair):
    duck, house = (wh.ibis() for wh in pair)
    filled = 0
    for name in TABLES:
        a, b = rows(duck, name), rows(house, name)
        assert a == b, name
        filled += bool(a)
    assert filled >= 10


def test_importing_again_changes_nothing(pair, shop):
    duck, house = pair
    before = {name: rows(house.ibis(), name) for name in TABLES}
    imports = len(house.status().imports)
    assert {r.status for r in import_shop(house, shop)} == {"unchanged"}
    assert len(house.status().imports) == imports
    assert {name: rows(house.ibis(), name) for name in TABLES} == before


def test_forced_reimport_adds_versions_but_not_rows(pair, shop):
    """--force appends every row again under a new import id; the views still show each key once."""
    duck, house = pair
    engine = Engine.of(house.ibis())
    report = to_json(build_daily_report(engine, date=shop.end))
    before = {name: rows(house.ibis(), name) for name in TABLES}
    stored = house.client.query("SELECT count() FROM traffic_daily_versions").result_rows[0][0]
    results = import_shop(house, shop, force=True)
    assert {r.status for r in results} == {"imported"}
    assert house.client.query("SELECT count() FROM traffic_daily_versions").result_rows[0][0] == 2 * stored
    assert {name: rows(house.ibis(), name) for name in TABLES} == before
    newest = max(r.import_id for r in results)
    assert house.client.query("SELECT min(_import_id) FROM traffic_daily").result_rows[0][0] > newest - len(results)
    assert to_json(build_daily_report(engine, date=shop.end)) == report
    # and DuckDB, which deletes then inserts, agrees row for row
    import_shop(duck, shop, force=True)
    assert {name: rows(duck.ibis(), name) for name in TABLES} == before


def test_status_counts_one_row_per_key(pair):
    duck, house = pair
    a, b = duck.status(), house.status()
    assert a.tables == b.tables
    assert [(e.sha256, e.format, e.rows_by_table) for e in a.imports] == [
        (e.sha256, e.format, e.rows_by_table) for e in b.imports
    ]


def test_cli_runs_on_chdb(pair, shop, cli):
    """`--warehouse chdb:…` reaches the same report, status and diagnosis through the command line; tasks are kept
    in the workspace's own DuckDB file."""
    from shopops.report.output import to_dict
    from shopops.report.periodic import build_report
    from shopops.report.spec import ReportSpec

    duck, house = pair
    on_house = ("--workspace", house.folder.root, "--warehouse", house.url.text)
    code, stdout, stderr = cli(*on_house, "report", "daily", "--date", shop.end.isoformat(), "--format", "json")
    assert code == 0, stderr
    expected = to_dict(build_report(Engine.of(duck.ibis()), ReportSpec("daily", shop.end, None)), "en")
    got = json.loads(stdout)
    assert got["findings"] and got["ledger"], "the report would compare nothing"
    assert differences(json.loads(json.dumps(expected, default=str)), got) == []

    code, stdout, _ = cli(*on_house, "status", "--json")
    assert code == 0 and json.loads(stdout)["tables"] == duck.status().tables

    code, stdout, stderr = cli(*on_house, "diagnose", "--date", shop.end.isoformat(), "--json")
    assert code == 0, stderr
    found = json.loads(stdout)
    assert found["findings"] and found["tasks"]
    code, stdout, _ = cli("--workspace", house.folder.root, "tasks", "list", "--json")
    assert code == 0 and {t["id"] for t in json.loads(stdout)} == {t["id"] for t in found["tasks"]}
