"""The whole catalog on DuckDB and on embedded ClickHouse (chdb) gives the same numbers.

ClickHouse quirks met on the way (the compiler works around each, so the catalog needs no engine branches):
Ibis compiles ``nunique`` to the approximate ``uniq``; Decimal ÷ Decimal keeps the operands' scale; float ÷ 0 is
inf, not NULL; an outer join fills the missing side with 0/'' unless ``join_use_nulls`` is set; chdb refuses
Ibis's memtable upload (``external_data``), so tables are created from the schema and filled with Arrow.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest

from shopops.metrics.catalog import CATALOG
from shopops.metrics.compiler import MetricQuery, table_schema, valid_grains
from shopops.metrics.engine import Engine
from shopops.metrics.facts import FACTS

clickhouse_connect = pytest.importorskip("clickhouse_connect")
pytest.importorskip("chdb")

START, END = dt.date(2024, 5, 6), dt.date(2024, 6, 2)
TABLES = sorted({f.table for f in FACTS.values()})


@pytest.fixture(scope="module")
def engines(shop):
    import ibis

    client = clickhouse_connect.get_client(dsn="chdb://")
    backend = ibis.clickhouse.from_connection(client)
    for name in TABLES:
        backend.create_table(name, schema=table_schema(name), overwrite=True)
        cols = ", ".join(f'"{c}"' for c in table_schema(name).names)
        client.insert_arrow(name, shop.ws.con.sql(f'SELECT {cols} FROM "{name}"').to_arrow_table())
    yield Engine.duckdb(shop.ws.con), Engine(backend)
    for name in TABLES:
        client.command(f'DROP TABLE IF EXISTS "{name}"')


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, dt.date) or isinstance(a, str):
        return a == b
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a == b
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)


GRAINS = sorted({g for m in CATALOG.values() for g in valid_grains([m])})


@pytest.mark.parametrize("grain", GRAINS)
def test_catalog_is_the_same_on_duckdb_and_clickhouse(engines, grain):
    duck, house = engines
    names = tuple(n for n, m in CATALOG.items() if grain in valid_grains([m]))
    dims = () if grain == "store" else (grain,)
    for name in names:  # one metric at a time: rows exist where that metric's facts have data
        query = MetricQuery((name,), dims, START, END)
        a, b = duck.run(query), house.run(query)
        assert len(a.rows) == len(b.rows), name
        assert any(r[-1] is not None for r in a.rows), f"{name}: nothing to compare"
        for ra, rb in zip(a.rows, b.rows, strict=True):
            assert all(_same(x, y) for x, y in zip(ra, rb, strict=True)), (name, ra, rb)


def test_whole_catalog_in_one_query_is_the_same(engines):
    duck, house = engines
    query = MetricQuery(tuple(CATALOG), ("date",), START, END, store_id="s1")
    a, b = duck.run(query), house.run(query)
    assert len(a.rows) == (END - START).days + 1
    for ra, rb in zip(a.rows, b.rows, strict=True):
        bad = [(c, x, y) for c, x, y in zip(a.columns, ra, rb, strict=True) if not _same(x, y)]
        assert not bad, bad
