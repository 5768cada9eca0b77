"""The one engine that runs every format: file → raw text → typed ``src`` → canonical tables → parquet.

Validation is lazy: every bad value, missing required value, out-of-range number and duplicate key is collected
first, then the file is refused as a whole (``ValidationFailed``) — or handed on as a frozen ``Batch`` that the
warehouse merges in one transaction. Staging uses its own scratch DuckDB file, so a file is checked completely
without holding the workspace, and a 5 M-row file never has to fit in memory.
"""

from __future__ import annotations

import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from shopops.errors import MissingColumns, Problem, ValidationFailed
from shopops.ingest.formats import Format, detect, get_format, header_score
from shopops.ingest.normalise import install_macros, parse_expr
from shopops.ingest.read import Progress, load_raw, raw_column
from shopops.ingest.source import SourceFile, inspect
from shopops.schema import EXPECTED, Table, get_table

log = logging.getLogger(__name__)

EXAMPLES_PER_CHECK = 20
DEFAULT_STORE = "default"


@dataclass(frozen=True)
class StagedTable:
    table: str
    path: Path  # parquet with exactly the canonical columns
    rows: int


@dataclass(frozen=True)
class Batch:
    """A file that passed every check, staged as canonical tables, ready to merge."""

    source: SourceFile
    format: str
    store_id: str
    rows_read: int
    tables: tuple[StagedTable, ...]

    def cleanup(self) -> None:
        for staged in self.tables:
            staged.path.unlink(missing_ok=True)


def q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def recognise(path: Path, format_name: str | None = None) -> tuple[SourceFile, Format]:
    """Inspect a file and settle its format (detected, or the one asked for) — cheap: no row is parsed yet."""
    src = inspect(path, header_score)
    fmt = get_format(format_name) if format_name else detect(str(path), src.headers)
    missing = fmt.missing(src.headers)
    if missing:
        raise MissingColumns(
            file=str(path),
            format=fmt.name,
            missing=[f.name for f in missing],
            accepted={f.name: list(f.headers) for f in missing},
            found=[h for h in src.headers if h],
        )
    return src, fmt


def stage_file(
    path: Path,
    workdir: Path,
    *,
    store_id: str | None = None,
    format_name: str | None = None,
    tz: str | None = None,
    progress: Progress | None = None,
    recognised: tuple[SourceFile, Format] | None = None,
) -> Batch:
    src, fmt = recognised or recognise(path, format_name)
    workdir.mkdir(parents=True, exist_ok=True)
    scratch = workdir / f"stage-{os.getpid()}-{uuid.uuid4().hex[:8]}.duckdb"
    con = duckdb.connect(str(scratch))
    try:
        con.execute(f"SET temp_directory = {lit(str(workdir))}")
        con.execute(f"SET memory_limit = {lit(os.environ.get('SHOPOPS_STAGE_MEMORY', '1GB'))}")
        con.execute("SET preserve_insertion_order = false")
        con.execute("SET enable_progress_bar = false")  # DuckDB's bar writes to stdout, into `--json` output
        install_macros(con)
        return _run(con, src, fmt, workdir, store_id, tz or fmt.tz, progress)
    finally:
        con.close()
        for leftover in (scratch, scratch.with_suffix(".duckdb.wal")):
            leftover.unlink(missing_ok=True)


def _run(
    con: duckdb.DuckDBPyConnection,
    src: SourceFile,
    fmt: Format,
    workdir: Path,
    store_id: str | None,
    tz: str,
    progress: Progress | None,
) -> Batch:
    found = fmt.match(src.headers)
    columns = {i: src.headers[i] for i in found.values()}
    rows_read, problems = load_raw(con, src, columns, workdir, progress)
    if columns:  # rows whose every used cell is blank (spreadsheet padding) carry nothing
        con.execute("DELETE FROM raw WHERE " + " AND ".join(f"so_clean({raw_column(i)}) IS NULL" for i in columns))
    checks = _Checks(file=str(src.path))
    for p in problems:
        checks.add(p)

    select = ["_row"]
    for f in fmt.fields:
        if f.name in found:
            col = raw_column(found[f.name])
            expr = parse_expr(f.type, col, date1904=src.date1904, tz=tz)
            select.append(f"{expr} AS {q(f.name)}")
            header = src.headers[found[f.name]]
            if f.type != "text":
                checks.query(
                    con,
                    f"SELECT _row, {col} FROM raw WHERE so_clean({col}) IS NOT NULL AND {expr} IS NULL",
                    column=header,
                    expected=EXPECTED[f.type],
                )
            if f.required:
                checks.query(
                    con,
                    f"SELECT _row, {col} FROM raw WHERE so_clean({col}) IS NULL",
                    column=header,
                    expected="a value is required here",
                )
        else:
            select.append(f"CAST(NULL AS {_sql_type(f.type)}) AS {q(f.name)}")
    con.execute("CREATE TABLE src AS SELECT " + ", ".join(select) + " FROM raw")
    con.execute("DROP TABLE raw")

    staged_sql = {}
    for table_name, sql in fmt.outputs.items():
        table = get_table(table_name)
        staged_sql[table_name] = _canonical_select(con, fmt, table, sql, store_id)
        con.execute(f"CREATE TABLE {q('out_' + table_name)} AS {staged_sql[table_name]}")
        _check_table(
            con,
            checks,
            table,
            header_of={n: src.headers[i] for n, i in found.items()},
            checked={f.name for f in fmt.fields if f.required},
        )
    checks.raise_if_any()

    staged: list[StagedTable] = []
    for table_name in fmt.outputs:
        table = get_table(table_name)
        # The PID in every scratch name lets a later run sweep what a killed one left (Workspace._sweep).
        out = workdir / f"stage-{os.getpid()}-{src.sha256[:16]}-{table_name}-{uuid.uuid4().hex[:8]}.parquet"
        cols = ", ".join(q(c) for c in table.column_names)
        con.execute(f"COPY (SELECT {cols} FROM {q('out_' + table_name)}) TO {lit(str(out))} (FORMAT parquet)")
        n = con.execute(f"SELECT count(*) FROM {q('out_' + table_name)}").fetchall()[0][0]
        staged.append(StagedTable(table_name, out, n))
    stores = con.execute(
        " UNION ".join(f"SELECT DISTINCT store_id FROM {q('out_' + t)}" for t in fmt.outputs)
    ).fetchall()
    store = store_id or (stores[0][0] if len(stores) == 1 else DEFAULT_STORE)
    return Batch(source=src, format=fmt.name, store_id=store, rows_read=rows_read, tables=tuple(staged))


def _sql_type(type_: str) -> str:
    from shopops.schema import SQL_TYPES

    return SQL_TYPES[type_]  # type: ignore[index]


def _canonical_select(con: duckdb.DuckDBPyConnection, fmt: Format, table: Table, sql: str, store_id: str | None) -> str:
    """Wrap a format's output query so it yields exactly the table's columns, typed, with keys filled in."""
    produced = list(con.sql(f"SELECT * FROM ({sql}) LIMIT 0").columns)
    unknown = [c for c in produced if c != "_row" and c not in table.by_name]
    if unknown:
        raise ValueError(f"format {fmt.name}: output for {table.name} has unknown columns {unknown}")
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
    if table.synthetic is None:
        return typed
    return _with_synthetic_key(table, typed)


def _with_synthetic_key(table: Table, typed: str) -> str:
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


def _check_table(
    con: duckdb.DuckDBPyConnection, checks: _Checks, table: Table, header_of: dict[str, str], checked: set[str]
) -> None:
    """Required values, ranges and key uniqueness on a canonical output. ``checked`` columns were already
    required at the field level (a value that failed to parse is reported there, not twice)."""
    name = q("out_" + table.name)
    for col in table.columns:
        label = header_of.get(col.name, f"{col.name} ({table.name})")
        if (col.required or (col.name in table.key and col.type != "text")) and col.name not in checked:
            checks.query(
                con,
                f"SELECT _row, NULL FROM {name} WHERE {q(col.name)} IS NULL",
                column=label,
                expected=f"{table.name}.{col.name} is required",
            )
        if col.minimum is not None:
            checks.query(
                con,
                f"SELECT _row, CAST({q(col.name)} AS VARCHAR) FROM {name} WHERE {q(col.name)} < {col.minimum}",
                column=label,
                expected=f"{table.name}.{col.name} must be ≥ {col.minimum:g}",
            )
        if col.maximum is not None:
            checks.query(
                con,
                f"SELECT _row, CAST({q(col.name)} AS VARCHAR) FROM {name} WHERE {q(col.name)} > {col.maximum}",
                column=label,
                expected=f"{table.name}.{col.name} must be ≤ {col.maximum:g}"
                + (" (write 65% or 0.65)" if col.type == "rate" else ""),
            )
    keys = ", ".join(q(k) for k in table.key)
    dupes = con.execute(
        f"SELECT list(_row ORDER BY _row)[1:5], {keys}, count(*) FROM {name} GROUP BY ALL HAVING count(*) > 1 "
        f"ORDER BY 1 LIMIT {EXAMPLES_PER_CHECK}"
    ).fetchall()
    total = con.execute(f"SELECT count(*) FROM (SELECT 1 FROM {name} GROUP BY {keys} HAVING count(*) > 1)").fetchall()[
        0
    ][0]
    for rows, *key_values, n in dupes:
        shown = ", ".join(f"{k}={v}" for k, v in zip(table.key[1:], key_values[1:], strict=True))
        checks.add(
            Problem(
                row=rows[0],
                column=None,
                value=shown,
                expected=f"one {table.name} row per key, found {n} (rows {', '.join(map(str, rows))})",
            )
        )
    checks.extra += max(0, total - len(dupes))


class _Checks:
    """Collects problems (a bounded sample of each kind plus exact counts)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.extra = 0

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def query(self, con: duckdb.DuckDBPyConnection, sql: str, *, column: str, expected: str) -> None:
        count = con.execute(f"SELECT count(*) FROM ({sql})").fetchall()[0][0]
        if not count:
            return
        for row, value in con.execute(f"{sql} ORDER BY 1 LIMIT {EXAMPLES_PER_CHECK}").fetchall():
            self.problems.append(Problem(row=row, column=column, value=value, expected=expected))
        self.extra += max(0, count - EXAMPLES_PER_CHECK)

    def raise_if_any(self) -> None:
        if self.problems:
            self.problems.sort(key=lambda p: (p.row is None, p.row or 0))
            raise ValidationFailed(file=self.file, problems=self.problems, count=len(self.problems) + self.extra)
