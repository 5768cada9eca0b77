"""The canonical SELECT around a format's output query, and the rules its rows must meet.

Both staging paths use these: the reference path materialises the SELECT and queries each rule for examples; the
fast path streams the SELECT straight to parquet with the rules folded into one filter that raises.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import duckdb

from shopops.schema import SQL_TYPES, Table

DEFAULT_STORE = "default"


def q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sql_type(type_: str) -> str:
    return SQL_TYPES[type_]  # type: ignore[index]


def produced_columns(con: duckdb.DuckDBPyConnection, sql: str) -> list[str]:
    return list(con.sql(f"SELECT * FROM ({sql}) LIMIT 0").columns)


def canonical_select(
    con: duckdb.DuckDBPyConnection, fmt_name: str, table: Table, sql: str, store_id: str | None, *, number_ids: bool
) -> str:
    """Wrap a format's output query so it yields exactly the table's columns, typed, with keys filled in.

    ``number_ids=False`` leaves a synthetic id that is missing as NULL (the fast path refuses such rows rather than
    read its input twice to number them).
    """
    produced = produced_columns(con, sql)
    unknown = [c for c in produced if c != "_row" and c not in table.by_name]
    if unknown:
        raise ValueError(f"format {fmt_name}: output for {table.name} has unknown columns {unknown}")
    row = "_row" if "_row" in produced else "CAST(NULL AS BIGINT)"
    default_store = lit(store_id or DEFAULT_STORE)
    parts = [f"{row} AS _row"]
    for col in table.columns:
        if col.name == "store_id":
            # --store wins over a file's own store column only when the file has none.
            expr = f"coalesce(CAST(store_id AS VARCHAR), {default_store})" if "store_id" in produced else default_store
        elif col.name in produced:
            expr = f"CAST({q(col.name)} AS {col.sql_type})"
        else:
            expr = f"CAST(NULL AS {col.sql_type})"
        if col.name in table.key and col.type == "text" and col.name != "store_id":
            if table.synthetic is None or col.name != table.synthetic.column:
                expr = f"coalesce({expr}, '')"  # absent text key parts compare as ''
        parts.append(f"{expr} AS {q(col.name)}")
    typed = f"SELECT {', '.join(parts)} FROM ({sql})"
    if table.synthetic is None or not number_ids:
        return typed
    return with_synthetic_key(table, typed)


def with_synthetic_key(table: Table, typed: str) -> str:
    """Fill a missing id from a hash of the identity columns plus the row's occurrence among equal rows.

    Occurrences are numbered in the order of the whole row's content hash, so shuffling a file or exporting an
    overlapping period again gives every row the same id; two identical rows become #1 and #2, and both stay.
    """
    syn = table.synthetic
    assert syn is not None

    def concat(cols: tuple[str, ...] | list[str]) -> str:
        return "concat_ws(chr(31), " + ", ".join(f"coalesce(CAST({q(c)} AS VARCHAR), chr(0))" for c in cols) + ")"

    others = [k for k in table.key if k != syn.column]
    identity = f"md5({concat(syn.identity)})"
    content = f"md5({concat(list(table.column_names))})"
    occurrence = f"row_number() OVER (PARTITION BY {', '.join(q(k) for k in others)}, {identity} ORDER BY {content})"
    filled = f"substr({identity}, 1, 16) || '#' || CAST({occurrence} AS VARCHAR)"
    # Only rows without an id are numbered: the window over a 5 M-row file whose rows all carry one took a fifth
    # of the import.
    col = q(syn.column)
    return (
        f"SELECT * FROM ({typed}) WHERE {col} IS NOT NULL UNION ALL "
        f"SELECT * REPLACE ({filled} AS {col}) FROM ({typed}) WHERE {col} IS NULL"
    )


@dataclass(frozen=True)
class Rule:
    """One condition a canonical row must not meet: ``violated`` is SQL over the output's columns."""

    column: str
    violated: str
    expected: str
    expected_zh: str
    shows_value: bool  # the message shows the offending value (a range) or nothing (a missing value)


def row_rules(table: Table, checked: AbstractSet[str] = frozenset()) -> list[Rule]:
    """Required values and ranges. ``checked`` columns were already required at the field level (a value that
    failed to parse is reported there, not twice)."""
    rules = []
    for col in table.columns:
        if (col.required or (col.name in table.key and col.type != "text")) and col.name not in checked:
            rules.append(
                Rule(
                    col.name,
                    f"{q(col.name)} IS NULL",
                    f"{table.name}.{col.name} is required",
                    f"{table.name}.{col.name} 必须填写",
                    False,
                )
            )
        if col.minimum is not None:
            rules.append(
                Rule(
                    col.name,
                    f"{q(col.name)} < {col.minimum}",
                    f"{table.name}.{col.name} must be ≥ {col.minimum:g}",
                    f"{table.name}.{col.name} 应 ≥ {col.minimum:g}",
                    True,
                )
            )
        if col.maximum is not None:
            hint, hint_zh = (" (write 65% or 0.65)", "(写作 65% 或 0.65)") if col.type == "rate" else ("", "")
            rules.append(
                Rule(
                    col.name,
                    f"{q(col.name)} > {col.maximum}",
                    f"{table.name}.{col.name} must be ≤ {col.maximum:g}{hint}",
                    f"{table.name}.{col.name} 应 ≤ {col.maximum:g}{hint_zh}",
                    True,
                )
            )
    return rules
