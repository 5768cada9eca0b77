"""Round trip: every file the simulator writes imports with 'shopops import' (formats detected, not told), and
the warehouse holds exactly what was written — in every output layout."""

from __future__ import annotations

import json

import pytest
from simkit import Sql, small

from shopops.simulate import MANIFEST


def _import_all(cli, workspace, result) -> dict[str, dict[str, int]]:
    """Import each file as an operator would (platform files with their --store); return status tables."""
    manifest = json.loads((result.out / MANIFEST).read_text(encoding="utf-8"))
    for f in manifest["files"]:
        store = ("--store", f["store"]) if f["store"] else ()
        code, out, err = cli("-w", workspace, "import", result.out / f["file"], *store, "--json")
        assert code == 0, err
        (row,) = json.loads(out)
        assert row["ok"] and row["format"] == f["format"], (f["file"], row["format"])
    code, out, _ = cli("-w", workspace, "status", "--json")
    return json.loads(out)["tables"]


def _written(result) -> dict[str, int]:
    rows: dict[str, int] = {}
    for f in result.files:
        rows[f.table] = rows.get(f.table, 0) + f.rows
    return rows


def test_canonical_files_import_and_match_the_books(cli, tmp_path, sims):
    result = sims("roundtrip", small(21, ("negative_reviews", "stockout"), stores=2, days=30))
    ws = tmp_path / "ws"
    tables = _import_all(cli, ws, result)
    for table, rows in _written(result).items():
        assert sum(tables[table].values()) == rows, table
    # importing everything again changes nothing
    code, out, _ = cli("-w", ws, "import", *sorted(result.out.glob("*.csv")), "--json")
    assert code == 0 and {r["status"] for r in json.loads(out)} == {"unchanged"}
    from shopops.warehouse import Workspace

    with Workspace(ws, read_only=True) as w:
        got = dict(
            w.con.execute("SELECT store_id || '|' || date, sum(paid_amount) FROM traffic_daily GROUP BY ALL").fetchall()
        )
    for store, books in result.books.items():
        for d in range(result.config.days):
            day = result.config.start.fromordinal(result.config.start.toordinal() + d)
            assert int(got[f"{store}|{day}"] * 100) == books.gmv[d].sum()


def test_sycm_gbk_files_import_with_the_same_numbers(cli, tmp_path, sims):
    cfg = dict(stores=2, days=30)
    sycm = sims("sycm-gbk", small(22, ("paid_cpc_spike",), format="sycm", encoding="gbk", **cfg))
    canonical = sims("sycm-twin", small(22, ("paid_cpc_spike",), **cfg))
    traffic = sorted(sycm.out.glob("sycm_traffic_*.csv"))
    assert len(traffic) == 2
    raw = traffic[0].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "流量来源" in raw.decode("gbk").splitlines()[0] and "%" in raw.decode("gbk")
    tables = _import_all(cli, tmp_path / "ws", sycm)
    for table, rows in _written(sycm).items():
        assert sum(tables[table].values()) == rows, table
    from shopops.warehouse import Workspace

    q = (
        "SELECT store_id, source, sum(visitors), sum(paid_buyers), sum(paid_amount), "
        "round(sum(bounce_rate * visitors)) FROM {t} GROUP BY ALL ORDER BY ALL"
    )
    with Workspace(tmp_path / "ws", read_only=True) as w:
        imported = w.con.execute(q.format(t="traffic_daily")).fetchall()
        ads = w.con.execute(
            "SELECT store_id, sum(clicks), sum(cost) FROM ad_keywords GROUP BY ALL ORDER BY ALL"
        ).fetchall()
    twin = Sql(canonical.out)
    expected = twin(q.format(t="{traffic_daily}"))
    assert [(s, src, v, b, round(float(g), 2), br) for s, src, v, b, g, br in imported] == [
        (s, src, v, b, round(g, 2), br) for s, src, v, b, g, br in expected
    ]
    assert [(s, c, round(float(x), 2)) for s, c, x in ads] == [
        (s, c, round(x, 2))
        for s, c, x in twin("SELECT store_id, sum(clicks), sum(cost) FROM {ad_keywords} GROUP BY ALL ORDER BY ALL")
    ]


@pytest.mark.parametrize("layout, table", [("shopify", "orders"), ("amazon", "ad_keywords")])
def test_platform_layouts_import(cli, tmp_path, sims, layout, table):
    result = sims(layout, small(23, ("clean",), format=layout, days=21))
    tables = _import_all(cli, tmp_path / "ws", result)
    from shopops.warehouse import Workspace

    with Workspace(tmp_path / "ws", read_only=True) as w:
        if table == "orders":
            n, paid = w.con.execute("SELECT count(*), sum(paid_amount) FROM orders").fetchall()[0]
            books = result.books["shop1"]
            assert n == books.orders.sum() and int(paid * 100) == books.gmv.sum()
            assert w.con.execute("SELECT count(*) FROM order_lines").fetchall()[0][0] == books.lines.sum()
        else:
            clicks, cost = w.con.execute("SELECT sum(clicks), sum(cost) FROM ad_keywords").fetchall()[0]
            books = result.books["shop1"]
            assert clicks == books.kw_clicks.sum() and int(cost * 100) == books.kw_cost.sum()
    assert "traffic_daily" in tables and "stores" in tables
