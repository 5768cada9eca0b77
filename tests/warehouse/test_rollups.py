"""Rollups stay exact: after any sequence of imports each one equals a full recomputation from its base table.

The imports overlap the way re-exports do — the same orders with another payment day, another buyer or amount,
sessions moved to another source, keyword rows revised — across two stores, interleaved with files the importer
refuses. Direct writes that bypass the importer make the rollups stale (metrics fall back to the base tables) until
the next import rebuilds them. And every metric of the catalog gives the same numbers read from the rollups as from
the base tables.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopops.errors import ValidationFailed
from shopops.warehouse import Workspace, import_file
from shopops.warehouse.rollups import ROLLUPS, current

DAYS = [dt.date(2025, 3, 1) + dt.timedelta(days=i) for i in range(4)]
STORES = ("s1", "s2")
SOURCES = ("手淘搜索", "直通车", None)


def _write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(["" if v is None else v for v in row] for row in rows)
    return path


@st.composite
def orders_file(draw):
    ids = draw(st.lists(st.integers(1, 8), min_size=1, max_size=6, unique=True))
    rows = []
    for i in ids:
        paid = draw(st.one_of(st.none(), st.sampled_from(DAYS)))
        at = None if paid is None else dt.datetime.combine(paid, dt.time(draw(st.integers(0, 23)), 0))
        rows.append(
            [
                draw(st.sampled_from(STORES)),
                f"O{i}",
                at,
                draw(st.sampled_from(["B1", "B2", "B3", None])),
                draw(st.sampled_from(["10.00", "25.50", "", "3"])),
                draw(st.sampled_from(["", "0", "5.00"])),
                draw(st.sampled_from(SOURCES)),
            ]
        )
    return ("orders", ["store_id", "order_id", "paid_time", "buyer_id", "paid_amount", "refund", "channel"], rows)


@st.composite
def order_lines_file(draw):
    keys = draw(st.lists(st.tuples(st.integers(1, 8), st.integers(1, 2)), min_size=1, max_size=8, unique=True))
    rows = [
        [
            draw(st.sampled_from(STORES)),
            f"O{o}",
            str(n),
            draw(st.sampled_from(["SKU1", "SKU2", None])),
            draw(st.sampled_from(["1", "2", ""])),
            draw(st.sampled_from(["9.90", "", "20"])),
        ]
        for o, n in keys
    ]
    return ("order_lines", ["store_id", "order_id", "line_no", "sku", "quantity", "amount"], rows)


@st.composite
def sessions_file(draw):
    ids = draw(st.lists(st.integers(1, 12), min_size=1, max_size=8, unique=True))
    rows = [
        [
            draw(st.sampled_from(STORES)),
            f"S{i}",
            draw(st.sampled_from(DAYS)),
            draw(st.sampled_from(SOURCES)),
            draw(st.sampled_from(["new", "returning", None])),
            draw(st.sampled_from(["1", "3", "2"])),  # page views: required by canonical:sessions
            draw(st.sampled_from(["0", "1", "0.5", ""])),
            draw(st.sampled_from(["true", "false", ""])),
        ]
        for i in ids
    ]
    header = ["store_id", "session_id", "date", "source", "visitor_type", "page_views", "bounce_rate", "purchased"]
    return ("sessions", header, rows)


@st.composite
def ad_keywords_file(draw):
    keys = draw(st.lists(st.tuples(st.sampled_from(DAYS), st.sampled_from(["kw1", "kw2"]), st.sampled_from(["t1", "t2"])), min_size=1, max_size=6, unique=True))  # fmt: skip
    rows = [
        [
            draw(st.sampled_from(STORES)),
            d,
            "plan",
            kw,
            term,
            draw(st.integers(0, 500)),
            draw(st.integers(0, 20)),
            draw(st.sampled_from(["1.50", "0"])),
            draw(st.sampled_from(["", "30.00"])),
        ]
        for d, kw, term in keys
    ]
    header = ["store_id", "date", "campaign", "keyword", "search_term", "impressions", "clicks", "cost", "ad_gmv"]
    return ("ad_keywords", header, rows)


# Two rows with one key: staging refuses the file, so nothing of it may reach a rollup.
REFUSED = ("orders", ["store_id", "order_id", "paid_time", "paid_amount"], [["s1", "O1", DAYS[0], "1"], ["s1", "O1", DAYS[1], "2"]])  # fmt: skip


IMPORTS = st.lists(
    st.one_of(orders_file(), order_lines_file(), sessions_file(), ad_keywords_file(), st.just(REFUSED)),
    min_size=1,
    max_size=6,
)


def assert_rollups_exact(ws) -> None:
    assert current(ws.con)
    for r in ROLLUPS.values():
        grain = ", ".join(f'"{g}"' for g in r.grain)
        kept = ws.con.execute(f'SELECT * FROM "{r.name}" ORDER BY {grain}').fetchall()
        full = ws.con.execute(f"SELECT * FROM ({r.select(r.all_keys())}) ORDER BY {grain}").fetchall()
        assert kept == full, r.name


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(IMPORTS)
def test_rollups_equal_a_full_recomputation_after_random_imports(tmp_path_factory, imports):
    folder = tmp_path_factory.mktemp("imports")
    merged = False
    with Workspace(folder / "ws") as ws:
        for i, (table, header, rows) in enumerate(imports):
            path = _write(folder / f"{i}-{table}.csv", header, rows)
            try:
                import_file(ws, path, format_name=f"canonical:{table}")
                merged = True
            except ValidationFailed:
                assert (table, header, rows) == REFUSED
            if merged:  # the first merge creates the rollups
                assert_rollups_exact(ws)


def test_an_order_paid_on_another_day_leaves_its_old_day(tmp_path):
    with Workspace(tmp_path / "ws") as ws:
        header = ["store_id", "order_id", "paid_time", "buyer_id", "paid_amount", "channel"]
        first = _write(tmp_path / "a.csv", header, [["s1", "O1", "2025-03-01 10:00:00", "B1", "10", "直通车"]])
        again = _write(tmp_path / "b.csv", header, [["s1", "O1", "2025-03-02 10:00:00", "B1", "12", "直通车"]])
        import_file(ws, first, format_name="canonical:orders")
        import_file(ws, again, format_name="canonical:orders")
        rows = ws.con.execute("SELECT date, orders, paid_amount FROM rollup_orders_daily").fetchall()
        assert rows == [(dt.date(2025, 3, 2), 1, Decimal("12.00"))]
        assert_rollups_exact(ws)


def test_an_earlier_order_makes_a_buyer_new_on_another_day(tmp_path):
    """B1 first buys on the 2nd; an import of an older order moves their first purchase to the 1st: the 2nd now
    counts them as returning — a day the second file has no row for."""
    with Workspace(tmp_path / "ws") as ws:
        header = ["store_id", "order_id", "paid_time", "buyer_id", "paid_amount"]
        later = _write(tmp_path / "a.csv", header, [["s1", "O2", "2025-03-02 10:00:00", "B1", "10"]])
        earlier = _write(tmp_path / "b.csv", header, [["s1", "O1", "2025-03-01 09:00:00", "B1", "5"]])
        import_file(ws, later, format_name="canonical:orders")
        day = "SELECT date, buyers, new_buyers, returning_buyers FROM rollup_buyers_daily ORDER BY date"
        assert ws.con.execute(day).fetchall() == [(dt.date(2025, 3, 2), 1, 1, 0)]
        import_file(ws, earlier, format_name="canonical:orders")
        assert ws.con.execute(day).fetchall() == [(dt.date(2025, 3, 1), 1, 1, 0), (dt.date(2025, 3, 2), 1, 0, 1)]
        assert_rollups_exact(ws)


def test_writes_around_the_importer_make_rollups_stale_until_the_next_import(tmp_path):
    with Workspace(tmp_path / "ws") as ws:
        header = ["store_id", "session_id", "date", "source", "page_views"]
        path = _write(tmp_path / "s.csv", header, [["s1", "S1", "2025-03-01", "直通车", "2"]])
        import_file(ws, path, format_name="canonical:sessions")
        assert current(ws.con)
        ws.con.execute("DELETE FROM sessions")  # e.g. the demo removing its stores
        assert not current(ws.con)
        more = _write(tmp_path / "t.csv", header, [["s2", "S9", "2025-03-02", "直通车", "1"]])
        import_file(ws, more, format_name="canonical:sessions")
        assert_rollups_exact(ws)
        assert ws.con.execute("SELECT store_id, visitors FROM rollup_traffic_daily").fetchall() == [("s2", 1)]


# ------------------------------------------------------------------------------- metrics read either way


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return a == b


@pytest.fixture(scope="module")
def imported_shop(tmp_path_factory):
    """The simulated shop (traffic export for part of the period, sessions for all of it), through the importer."""
    from shopops.simulate import SimConfig, simulate

    folder = tmp_path_factory.mktemp("sim")
    result = simulate(
        SimConfig(seed=5, days=21, products=8, visitors_per_day=600, scenarios=(), sessions=True), folder / "in"
    )
    ws = Workspace(folder / "ws")
    for f in result.files:
        if f.table == "traffic_daily":  # keep only the first week of the export: later days come from sessions
            path = folder / "traffic_week.csv"
            lines = (folder / "in" / f.file).read_text(encoding="utf-8").splitlines()
            first_day = result.config.start.isoformat()
            cut = (result.config.start + dt.timedelta(days=7)).isoformat()
            path.write_text(
                "\n".join([lines[0], *(ln for ln in lines[1:] if first_day <= ln.split(",")[1] < cut)]) + "\n",
                encoding="utf-8",
            )
            import_file(ws, path, store_id=f.store, format_name=f.format)
        else:
            import_file(ws, folder / "in" / f.file, store_id=f.store, format_name=f.format)
    yield ws, result.config
    ws.close()


def test_every_metric_reads_the_same_from_rollups_and_base_tables(imported_shop):
    from shopops.metrics.catalog import CATALOG
    from shopops.metrics.compiler import MetricQuery, valid_grains
    from shopops.metrics.engine import Engine

    ws, cfg = imported_shop
    rolled, base = Engine.duckdb(ws.con), Engine.duckdb(ws.con, use_rollups=False)
    assert rolled.rollups and not base.rollups
    checked = 0
    for name, metric in CATALOG.items():
        for grain in valid_grains([metric]):
            dims = () if grain == "store" else (grain,)
            for start, end in ((cfg.start, cfg.end), (cfg.end, cfg.end), (cfg.start + dt.timedelta(days=5), cfg.start + dt.timedelta(days=9))):  # fmt: skip
                query = MetricQuery((name,), dims, start, end)
                a, b = rolled.run(query), base.run(query)
                assert len(a.rows) == len(b.rows), (name, grain, start)
                for ra, rb in zip(a.rows, b.rows, strict=True):
                    assert all(_same(x, y) for x, y in zip(ra, rb, strict=True)), (name, grain, ra, rb)
                checked += sum(1 for r in a.rows if r[-1] is not None)
    assert checked > 1000


def test_days_without_a_traffic_export_get_traffic_from_sessions(imported_shop):
    from shopops.metrics.compiler import MetricQuery
    from shopops.metrics.engine import Engine

    ws, cfg = imported_shop
    frame = Engine.duckdb(ws.con).run(MetricQuery(("visitors", "buyers", "gmv"), ("date",), cfg.start, cfg.end))
    by_day = frame.by_key("date")
    assert len(by_day) == cfg.days
    exported = dict(ws.con.execute("SELECT date, sum(visitors) FROM traffic_daily GROUP BY ALL").fetchall())
    sessions = dict(ws.con.execute("SELECT date, count(*) FROM sessions GROUP BY ALL").fetchall())
    for day, row in by_day.items():
        assert row["visitors"] == (exported[day] if day in exported else sessions[day])
        assert row["gmv"] is not None
