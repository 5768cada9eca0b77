"""Same seed → byte-identical files (every table, truth.json and manifest.json); another seed → another shop."""

from __future__ import annotations

import hashlib
from pathlib import Path

from simkit import Sql, small

from shopops.simulate import simulate


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_seed_same_bytes(tmp_path):
    for fmt, enc in (("canonical", "utf-8"), ("sycm", "gbk")):
        cfg = small(11, (), format=fmt, encoding=enc, days=30)  # () → two random causes, also seeded
        a = simulate(cfg, tmp_path / f"{fmt}-a")
        b = simulate(cfg, tmp_path / f"{fmt}-b")
        assert a.events == b.events and len(a.events) == 2
        da, db = _digests(a.out), _digests(b.out)
        assert da == db and "truth.json" in da and "manifest.json" in da
        assert len(da) >= 14


def test_another_seed_another_shop(tmp_path):
    a = simulate(small(11), tmp_path / "a")
    b = simulate(small(12), tmp_path / "b")
    da, db = _digests(a.out), _digests(b.out)
    assert da["traffic_daily.csv"] != db["traffic_daily.csv"] and da["orders.csv"] != db["orders.csv"]
    assert Sql(a.out).one("SELECT name FROM {stores}") != Sql(b.out).one("SELECT name FROM {stores}")


def test_a_store_does_not_depend_on_its_neighbours(tmp_path):
    """Each store draws from its own streams: shop1 is the same shop whether or not shop2 is simulated beside it."""
    one = Sql(simulate(small(13, days=21), tmp_path / "one").out)
    two = Sql(simulate(small(13, days=21, stores=2), tmp_path / "two").out)
    for table in ("traffic_daily", "product_daily", "orders", "order_lines", "reviews", "inventory"):
        q = f"SELECT * FROM {{{table}}} WHERE store_id = 'shop1' ORDER BY ALL"
        assert one(q) == two(q), table
    assert two.one("SELECT count(DISTINCT store_id) FROM {orders}") == 2
