"""Stage four: the metric catalog (declared once), its one compiler onto Ibis, targets, pacing and decomposition."""

from shopops.metrics.catalog import CATALOG, MEASURES, Measure, Metric, get_metric
from shopops.metrics.compiler import MetricQuery, compile_query, parse_grain, valid_grains
from shopops.metrics.engine import Engine, show_sql
from shopops.metrics.frame import MetricFrame

__all__ = [
    "CATALOG",
    "MEASURES",
    "Engine",
    "Measure",
    "Metric",
    "MetricFrame",
    "MetricQuery",
    "compile_query",
    "get_metric",
    "parse_grain",
    "show_sql",
    "valid_grains",
]
