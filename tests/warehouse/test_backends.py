"""Warehouse URLs, and the ClickHouse backend's merge semantics checked against hand-computed expectations.

The ClickHouse tables keep every version of a row; these tests import overlapping exports whose later values must
win, shuffled copies that must change nothing, and filter on a value only the superseded version had — a read
path that deduplicated after filtering would show it.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

import pytest

from shopops.errors import ShopopsError
from shopops.schema import TABLES
from shopops.warehouse import import_file
from shopops.warehouse.backends import (
    BadWarehouseUrl,
    UnknownWarehouseScheme,
    WarehouseBusy,
    WarehouseUnavailable,
    open_warehouse,
)
from shopops.warehouse.url import parse_url, warehouse_url

# ------------------------------------------------------------------------------------------------------ URLs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("duckdb:", {"kind": "duckdb", "path": None}),
        ("duckdb:///srv/ws", {"kind": "duckdb", "path": "/srv/ws"}),
        ("chdb:", {"kind": "chdb", "path": None}),
        ("chdb:///srv/ch data", {"kind": "chdb", "path": "/srv/ch data"}),
        (
            "clickhouse://ops:p%40ss@ch.internal:9000/shops",
            {
                "kind": "clickhouse",
                "host": "ch.internal",
                "port": 9000,
                "user": "ops",
                "password": "p@ss",
                "database": "shops",
            },
        ),
        ("clickhouse://ch.internal", {"host": "ch.internal", "port": 8123, "database": "shopops", "secure": False}),
        ("clickhouse://ch.internal?secure=1", {"port": 8443, "secure": True}),
        ("spark:local[2]", {"kind": "spark", "master": "local[2]", "warehouse_dir": None}),
        ("spark://m:7077?warehouse=s3a://b/shopops", {"master": "spark://m:7077", "warehouse_dir": "s3a://b/shopops"}),
        ("SPARK:yarn", {"kind": "spark", "master": "yarn"}),
    ],
)
def test_urls_parse(text, expected):
    url = parse_url(text)
    assert {k: getattr(url, k) for k in expected} == expected


@pytest.mark.parametrize(
    ("text", "error", "says"),
    [
        ("postgres://db/x", UnknownWarehouseScheme, "duckdb:, chdb:, clickhouse:, spark:"),
        ("/srv/shopops", UnknownWarehouseScheme, "duckdb:, chdb:, clickhouse:, spark:"),
        ("clickhouse:///db", BadWarehouseUrl, "a host is needed"),
        ("clickhouse://h:port/db", BadWarehouseUrl, "not a number"),
        ("clickhouse://h/a/b", BadWarehouseUrl, "one database"),
        ("clickhouse://h/db?compress=1", BadWarehouseUrl, "valid: secure"),
        ("spark:", BadWarehouseUrl, "a Spark master is needed"),
        ("chdb:///x?warehouse=y", BadWarehouseUrl, "valid: none"),
    ],
)
def test_bad_urls_say_what_is_valid(text, error, says):
    with pytest.raises(error) as info:
        parse_url(text)
    assert says in info.value.message("en")
    assert isinstance(info.value, ShopopsError)


def test_password_is_masked():
    url = parse_url("clickhouse://ops:s3cret@h:8123/db")
    assert url.shown == "clickhouse://ops:***@h:8123/db"
    assert "s3cret" not in url.shown


def test_option_wins_over_environment(monkeypatch):
    monkeypatch.setenv("SHOPOPS_WAREHOUSE", "chdb:///from-env")
    assert warehouse_url().path == "/from-env"
    assert warehouse_url("spark:local[1]").master == "local[1]"
    monkeypatch.delenv("SHOPOPS_WAREHOUSE")
    assert warehouse_url().kind == "duckdb"


@pytest.mark.parametrize("how", ["option", "env"])
def test_cli_rejects_an_unknown_scheme_in_one_line(cli, tmp_path, monkeypatch, how):
    args = ["--workspace", tmp_path / "ws"]
    if how == "option":
        args += ["--warehouse", "mysql://h/db"]
    else:
        monkeypatch.setenv("SHOPOPS_WAREHOUSE", "mysql://h/db")
    code, stdout, stderr = cli(*args, "status")
    assert code == 2
    assert "the scheme 'mysql' is not one of duckdb:, chdb:, clickhouse:, spark:" in stderr
    assert "Traceback" not in stdout + stderr and len(stderr.strip().splitlines()) == 1


def test_unreachable_clickhouse_is_one_line(cli, tmp_path):
    code, stdout, stderr = cli("--workspace", tmp_path, "--warehouse", "clickhouse://u:pw@127.0.0.1:9/x", "status")
    assert code == WarehouseUnavailable.exit_code
    assert "is unavailable" in stderr and "u:***@" in stderr and ":pw@" not in stderr
    assert "Traceback" not in stdout + stderr


def test_missing_workspace_is_refused_not_created(cli, tmp_path):
    code, _, stderr = cli("--workspace", tmp_path / "none", "--warehouse", "chdb:", "status")
    assert code == 2 and "no workspace" in stderr
    assert not (tmp_path / "none").exists()


# ------------------------------------------------------------------------------------------ chdb merges

SOURCES = ("手淘搜索", "直通车", "猜你喜欢")
DAYS = [dt.date(2024, 9, 27) + dt.timedelta(days=i) for i in range(8)]  # crosses a month: two partitions


def traffic_rows(days, seed: int) -> dict[tuple, dict]:
    rng = random.Random(seed)
    return {
        ("s1", d, s): {"visitors": rng.randint(100, 5000), "paid_amount": f"{rng.randint(0, 10**7) / 100:.2f}"}
        for d in days
        for s in SOURCES
    }


def write_traffic(path: Path, data: dict[tuple, dict], shuffle: int | None = None) -> Path:
    items = list(data.items())
    if shuffle is not None:
        random.Random(shuffle).shuffle(items)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["store_id", "date", "source", "visitors", "paid_amount"])
        for (store, day, source), v in items:
            w.writerow([store, day.isoformat(), source, v["visitors"], v["paid_amount"]])
    return path


@pytest.fixture(scope="module")
def house(tmp_path_factory):
    pytest.importorskip("chdb")
    root = tmp_path_factory.mktemp("backends")
    wh = open_warehouse(f"chdb://{root / 'data'}", root / "ws")
    yield wh
    wh.close()


def view(wh, name: str) -> dict[tuple, dict]:
    t = wh.ibis().table(name)
    out = {}
    for r in t.to_pyarrow().to_pylist():
        key = tuple(r[k] for k in TABLES[name].key)
        assert key not in out, f"{name}: key {key} shown twice"
        out[key] = r
    return out


def test_overlapping_exports_later_wins(house, tmp_path):
    first = traffic_rows(DAYS[:5], seed=1)
    second = traffic_rows(DAYS[3:], seed=2)  # re-exports days 4–5 with other numbers, adds 6–8
    results = [
        import_file(house, write_traffic(tmp_path / "a.csv", first), format_name="canonical:traffic_daily"),
        import_file(house, write_traffic(tmp_path / "a.csv", first), format_name="canonical:traffic_daily"),
        import_file(house, write_traffic(tmp_path / "a2.csv", first, shuffle=3), format_name="canonical:traffic_daily"),
        import_file(house, write_traffic(tmp_path / "b.csv", second, shuffle=4), format_name="canonical:traffic_daily"),
    ]
    assert [r.status for r in results] == ["imported", "unchanged", "imported", "imported"]
    expected = {**first, **second}
    shown = view(house, "traffic_daily")
    assert set(shown) == set(expected)
    for key, v in expected.items():
        assert shown[key]["visitors"] == v["visitors"], key
        assert str(shown[key]["paid_amount"]) == v["paid_amount"], key
    stored = house.client.query("SELECT count() FROM traffic_daily_versions").result_rows[0][0]
    assert stored == 2 * len(first) + len(second)  # every version kept; the view shows one per key


def test_a_superseded_value_never_matches_a_filter(house, tmp_path):
    """Filters run after FINAL: the old visitors of an updated key must not be found by a WHERE on them."""
    day = dt.date(2024, 10, 20)
    old = {("s1", day, "直通车"): {"visitors": 777_001, "paid_amount": "1.00"}}
    new = {("s1", day, "直通车"): {"visitors": 777_002, "paid_amount": "2.00"}}
    for i, data in enumerate((old, new)):
        import_file(house, write_traffic(tmp_path / f"f{i}.csv", data), format_name="canonical:traffic_daily")
    t = house.ibis().table("traffic_daily")
    assert t.filter(t.visitors == 777_001).count().to_pyarrow().as_py() == 0
    assert t.filter(t.visitors == 777_002).count().to_pyarrow().as_py() == 1
    by_sum = t.filter(t.date == day).aggregate(v=t.visitors.sum()).to_pyarrow().to_pylist()
    assert by_sum == [{"v": 777_002}]


def test_orders_update_in_place_without_a_partition(house, tmp_path):
    path = tmp_path / "orders.csv"
    for paid in ("2024-10-01 09:00:00", "2024-10-03 12:30:00"):
        path.write_text(f"store_id,order_id,paid_time,paid_amount\ns1,o-1,{paid},10.50\n", encoding="utf-8")
        import_file(house, path, format_name="canonical:orders", force=True)
    t = house.ibis().table("orders")
    days = t.filter(t.order_id == "o-1").select(day=t.paid_time.date()).to_pyarrow().to_pylist()
    assert days == [{"day": dt.date(2024, 10, 3)}]


def test_stores_row_made_once_and_kept(house):
    stores = view(house, "stores")
    assert stores[("s1",)]["name"] == "s1"
    assert stores[("s1",)]["platform"] == "generic"


def test_views_have_the_duckdb_schema(house, tmp_path):
    """Same names, order, types and nullability as the DuckDB workspace: the metric layer sees one schema."""
    duck = open_warehouse("duckdb:", tmp_path / "duck")
    try:
        for name in TABLES:
            schema, expected = house.ibis().table(name).schema(), duck.ibis().table(name).schema()
            assert list(schema.names) == list(expected.names) == [*TABLES[name].column_names, "_import_id"], name
            assert [schema[c] for c in TABLES[name].column_names] == [expected[c] for c in TABLES[name].column_names]
            assert schema["_import_id"].is_integer()
    finally:
        duck.close()


def test_ledger_and_status(house):
    st = house.status()
    assert st.workspace.startswith("chdb://")
    assert st.tables["traffic_daily"] == {"s1": len(DAYS) * len(SOURCES) + 1}
    ids = [e.import_id for e in st.imports]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    first = st.imports[0]
    assert (first.store_id, first.rows_by_table) == ("s1", {"traffic_daily": 15})
    assert house.already_imported(first.sha256, "s1", "canonical:traffic_daily") == ids[0]
    assert house.already_imported(first.sha256, "s2", "canonical:traffic_daily") is None


def test_a_second_chdb_folder_in_one_process_is_refused(house, tmp_path):
    with pytest.raises(WarehouseBusy) as info:
        open_warehouse(f"chdb://{tmp_path / 'other'}", tmp_path / "ws2")
    assert "one folder per process" in info.value.message("en")


def test_reopening_keeps_everything(house):
    before = view(house, "traffic_daily")
    again = open_warehouse(house.url, house.folder.root)  # the same folder again is allowed (and cheap)
    try:
        assert view(again, "traffic_daily") == before
        assert [e.import_id for e in again.status().imports] == [e.import_id for e in house.status().imports]
    finally:
        again.close()
    assert view(house, "traffic_daily") == before  # closing the second client leaves the first working
