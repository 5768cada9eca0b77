"""Scale mode: visitor-level sessions drawn to match traffic_daily exactly, written in parts that import."""

from __future__ import annotations

import json

from simkit import Sql, small

from shopops.simulate import simulate
from shopops.simulate import writer as writer_module


def test_sessions_match_the_daily_traffic(tmp_path, monkeypatch, cli):
    monkeypatch.setattr(writer_module, "MAX_FILE_BYTES", 4_000_000)  # roll into parts, as a 100 M-row run does
    result = simulate(small(31, ("clean",), days=14, products=8, visitors_per_day=6000, sessions=True), tmp_path / "s")
    parts = sorted(f.file for f in result.files if f.table == "sessions")
    assert len(parts) >= 2 and parts[:2] == ["sessions.csv", "sessions_002.csv"]
    assert sum(f.rows for f in result.files if f.table == "sessions") == result.books["shop1"].visitors.sum()
    s = Sql(result.out)
    sessions = " UNION ALL ".join(f"SELECT * FROM read_csv('{result.out / p}', header=true)" for p in parts)
    mismatched = s(
        f"""WITH x AS (SELECT date, source, count(*) n, sum(page_views) pv, count(*) FILTER (page_views = 1) bounced,
                              count(*) FILTER (purchased) bought, count(*) FILTER (visitor_type = 'returning') ret,
                              count(*) FILTER (purchased AND page_views = 1) bounced_buyers, count(DISTINCT session_id) ids
                       FROM ({sessions}) GROUP BY ALL)
            SELECT * FROM {{traffic_daily}} t JOIN x USING (date, source)
            WHERE x.n <> t.visitors OR x.pv <> t.page_views OR x.bounced <> round(t.bounce_rate * t.visitors)
               OR x.bought <> t.paid_buyers OR x.ret <> t.returning_visitors OR x.bounced_buyers > 0 OR x.ids <> x.n"""
    )
    assert mismatched == []
    assert s.one(f"SELECT count(*) FROM ({sessions})") == s.one("SELECT sum(visitors) FROM {traffic_daily}")
    code, out, err = cli("-w", tmp_path / "ws", "import", result.out / parts[-1], "--json")
    assert code == 0, err
    (row,) = json.loads(out)
    assert row["format"] == "canonical:sessions"
    assert row["rows_by_table"]["sessions"] == next(f.rows for f in result.files if f.file == parts[-1])


def test_a_large_shop_is_generated_day_by_day(tmp_path):
    """100k visitors a day stays a per-day computation: the books scale, the rates stay a shop's rates."""
    result = simulate(small(32, ("clean",), days=14, products=60, visitors_per_day=100_000), tmp_path / "big")
    books = result.books["shop1"]
    per_day = books.visitors.sum(axis=1)
    assert 70_000 <= per_day.mean() <= 130_000
    conv = books.buyers.sum() / books.visitors.sum()
    assert 0.01 <= conv <= 0.05
    assert books.orders.sum() == Sql(result.out).one("SELECT count(*) FROM {orders}")
