"""Run metric queries on an Ibis backend (DuckDB by default, ClickHouse/chdb for parity) into ``MetricFrame``s.

On DuckDB a query is compiled once per shape (metrics, grain, which filters) with its filter values as DuckDB
variables (``getvariable('shopops_start')``), and the SQL text is cached: building an Ibis expression and
compiling it costs tens of milliseconds, more than the query itself on daily rollups. Each run sets the variables
and executes the cached SQL — a prepared statement, in effect. Other backends compile with literals every time.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir

from shopops.metrics.compiler import Binder, MetricQuery, compile_query, literal_binder, unbound_tables
from shopops.metrics.frame import MetricFrame, plain

log = logging.getLogger(__name__)

Builder = Callable[[Callable[[str], ir.Table], Binder], ir.Table]


@ibis.udf.scalar.builtin(name="getvariable")
def _var_date(key: str) -> dt.date:  # type: ignore[empty-body]
    """DuckDB's getvariable(), typed as a date."""


@ibis.udf.scalar.builtin(name="getvariable")
def _var_string(key: str) -> str:  # type: ignore[empty-body]
    """DuckDB's getvariable(), typed as text."""


_VARIABLES = {"date": _var_date, "string": _var_string}
_SQL_CACHE: dict[Hashable, str] = {}


def _variable_binder(name: str, dtype: str) -> ir.Value:
    return _VARIABLES[dtype](f"shopops_{name}")


@dataclass(frozen=True)
class Engine:
    backend: Any  # an Ibis backend holding the canonical tables
    con: Any = field(default=None, compare=False)  # the DuckDB connection, when the backend is DuckDB

    @classmethod
    def duckdb(cls, con: Any) -> Engine:
        """Wrap a DuckDB connection (``Workspace.con``)."""
        return cls(ibis.duckdb.from_connection(con), con)

    def table(self, name: str) -> ir.Table:
        return self.backend.table(name)

    def expr(self, query: MetricQuery) -> ir.Table:
        return compile_query(query, self.table)

    def run(self, query: MetricQuery) -> MetricFrame:
        rows = self.fetch(
            ("metrics", query.shape()),
            lambda tables, bind: compile_query(query, tables, bind),
            query.params(),
        )
        return MetricFrame(tuple(query.keys), tuple(query.metrics), tuple(tuple(r.values()) for r in rows))

    def fetch(self, key: Hashable, build: Builder, params: dict[str, object]) -> list[dict[str, Any]]:
        """Rows of the expression ``build(tables, bind)``; ``key`` names its shape for the SQL cache."""
        if self.con is None:
            arrow = self.backend.to_pyarrow(build(self.table, literal_binder(params)))
        else:
            sql = _SQL_CACHE.get(key)
            if sql is None:
                sql = str(ibis.to_sql(build(unbound_tables, _variable_binder), dialect="duckdb"))
                _SQL_CACHE[key] = sql
            for name, value in params.items():
                self.con.execute(f"SET VARIABLE shopops_{name} = ?", [value])
            arrow = self.con.sql(sql).to_arrow_table()
        return [{k: plain(v) for k, v in row.items()} for row in arrow.to_pylist()]

    def sql(self, query: MetricQuery) -> str:
        return str(ibis.to_sql(self.expr(query)))


def show_sql(query: MetricQuery, dialect: str = "duckdb") -> str:
    """The SQL a query compiles to, without a workspace (canonical schema, unbound tables)."""
    return str(ibis.to_sql(compile_query(query, unbound_tables), dialect=dialect))
