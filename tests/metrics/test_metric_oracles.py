"""Every catalog metric against its independent pandas oracle, at every grain it supports."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from oracles import ORACLES

from shopops.metrics.catalog import CATALOG, get_metric
from shopops.metrics.compiler import MetricQuery, valid_grains
from shopops.metrics.engine import Engine

START, END = dt.date(2024, 5, 6), dt.date(2024, 6, 2)


def _window(df):
    return df[(df.date >= START) & (df.date <= END)]


def _close(a, b) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    if b is None or (isinstance(b, float) and math.isnan(b)):
        return False
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def test_every_metric_has_an_oracle():
    assert set(ORACLES) == set(CATALOG)


CASES = [(name, grain) for name in CATALOG for grain in valid_grains([CATALOG[name]]) if grain != "campaign"]


@pytest.mark.parametrize(("name", "grain"), CASES, ids=[f"{n}-{g}" for n, g in CASES])
def test_metric_matches_oracle(shop, name, grain):
    dims = () if grain == "store" else (grain,)
    query = MetricQuery((name,), dims, START, END)
    got = {tuple(r[:-1]): r[-1] for r in Engine.duckdb(shop.ws.con).run(query).rows}
    keys = ["store_id", *dims]
    expected = ORACLES[name](shop.frames, _window, keys)
    want = {(k if isinstance(k, tuple) else (k,)): v for k, v in expected.items()}
    assert want, f"oracle for {name} produced nothing"
    assert any(v is not None for v in got.values()), f"{name} at {grain}: no values"
    mismatches = [
        (k, got.get(k), want.get(k)) for k in sorted(set(got) | set(want)) if not _close(got.get(k), want.get(k))
    ]
    assert not mismatches, f"{name} at {grain}: {mismatches[:5]}"


def test_unknown_metric_lists_valid_names():
    from shopops.metrics.errors import UnknownMetric

    with pytest.raises(UnknownMetric) as info:
        get_metric("gvm")
    assert "gmv" in info.value.message() and "conversion_rate" in info.value.message()


def test_grain_a_metric_cannot_take_is_refused_with_the_valid_ones(shop):
    from shopops.metrics.errors import UnknownGrain

    with pytest.raises(UnknownGrain) as info:
        Engine.duckdb(shop.ws.con).run(MetricQuery(("orders",), ("keyword",)))
    assert "date" in info.value.valid and "keyword" not in info.value.valid
