"""Run metric queries on an Ibis backend (DuckDB by default, ClickHouse/chdb for parity) into ``MetricFrame``s.

On DuckDB a query is compiled once per shape (metrics, grain, which filters) with its filter values as
placeholders, and the SQL text is cached: building an Ibis expression and compiling it costs tens of
milliseconds, more than the query itself on daily rollups. Each run executes the cached SQL with the values as
statement parameters (``$start``). Other backends compile with literals every time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import duckdb
import ibis
import ibis.expr.types as ir

from shopops.metrics.compiler import Binder, MetricQuery, compile_query, literal_binder, unbound_tables
from shopops.metrics.frame import MetricFrame, plain
from shopops.warehouse.rollups import current as rollups_current

log = logging.getLogger(__name__)

Builder = Callable[[Callable[[str], ir.Table], Binder], ir.Table]


@ibis.udf.scalar.builtin(name="getvariable")
def _var_date(key: str) -> dt.date:  # type: ignore[empty-body]
    """DuckDB's getvariable(), typed as a date."""


@ibis.udf.scalar.builtin(name="getvariable")
def _var_string(key: str) -> str:  # type: ignore[empty-body]
    """DuckDB's getvariable(), typed as text."""


_VARIABLES = {"date": _var_date, "string": _var_string}
# The compiled SQL names each value getvariable('shopops_<name>'); the cached text has $<name> parameters instead.
_VARIABLE = re.compile(r"getvariable\('shopops_(\w+)'\)", re.IGNORECASE)
_SQL_CACHE: dict[Hashable, tuple[str, frozenset[str]]] = {}


def _variable_binder(name: str, dtype: str) -> ir.Value:
    return _VARIABLES[dtype](f"shopops_{name}")


@dataclass(frozen=True)
class Engine:
    backend: Any  # an Ibis backend holding the canonical tables (made on first use for a DuckDB connection)
    con: Any = field(default=None, compare=False)  # the DuckDB connection, when the backend is DuckDB
    rollups: bool = False  # read the workspace's rollups (only ever true when they match their base tables)

    @classmethod
    def duckdb(cls, con: Any, *, use_rollups: bool = True) -> Engine:
        """Wrap a DuckDB connection (``Workspace.con``); its rollups are read when they are current."""
        # No Ibis backend yet: cached SQL runs on ``con`` directly, and connecting Ibis costs ~10 ms a report.
        return cls(None, con, use_rollups and rollups_current(con))

    @classmethod
    def of(cls, backend: Any) -> Engine:
        """Any warehouse's Ibis backend (``Warehouse.ibis()``); on DuckDB its connection, for the SQL cache."""
        if getattr(backend, "name", None) == "duckdb":
            return cls.duckdb(backend.con)
        return cls(backend)

    def table(self, name: str) -> ir.Table:
        if self.backend is None:
            object.__setattr__(self, "backend", ibis.duckdb.from_connection(self.con))
        return self.backend.table(name)

    def expr(self, query: MetricQuery) -> ir.Table:
        return compile_query(query, self.table, rollups=self.rollups)

    def run(self, query: MetricQuery) -> MetricFrame:
        _, rows = self._rows(
            ("metrics", query.shape(), self.rollups),
            lambda tables, bind: compile_query(query, tables, bind, rollups=self.rollups),
            query.params(),
        )
        return MetricFrame(tuple(query.keys), tuple(query.metrics), tuple(rows))

    def fetch(self, key: Hashable, build: Builder, params: dict[str, object]) -> list[dict[str, Any]]:
        """Rows of the expression ``build(tables, bind)``; ``key`` names its shape for the SQL cache."""
        columns, rows = self._rows(key, build, params)
        return [dict(zip(columns, row, strict=True)) for row in rows]

    def _rows(self, key: Hashable, build: Builder, params: dict[str, object]) -> tuple[list[str], list[tuple]]:
        if self.con is None:
            arrow = self.backend.to_pyarrow(build(self.table, literal_binder(params)))
            return arrow.column_names, [tuple(plain(v) for v in row.values()) for row in arrow.to_pylist()]
        cached = _SQL_CACHE.get(key)
        if cached is None:
            text = str(ibis.to_sql(build(unbound_tables, _variable_binder), dialect="duckdb"))
            names = frozenset(_VARIABLE.findall(text))
            cached = _SQL_CACHE[key] = (_VARIABLE.sub(lambda m: "$" + m.group(1), text), names)
        sql, names = cached
        cur = _execute_prepared(self.con, sql, {k: v for k, v in params.items() if k in names})
        return [d[0] for d in cur.description], [tuple(map(plain, row)) for row in cur.fetchall()]

    def sql(self, query: MetricQuery) -> str:
        return str(ibis.to_sql(self.expr(query)))


def _execute_prepared(con: Any, sql: str, params: dict[str, object]) -> Any:
    """Run ``sql`` as a statement prepared once per connection and shape (the catalog's KPI query is 20 KB of SQL:
    parsing it each time cost more than running it). The values go in as literals: EXECUTE takes no placeholders.
    """
    name = "shopops_" + hashlib.sha1(sql.encode()).hexdigest()[:16]
    call = f"EXECUTE {name}" + (
        f"({', '.join(f'{_ident(k)} := {_literal(v)}' for k, v in params.items())})" if params else ""
    )
    try:
        return con.execute(call)
    except duckdb.BinderException as exc:
        if "does not exist" not in str(exc):
            raise
    con.execute(f"PREPARE {name} AS {sql}")
    return con.execute(call)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, dt.datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal):
        return repr(value) if not isinstance(value, Decimal) else f"{value}::DECIMAL(38, 10)"
    return "'" + str(value).replace("'", "''") + "'"


def show_sql(query: MetricQuery, dialect: str = "duckdb") -> str:
    """The SQL a query compiles to, without a workspace (canonical schema, unbound tables)."""
    return str(ibis.to_sql(compile_query(query, unbound_tables), dialect=dialect))
