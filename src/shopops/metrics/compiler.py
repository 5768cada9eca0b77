"""The one compiler: metrics + grain + filters → one portable Ibis expression.

Per fact: prepare the view, filter (store, dates, dimension values), aggregate its measures at the grain; then
outer-join the facts on the grain and compute each metric from its measures. Two choices keep engines equal:

* distinct counts are two-level (group by grain + entity, then count rows), because Ibis compiles ``nunique`` to
  ClickHouse's approximate ``uniq``;
* ratios divide floats (ClickHouse keeps a Decimal quotient at the operands' scale) and NULLIF the denominator
  (ClickHouse float division by zero gives inf, not NULL).

With ``rollups`` (a DuckDB workspace whose rollups are current) facts read their rollup-backed views, and a fact's
additive measures come from its ``Summary`` rollup when the query keeps no finer dimension: the morning report
then never scans visitor-level rows or a shop's whole order history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.datatypes as dt_
import ibis.expr.operations as ops
import ibis.expr.types as ir

from shopops.metrics.catalog import CATALOG, GRAINS, MEASURES, Measure, Metric, get_metric
from shopops.metrics.errors import UnknownGrain
from shopops.metrics.facts import FACTS, SUMMARIES, Fact, Summary
from shopops.schema import TABLES
from shopops.warehouse.rollups import ROLLUPS

TableSource = Callable[[str], ir.Table]
Binder = Callable[[str, str], ir.Value]  # (parameter name, ibis type) → the value's expression

IBIS_TYPES = {
    "text": "string",
    "int": "int64",
    "money": "decimal(18, 2)",
    "number": "float64",
    "rate": "float64",
    "date": "date",
    "timestamp": "timestamp",
    "bool": "boolean",
}


def table_schema(name: str) -> ibis.Schema:
    if name in ROLLUPS:
        return ibis.schema({c: IBIS_TYPES[t] for c, t in ROLLUPS[name].schema().items()})
    return ibis.schema({c.name: IBIS_TYPES[c.type] for c in TABLES[name].columns})


def unbound_tables(name: str) -> ir.Table:
    """Tables with the canonical schema and no backend: for showing SQL without a workspace."""
    return ibis.table(table_schema(name), name=name)


@dataclass(frozen=True)
class MetricQuery:
    metrics: tuple[str, ...]
    grain: tuple[str, ...] = ()  # dimensions besides store_id; () is one row per store
    start: dt.date | None = None  # inclusive
    end: dt.date | None = None  # inclusive
    store_id: str | None = None
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (dimension, allowed values)

    @property
    def keys(self) -> list[str]:
        return ["store_id", *self.grain]

    def params(self) -> dict[str, object]:
        """The values a compiled query binds: compiled once, run with other dates and stores."""
        return {k: v for k, v in (("store", self.store_id), ("start", self.start), ("end", self.end)) if v is not None}

    def shape(self) -> tuple:
        """Everything that changes the SQL text; the bound values do not."""
        return (self.metrics, self.grain, self.where, *(k in self.params() for k in ("store", "start", "end")))


def parse_grain(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """``"date,source"`` → ``("date", "source")``; ``"store"`` or nothing → ``()``."""
    parts = text.split(",") if isinstance(text, str) else list(text or ())
    dims = tuple(p.strip() for p in parts if p.strip() and p.strip() != "store")
    for d in dims:
        if d not in GRAINS:
            raise UnknownGrain(metrics="(any)", grain=d, valid=", ".join(GRAINS))
    return dims


def valid_grains(metrics: Sequence[Metric]) -> tuple[str, ...]:
    dims = set(GRAINS[1:])
    for metric in metrics:
        for measure in metric.measures:
            dims &= set(FACTS[MEASURES[measure].fact].dims)
    return ("store", *(g for g in GRAINS if g in dims))


def literal_binder(values: dict[str, object]) -> Binder:
    return lambda name, dtype: ibis.literal(values[name], dtype)


def compile_query(
    query: MetricQuery, tables: TableSource, bind: Binder | None = None, *, rollups: bool = False
) -> ir.Table:
    """``bind`` gives the filter values' expressions: literals by default, or engine variables (see engine)."""
    bind = bind or literal_binder(query.params())
    metrics = [get_metric(n) for n in query.metrics]
    allowed = valid_grains(metrics)
    for dim in (*query.grain, *(d for d, _ in query.where)):
        if dim not in allowed:
            raise UnknownGrain(metrics=", ".join(query.metrics), grain=dim, valid=", ".join(allowed))
    by_fact: dict[str, list[Measure]] = {}
    for metric in metrics:
        for name in metric.measures:
            measures = by_fact.setdefault(MEASURES[name].fact, [])
            if MEASURES[name] not in measures:
                measures.append(MEASURES[name])
    parts = []
    for f, ms in by_fact.items():
        for summary in SUMMARIES.get(f, ()) if rollups else ():
            if not _answers(summary, query):
                continue
            served = [m for m in ms if m.name in summary.measures]
            ms = [m for m in ms if m.name not in summary.measures]
            if served:
                parts.append(_summarised(summary, served, query, tables, bind))
        if ms:
            parts.append(_aggregate(FACTS[f], ms, query, tables, bind, rollups))
    joined = _spine_join(parts, query.keys) if rollups else _join(parts, query.keys)
    columns = [joined[k] for k in query.keys] + [_metric_expr(m, joined).name(m.name) for m in metrics]
    return joined.select(*columns).order_by(query.keys)


def _filtered(
    fact: Fact, measures: list[Measure], query: MetricQuery, tables: TableSource, bind: Binder, rollups: bool
) -> ir.Table:
    v = fact.view(tables, rollups)
    # Only the columns the measures read: an unread flag (is_paid's list of 20 sources) still cost DuckDB planning.
    used = {"store_id", "date", *query.grain, *(d for d, _ in query.where), fact.entity}
    used |= {c for m in measures for c in (m.column, m.weight, m.where)}
    return _restricted(v.select(*[c for c in v.columns if c in used]), fact, query, bind)


def _restricted(v: ir.Table, fact: Fact | None, query: MetricQuery, bind: Binder) -> ir.Table:
    if query.store_id is not None:
        v = v.filter(v.store_id == bind("store", "string"))
    if query.start is not None:
        v = v.filter(v.date >= bind("start", "date"))
    if query.end is not None:
        v = v.filter(v.date <= bind("end", "date"))
    for dim, values in query.where:
        v = v.filter(v[dim].isin(list(values)))
    if fact is not None and fact.semi_additive and "date" not in query.grain:
        # A snapshot is not summed over dates: keep the last snapshot date of each group.
        last = v.date.max().over(ibis.window(group_by=[v[k] for k in query.keys]))
        v = v.mutate(_last=last)
        v = v.filter(v.date == v._last).drop("_last")
    return v


def _values(v: ir.Table, m: Measure) -> ir.Column:
    col = v[m.column].fill_null(0) if m.blank_is_zero else v[m.column]
    return col * v[m.weight] if m.weight else col


def _answers(summary: Summary, query: MetricQuery) -> bool:
    dims = {*query.grain, *(d for d, _ in query.where)}
    return dims <= set(summary.dims) and (not summary.per_day or "date" in query.grain)


def _summarised(
    summary: Summary, measures: list[Measure], query: MetricQuery, tables: TableSource, bind: Binder
) -> ir.Table:
    """Additive measures re-summed from a rollup: sums guarded like ``_one_level``, counts as whole numbers."""
    v = _restricted(tables(summary.table), None, query, bind)
    out: dict[str, ir.Value] = {}
    for m in measures:
        if m.name in summary.counts:
            out[f"m_{m.name}"] = v[summary.counts[m.name]].sum().cast("int64")
        else:
            total, present = summary.sums[m.name]
            out[f"m_{m.name}"] = _guarded(v[present].sum(), v[total].sum())
    return v.group_by(query.keys).aggregate(**out)


def _aggregate(
    fact: Fact, measures: list[Measure], query: MetricQuery, tables: TableSource, bind: Binder, rollups: bool
) -> ir.Table:
    v = _filtered(fact, measures, query, tables, bind, rollups)
    keys = query.keys
    if not any(m.agg == "distinct" for m in measures):
        return v.group_by(keys).aggregate(**{f"m_{m.name}": _one_level(v, m) for m in measures})
    # Two levels: partial aggregates per grain × entity, then one row per entity counts it once.
    entity = fact.entity
    assert entity is not None
    inner_keys = keys if entity in keys else [*keys, entity]
    partial: dict[str, ir.Value] = {}
    for m in measures:
        where = v[m.where] if m.where else None
        if m.agg == "sum":
            partial[f"s_{m.name}"] = _values(v, m).sum(where=where)
            partial[f"n_{m.name}"] = _values(v, m).count()
        elif m.agg == "count":
            partial[f"c_{m.name}"] = v.count(where=where)
        elif m.agg == "distinct":
            if where is not None:
                partial[f"d_{m.name}"] = where.cast("int8").max()
        else:
            raise ValueError(f"{m.agg} is not supported with distinct counts on fact {fact.name}")
    s1 = v.group_by(inner_keys).aggregate(**partial)
    final: dict[str, ir.Value] = {}
    for m in measures:
        if m.agg == "sum":
            final[f"m_{m.name}"] = _guarded(s1[f"n_{m.name}"].sum(), s1[f"s_{m.name}"].sum())
        elif m.agg == "count":
            final[f"m_{m.name}"] = s1[f"c_{m.name}"].sum()
        elif m.where:
            final[f"m_{m.name}"] = s1[entity].count(where=s1[f"d_{m.name}"] == 1)
        else:
            final[f"m_{m.name}"] = s1[entity].count()
    return s1.group_by(keys).aggregate(**final)


def _guarded(present: ir.IntegerValue, total: ir.NumericValue) -> ir.NumericValue:
    """NULL when the column had no value (not exported); 0 when values exist but none matched the filter."""
    return ibis.cases((present > 0, total.fill_null(0)), else_=ibis.null(total.type()))


def _one_level(v: ir.Table, m: Measure) -> ir.Value:
    where = v[m.where] if m.where else None
    if m.agg in ("sum", "last_sum"):
        values = _values(v, m)
        return _guarded(values.count(), values.sum(where=where))
    if m.agg == "count":
        return v.count(where=where)
    raise ValueError(f"measure {m.name}: {m.agg} needs two levels")


def _join(parts: list[ir.Table], keys: list[str]) -> ir.Table:
    """Full outer join of the facts' aggregates on the grain, as UNION ALL + GROUP BY.

    Portable where joins are not: ClickHouse fills a missing side with 0/'' unless ``join_use_nulls`` is set, and
    Ibis folds chained joins of projections into one join whose predicates it then rejects.
    """
    if len(parts) == 1:
        return parts[0]
    # One nullable type per column on every branch: ClickHouse types UNION ALL of UInt64 count() and
    # CAST(NULL AS Int64) as a Variant that max() then rejects.
    types = {c: t.copy(nullable=True) for part in parts for c, t in part.schema().items() if c.startswith("m_")}
    padded = [
        part.select(
            *[part[k] for k in keys],
            *[(_cast(part[c], t) if c in part.columns else ibis.null(t)).name(c) for c, t in types.items()],
        )
        for part in parts
    ]
    stacked = ibis.union(*padded, distinct=False)
    # Each grain row has each measure from exactly one fact: max() picks it (NULL when that fact had no row).
    return stacked.group_by(keys).aggregate(**{c: stacked[c].max() for c in types})


def _spine_join(parts: list[ir.Table], keys: list[str]) -> ir.Table:
    """The same full outer join as ``_join``, for DuckDB only: every grain row once, each fact LEFT JOINed to it.

    No padding of each fact with every other fact's measures (hundreds of typed NULLs in the KPI query): DuckDB
    spent longer binding the SQL than running it. Keys match NULL to NULL, as GROUP BY does.
    """
    if len(parts) == 1:
        return parts[0]
    spine = ibis.union(*[p.select(*keys) for p in parts], distinct=True)
    joined = spine
    for p in parts:
        joined = joined.left_join(p, [spine[k].identical_to(p[k]) for k in keys])
    return joined.select(*[spine[k] for k in keys], *[p[c] for p in parts for c in p.columns if c.startswith("m_")])


def _cast(x: ir.Value, to: dt_.DataType) -> ir.Value:
    """A cast Ibis keeps even when it thinks the type already matches (ClickHouse's count() is UInt64)."""
    return ops.Cast(x, to=to).to_expr()


def _f(x: ir.NumericValue) -> ir.FloatingValue:
    return x.cast("float64")


def _metric_expr(metric: Metric, t: ir.Table) -> ir.Value:
    num = t[f"m_{metric.num}"]
    if metric.kind == "simple":
        return num
    den = t[f"m_{metric.den}"]
    if metric.kind == "difference":
        return num - den.fill_null(0)
    ratio = _f(num) / _f(den.nullif(0))
    if metric.per_day:
        ratio = ratio * _f(t["m_sales_days"])
    return ratio


def metric_names() -> tuple[str, ...]:
    return tuple(CATALOG)
