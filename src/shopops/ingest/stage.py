"""The one engine that runs every format: file → typed ``src`` → canonical tables → checks → parquet ``Batch``.

Two routes, one result. The fast route (``ingest/fast.py``) lets DuckDB read a CSV in parallel, parses each value
once and streams the canonical rows to parquet, raising on the first row any check would refuse. When it cannot
vouch for a file — a check fired, a row is ragged, the file is a workbook — the reference route below stages it:
pyarrow reads every row with its spreadsheet row number into a raw text table, and every check is queried on its
own so the refusal (``ValidationFailed``) lists each bad value with row, column and what was expected. A file's
staged tables are the same on either route; tests/ingest/test_fast_path.py holds them to that.

Staging uses its own scratch DuckDB file, so a file is checked completely without holding the workspace, and a
5 M-row file never has to fit in memory. (The DuckDB workspace reads a plain CSV straight into its tables when it
can — ``warehouse/direct.py`` — and stages only what that route hands back.)
"""

from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path

import duckdb

from shopops.errors import MissingColumns, Problem, ValidationFailed
from shopops.ingest import fast
from shopops.ingest.batch import Batch, StagedTable, staged_path
from shopops.ingest.formats import Format, detect, get_format, header_score
from shopops.ingest.normalise import install_macros, parse_expr
from shopops.ingest.outputs import DEFAULT_STORE, canonical_select, lit, q, row_rules, sql_type
from shopops.ingest.read import Progress, load_raw, raw_column
from shopops.ingest.source import SourceFile, inspect
from shopops.schema import EXPECTED, EXPECTED_ZH, Table, get_table

log = logging.getLogger(__name__)

EXAMPLES_PER_CHECK = 20

__all__ = ["DEFAULT_STORE", "Batch", "StagedTable", "recognise", "stage_file"]


def recognise(
    path: Path, format_name: str | None = None, *, prove_encoding: bool = True, hashed: bool = True
) -> tuple[SourceFile, Format]:
    """Inspect a file and settle its format (detected, or the one asked for) — cheap: no row is parsed yet.

    ``prove_encoding=False``: a CSV whose first block is UTF-8 is taken as UTF-8 for now (``SourceFile``);
    ``hashed=False``: see ``inspect``."""
    src = inspect(path, header_score, prove_encoding=prove_encoding, hashed=hashed)
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
    exact: bool = False,
) -> Batch:
    """Stage a file; ``exact`` skips the fast route (the tests compare the two)."""
    src, fmt = recognised or recognise(path, format_name)
    workdir.mkdir(parents=True, exist_ok=True)
    zone = tz or fmt.tz
    if not exact and fast.eligible(src):
        batch = _in_scratch(workdir, lambda con: fast.stage(con, src, fmt, workdir, store_id, zone, progress))
        if batch is not None:
            return batch
    if not src.encoding_proven:  # the reference route decodes in Python: every byte must be proven first
        src, fmt = recognise(path, format_name)
        zone = tz or fmt.tz
    return _in_scratch(workdir, lambda con: _run(con, src, fmt, workdir, store_id, zone, progress))


def _in_scratch(workdir: Path, work):  # type: ignore[no-untyped-def]
    scratch = workdir / f"stage-{os.getpid()}-{uuid.uuid4().hex[:8]}.duckdb"
    con = duckdb.connect(str(scratch))
    try:
        con.execute(f"SET temp_directory = {lit(str(workdir))}")
        con.execute(f"SET memory_limit = {lit(os.environ.get('SHOPOPS_STAGE_MEMORY', '1GB'))}")
        con.execute("SET preserve_insertion_order = false")
        con.execute("SET enable_progress_bar = false")  # DuckDB's bar writes to stdout, into `--json` output
        con.execute(f"SET disabled_optimizers = {lit(fast.DISABLED_OPTIMIZERS)}")
        install_macros(con)
        return work(con)
    finally:
        con.close()
        for leftover in (scratch, scratch.with_suffix(".duckdb.wal")):
            leftover.unlink(missing_ok=True)


# ------------------------------------------------------------------------------------ the reference route


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
                    expected=(EXPECTED[f.type], EXPECTED_ZH[f.type]),
                )
            if f.required:
                checks.query(
                    con,
                    f"SELECT _row, {col} FROM raw WHERE so_clean({col}) IS NULL",
                    column=header,
                    expected=("a value is required here", "此处必须填写"),
                )
        else:
            select.append(f"CAST(NULL AS {sql_type(f.type)}) AS {q(f.name)}")
    con.execute("CREATE TABLE src AS SELECT " + ", ".join(select) + " FROM raw")
    con.execute("DROP TABLE raw")

    for table_name, sql in fmt.outputs.items():
        table = get_table(table_name)
        con.execute(
            f"CREATE TABLE {q('out_' + table_name)} AS "
            + canonical_select(con, fmt.name, table, sql, store_id, number_ids=True)
        )
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
        out = staged_path(workdir, src, table_name)
        cols = ", ".join(q(c) for c in table.column_names)
        con.execute(f"COPY (SELECT {cols} FROM {q('out_' + table_name)}) TO {lit(str(out))} (FORMAT parquet)")
        n = con.execute(f"SELECT count(*) FROM {q('out_' + table_name)}").fetchall()[0][0]
        staged.append(StagedTable(table_name, out, n))
    stores = con.execute(
        " UNION ".join(f"SELECT DISTINCT store_id FROM {q('out_' + t)}" for t in fmt.outputs)
    ).fetchall()
    store = store_id or (stores[0][0] if len(stores) == 1 else DEFAULT_STORE)
    return Batch(source=src, format=fmt.name, store_id=store, rows_read=rows_read, tables=tuple(staged))


def _check_table(
    con: duckdb.DuckDBPyConnection, checks: _Checks, table: Table, header_of: dict[str, str], checked: set[str]
) -> None:
    """Required values, ranges and key uniqueness on a canonical output."""
    name = q("out_" + table.name)
    for rule in row_rules(table, checked):
        value = f"CAST({q(rule.column)} AS VARCHAR)" if rule.shows_value else "NULL"
        checks.query(
            con,
            f"SELECT _row, {value} FROM {name} WHERE {rule.violated}",
            column=header_of.get(rule.column, f"{rule.column} ({table.name})"),
            expected=(rule.expected, rule.expected_zh),
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
                expected_zh=f"{table.name} 每个键只能有一行,发现 {n} 行(第 {'、'.join(map(str, rows))} 行)",
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

    def query(self, con: duckdb.DuckDBPyConnection, sql: str, *, column: str, expected: tuple[str, str]) -> None:
        """``expected``: what the cell should hold, in English and Chinese."""
        count = con.execute(f"SELECT count(*) FROM ({sql})").fetchall()[0][0]
        if not count:
            return
        en, zh = expected
        for row, value in con.execute(f"{sql} ORDER BY 1 LIMIT {EXAMPLES_PER_CHECK}").fetchall():
            self.problems.append(Problem(row=row, column=column, value=value, expected=en, expected_zh=zh))
        self.extra += max(0, count - EXAMPLES_PER_CHECK)

    def raise_if_any(self) -> None:
        if self.problems:
            self.problems.sort(key=lambda p: (p.row is None, p.row or 0))
            raise ValidationFailed(file=self.file, problems=self.problems, count=len(self.problems) + self.extra)
