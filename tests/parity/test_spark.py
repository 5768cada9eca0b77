"""Spark local mode gives the DuckDB workspace's morning report, findings and tables for the same simulated shop;
importing again changes nothing, and a forced re-import rewrites partitions to the same rows.

Slow (a JVM and a local Spark context, about a minute on two loaded cores): ``make test-fast`` leaves it out.
"""

from __future__ import annotations

import shutil

import pytest
from paritykit import differences, import_shop, rows

from shopops.diagnose import diagnose
from shopops.metrics.engine import Engine
from shopops.report.daily import build_daily_report, to_json
from shopops.schema import TABLES
from shopops.warehouse.backends import open_warehouse

pytestmark = pytest.mark.slow

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.fail("Spark needs Java 17: `make test` installs it (apt-get install default-jre-headless)", pytrace=False)


@pytest.fixture(scope="module")
def pair(shop, tmp_path_factory):
    root = tmp_path_factory.mktemp("parity-spark")
    duck = open_warehouse("duckdb:", root / "duck")
    spark = open_warehouse("spark:local[2]", root / "spark")
    for wh in (duck, spark):
        assert {r.status for r in import_shop(wh, shop)} == {"imported"}
    yield duck, spark
    duck.close()
    spark.close()


def test_report_and_findings_are_the_same(pair, shop):
    duck, spark = (Engine.of(wh.ibis()) for wh in pair)
    a = to_json(build_daily_report(duck, date=shop.end))
    b = to_json(build_daily_report(spark, date=shop.end))
    assert a["kpis"]["gmv"] and a["target"] and a["decomposition"], "the report would compare nothing"
    assert differences(a, b) == []
    found = diagnose(duck, shop.end).to_dict("en")
    assert found["findings"]
    assert differences(found, diagnose(spark, shop.end).to_dict("en")) == []


def test_tables_are_the_same_and_reimport_changes_nothing(pair, shop):
    duck, spark = pair
    expected = {name: rows(duck.ibis(), name) for name in TABLES}
    assert {name: rows(spark.ibis(), name) for name in TABLES} == expected
    assert spark.status().tables == duck.status().tables
    assert {r.status for r in import_shop(spark, shop)} == {"unchanged"}
    forced = import_shop(spark, shop, ("traffic_daily", "orders"), force=True)  # month and store partitions
    assert [r.status for r in forced] == ["imported", "imported"]
    for name in ("traffic_daily", "orders", "stores"):
        assert rows(spark.ibis(), name) == expected[name], name
    for result in forced:  # every row of both tables was rewritten by the forced import
        t = spark.ibis().table(result.format.split(":")[1])
        assert t._import_id.min().to_pyarrow().as_py() == result.import_id
