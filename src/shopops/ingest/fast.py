"""The fast staging route: DuckDB reads the CSV in parallel, each value is parsed once, rows stream to parquet.

One pass per output table: ``read_csv`` (the file's own delimiter, strict about the number of fields; numbers,
dates and yes/no parsed by the reader itself, the rest as text) → blank rows dropped → each used cell parsed by
``fast_parse_expr``, text cells kept as read where nothing needs cleaning (``Reading``) → the format's output
query → the canonical SELECT → ``COPY … TO parquet``. Every field and row check the reference route runs is folded
into that pass as a condition that raises (``error()``): a bad value, a missing required value, a number out of
range. So the pass either writes exactly what the reference route would stage, or stops at the first problem —
and then the reference route stages the file again to report every problem with its row number. Key uniqueness
needs the whole file: one count of distinct key hashes over the parquet's key columns afterwards. The rows read are
what DuckDB's profiler counted in that same pass, so no second pass over the file counts them. DuckDB also refuses
a value that is not UTF-8, which is how a file whose encoding was only checked on its first block (``SourceFile``)
is proven.

The DuckDB workspace runs the same guarded SELECT straight into its table instead of to parquet
(``warehouse/direct.py``): ``readable``, ``open_src`` and ``guarded_select`` are the pieces both share.

Workbooks (calamine hands rows to Python anyway) and files whose header line DuckDB does not find where the
inspection found it go to the reference route directly. Two kinds of file read a materialised ``src`` table (in
file order, its ``rowid`` as ``_row``) instead of streaming: a format that needs rows in file order
(``arg_min(…, _row)``) or fills several tables, so the file is parsed once, not once per output; and a file where
some synthetic id (e.g. an order line number) is missing, numbered from the whole table — the streamed pass stops
on the first such row.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb

from shopops.ingest.batch import Batch, StagedTable, staged_path
from shopops.ingest.fastparse import as_read_expr, fast_clean_expr, fast_parse_expr, last_char_expr, surely_not_blank
from shopops.ingest.formats import Format
from shopops.ingest.normalise import install_macros
from shopops.ingest.outputs import DEFAULT_STORE, canonical_select, lit, q, row_rules, sql_type
from shopops.ingest.read import Progress, raw_column, transcode
from shopops.ingest.source import SourceFile
from shopops.schema import get_table

log = logging.getLogger(__name__)

STOP = "shopops:stop"  # error() text: a check fired; the reference route takes over
NEEDS_IDS = "shopops:needs-ids"  # error() text: a synthetic id is missing; stage from a materialised src
CLEAN = "shopops:clean-text"  # error() text: a text cell kept as read needs so_clean; start again cleaning text
# How DuckDB reports a stopped pass: our own error() and CSV errors (ragged rows, bad quoting, huge lines).
STOPPED = (duckdb.InvalidInputException, duckdb.ConversionException, duckdb.OutOfRangeException)
# `_row` outside a leading "SELECT _row," / "SELECT *" means the output depends on file order.
_LEADING_ROW = re.compile(r"^\s*SELECT\s+(\*|_row\s*,)", re.IGNORECASE)
_SRC = re.compile(r"\bsrc\b")
# The IN-list rewrite turns each `x IN (…markers…)` of the macros into a join over every row, even where a CASE
# would evaluate it for a few: it more than tripled the fast route's parse.
DISABLED_OPTIMIZERS = "in_clause"


def eligible(src: SourceFile) -> bool:
    return src.kind == "csv"


@contextmanager
def tuned(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """The macros and planner settings the route's statements need, on a connection that outlives them."""
    install_macros(con)
    con.execute(f"SET disabled_optimizers = {lit(DISABLED_OPTIMIZERS)}")
    try:
        yield
    finally:
        con.execute("RESET disabled_optimizers")
        con.execute("RESET enable_profiling")


def stage(
    con: duckdb.DuckDBPyConnection,
    src: SourceFile,
    fmt: Format,
    workdir: Path,
    store_id: str | None,
    tz: str,
    progress: Progress | None,
) -> Batch | None:
    """Stage ``src`` on the fast route, or return ``None`` when the reference route must."""
    with readable(con, src, fmt, workdir) as reading:
        if reading is None:
            return None
        materialise = not streamable(src, fmt)
        while True:
            written: list[Path] = []
            try:
                with polling(con, src.size, progress):
                    return _stage(con, src, fmt, workdir, store_id, tz, reading, materialise, written)
            except STOPPED as exc:
                for leftover in written:  # a pass stopped half-way leaves a partial parquet
                    leftover.unlink(missing_ok=True)
                _reset(con)
                if needs_ids(exc) and not materialise:
                    materialise = True
                    continue
                again = start_again(reading, exc)
                if again is not None:
                    reading = again
                    continue
                log.info("%s: fast route stopped (%s); staging on the reference route", src.name, first_line(exc))
                return None


def streamable(src: SourceFile, fmt: Format) -> bool:
    """One output table that does not depend on file order: the file can stream straight into it."""
    return eligible(src) and len(fmt.outputs) == 1 and not any(_needs_order(sql) for sql in fmt.outputs.values())


def needs_ids(exc: Exception) -> bool:
    return NEEDS_IDS in str(exc)


# Types DuckDB's CSV reader parses exactly as the so_* macros do, for every text it accepts (a property test holds
# it to that, through ``native_value``); a cell it cannot read stops the pass, which then parses every cell itself.
# Numbers it reads may be inf or NaN, which the macros refuse. Integers are read as decimals of the scale so_int
# rounds at (a BIGINT column would round '1.5' and read '0x1F'), then must be whole; 8 integer digits keep them in
# 64 bits (a larger count sends the pass back to parsing text). Not text (trimming, empty markers) nor times (zones).
NATIVE = {
    "number": "DOUBLE",
    "rate": "DOUBLE",
    "money": "DECIMAL(18,2)",
    "date": "DATE",
    "bool": "BOOLEAN",
    "int": "DECIMAL(18,10)",
}


def native_value(type_: str, raw: str) -> str:
    """The value of a cell the reader parsed as ``NATIVE[type_]``; the pass stops where the macro would refuse it."""
    stop = f"error({lit(STOP)})"
    match type_:
        case "number" | "rate":
            return f"CASE WHEN NOT isfinite({raw}) THEN {stop} ELSE {raw} END"
        case "int":
            return f"CASE WHEN {raw} = trunc({raw}) THEN CAST({raw} AS BIGINT) ELSE {stop} END"
    return raw


@dataclass(frozen=True)
class Reading:
    """How DuckDB reads a file: where (a UTF-8 copy for GB18030), which columns its CSV reader parses itself
    (``native``: column index → type) (its own parser does less per cell than SQL over text), and whether text
    cells are cleaned one by one (``clean_text``) or kept as read under a check that stops the pass where
    ``so_clean`` would change one (``CLEAN``): most exports have nothing to trim."""

    src: SourceFile
    path: Path
    native: Mapping[int, str]
    clean_text: bool = False

    def sql(self) -> str:
        return _reader(self.src, self.path, types=self.native)

    def plain(self) -> Reading:
        """Every column as text, every cell parsed and cleaned by shopops."""
        return replace(self, native={}, clean_text=True)


def start_again(reading: Reading, exc: Exception) -> Reading | None:
    """The reading to run the pass again with when it stopped on one of the shortcuts above — DuckDB's reader
    refused a cell of a column it parses itself, or a text cell kept as read needs cleaning — else ``None``."""
    shortcut = (reading.native and refused_by_reader(exc)) or (not reading.clean_text and CLEAN in str(exc))
    if not shortcut:
        return None
    log.info("%s: %s; the pass starts again parsing every cell", reading.src.name, first_line(exc))
    return reading.plain()


def native_types(src: SourceFile, fmt: Format) -> dict[int, str]:
    """The used columns the CSV reader can parse: each read by fields of one type it reads exactly."""
    found = fmt.match(src.headers)
    types: dict[int, set[str]] = {}
    for f in fmt.fields:
        if f.name in found:
            types.setdefault(found[f.name], set()).add(f.type)
    single = {i: next(iter(ts)) for i, ts in types.items() if len(ts) == 1}  # a column two types read stays text
    return {i: NATIVE[t] for i, t in single.items() if t in NATIVE}


def refused_by_reader(exc: Exception) -> bool:
    """DuckDB's CSV reader could not read a cell as its column's type (not a check of ours)."""
    return isinstance(exc, duckdb.ConversionException) and "converting column" in str(exc)


@contextmanager
def readable(con: duckdb.DuckDBPyConnection, src: SourceFile, fmt: Format, workdir: Path) -> Iterator[Reading | None]:
    """How DuckDB reads ``src``, or ``None`` when it would find another header line than the inspection did."""
    path = transcode(src, workdir) if src.encoding == "gb18030" else src.path
    try:
        if not _header_where_expected(con, src, path):
            log.info("%s: DuckDB finds another header line; staging on the reference route", src.name)
            yield None
        else:
            yield Reading(src, path, native_types(src, fmt))
    finally:
        if path != src.path:
            path.unlink(missing_ok=True)


def _needs_order(sql: str) -> bool:
    return "_row" in _LEADING_ROW.sub("", sql, count=1)


def first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__


def _reader(src: SourceFile, path: Path, *, skip: int | None = None, types: Mapping[int, str] | None = None) -> str:
    types = types or {}
    columns = ", ".join(f"{lit(raw_column(i))}: {lit(types.get(i, 'VARCHAR'))}" for i in range(len(src.headers)))
    compression = "gzip" if src.gzip and path == src.path else "none"
    # ISO dates only: the reader's own date parsing reads more spellings, not all of them as so_date does
    dates = ", dateformat = '%Y-%m-%d'" if "DATE" in types.values() else ""
    return (
        f"read_csv({lit(str(path))}, header = false, skip = {src.header_row + 1 if skip is None else skip}, "
        f"columns = {{{columns}}}, delim = {lit(src.delimiter)}, quote = '\"', escape = '\"', auto_detect = false, "
        f"strict_mode = true, null_padding = false, compression = {lit(compression)}{dates})"
    )


def _header_where_expected(con: duckdb.DuckDBPyConnection, src: SourceFile, path: Path) -> bool:
    """DuckDB's ``skip`` counts lines; inspection counted rows. They agree unless a title line spans lines."""
    con.execute("SET preserve_insertion_order = true")  # else LIMIT 1 may return any line the threads read first
    try:
        first = con.execute(f"SELECT * FROM {_reader(src, path, skip=src.header_row)} LIMIT 1").fetchall()
    except STOPPED:
        return False
    finally:
        con.execute("SET preserve_insertion_order = false")
    if not first:
        return False
    cells = tuple((c or "").strip().lstrip("\ufeff") for c in first[0])
    return cells == src.headers


def _stage(
    con: duckdb.DuckDBPyConnection,
    src: SourceFile,
    fmt: Format,
    workdir: Path,
    store_id: str | None,
    tz: str,
    reading: Reading,
    materialise: bool,
    written: list[Path],
) -> Batch | None:
    rows_read = open_src(con, src, fmt, tz, reading, materialise=materialise)
    staged: list[StagedTable] = []
    for table_name, sql in fmt.outputs.items():
        table = get_table(table_name)
        out = staged_path(workdir, src, table_name)
        written.append(out)
        select = guarded_select(con, fmt, table_name, store_id, numbered=materialise)
        copied, scanned = run_counted(con, f"COPY ({select}) TO {lit(str(out))} (FORMAT parquet)")
        if not materialise and reads_file_once(sql):  # streamed, src read once: this pass read the file once
            rows_read = scanned
        staged.append(StagedTable(table_name, out, copied[0][0]))
        if has_duplicate_keys(con, f"read_parquet({lit(str(out))})", table.key):
            log.info("%s: duplicate %s keys; staging on the reference route", src.name, table_name)
            for leftover in written:
                leftover.unlink(missing_ok=True)
            return None
    if rows_read is None:  # no profile to tell: count them
        rows_read = con.execute(f"SELECT count(*) FROM {reading.plain().sql()}").fetchall()[0][0]
    stores = con.execute(
        " UNION ".join(f"SELECT DISTINCT store_id FROM read_parquet({lit(str(t.path))})" for t in staged)
    ).fetchall()
    store = store_id or (stores[0][0] if len(stores) == 1 else DEFAULT_STORE)
    return Batch(src, fmt.name, store, rows_read, tuple(staged), route="fast")


def open_src(
    con: duckdb.DuckDBPyConnection, src: SourceFile, fmt: Format, tz: str, reading: Reading, *, materialise: bool
) -> int | None:
    """Define ``src``, the file's typed rows, for the format's output queries; the rows read when materialised."""
    typed = _typed_select(src, fmt, fmt.match(src.headers), tz, reading)
    if not materialise:
        con.execute(f"CREATE OR REPLACE TEMP VIEW src AS SELECT CAST(NULL AS BIGINT) AS _row, * FROM ({typed})")
        return None
    # In file order, so rowid orders rows as the file does (formats take the first value with arg_min(…, _row)).
    con.execute("SET preserve_insertion_order = true")
    _, rows_read = run_counted(con, f"CREATE TABLE src_rows AS {typed}")
    con.execute("SET preserve_insertion_order = false")
    con.execute("CREATE VIEW src AS SELECT rowid AS _row, * FROM src_rows")
    return rows_read


def guarded_select(
    con: duckdb.DuckDBPyConnection, fmt: Format, table_name: str, store_id: str | None, *, numbered: bool
) -> str:
    """The canonical rows of one output, in the table's column order, with every row rule folded in as a
    condition that raises — so a statement reading it either takes every row or stops at the first bad one."""
    table = get_table(table_name)
    select = canonical_select(con, fmt.name, table, fmt.outputs[table_name], store_id, number_ids=numbered)
    cases = [f"WHEN {r.violated} THEN error({lit(STOP)})" for r in row_rules(table)]
    if table.synthetic is not None and not numbered:
        cases.insert(0, f"WHEN {q(table.synthetic.column)} IS NULL THEN error({lit(NEEDS_IDS)})")
    guard = f"CASE {' '.join(cases)} ELSE TRUE END" if cases else "TRUE"
    cols = ", ".join(q(c) for c in table.column_names)
    return f"SELECT {cols} FROM ({select}) WHERE {guard}"


def reads_file_once(sql: str) -> bool:
    """The output query reads ``src`` once, so a streamed pass's profile counts the file's rows."""
    return len(_SRC.findall(sql)) == 1


def _typed_select(src: SourceFile, fmt: Format, found: dict[str, int], tz: str, reading: Reading) -> str:
    """Parse each used cell once; raise where the reference route would report a field problem."""
    used = sorted(set(found.values()))
    native = reading.native  # columns the CSV reader has parsed already: NULL there is a blank cell
    text = sorted({found[f.name] for f in fmt.fields if f.name in found and f.type == "text"} - set(native))
    last = {i: f"_last{i}" for i in text}  # each text cell's last character, computed once below
    as_read = set() if reading.clean_text else set(text)  # kept as read, checked below: NULL is a blank cell
    inner, outer = [], []
    for f in fmt.fields:
        if f.name not in found:
            outer.append(f"CAST(NULL AS {sql_type(f.type)}) AS {q(f.name)}")
            continue
        i = found[f.name]
        raw, parsed = raw_column(i), f"_v_{f.name}"
        if i in native:
            value = native_value(f.type, raw)
        elif f.type == "text" and i in as_read:
            value = raw
        else:
            value = fast_parse_expr(f.type, raw, date1904=src.date1904, tz=tz, last=last.get(i))
        inner.append(f"{value} AS {q(parsed)}")
        problems = []
        if f.required:
            problems.append(f"{q(parsed)} IS NULL")
        elif f.type != "text" and i not in native:  # a cell not blank must parse (text always does)
            problems.append(f"{q(parsed)} IS NULL AND {fast_clean_expr(raw)} IS NOT NULL")
        check = " OR ".join(f"({p})" for p in problems)
        value = f"CASE WHEN {check} THEN error({lit(STOP)}) ELSE {q(parsed)} END" if problems else q(parsed)
        outer.append(f"{value} AS {q(f.name)}")
    carried = ", ".join(raw_column(i) for i in used)
    lasts = ", ".join(f"{last_char_expr(raw_column(i))} AS {last[i]}" for i in text)
    cells = f"SELECT *, {lasts} FROM {reading.sql()}" if lasts else f"SELECT * FROM {reading.sql()}"
    # Rows whose every used cell is blank (spreadsheet padding) carry nothing and are dropped, as on the reference
    # route. The first cell alone almost always shows a row is not blank; OR stops at the first that is not.
    if used:
        present = [
            f"{raw_column(i)} IS NOT NULL"
            if i in native or i in as_read
            else f"{fast_clean_expr(raw_column(i), last.get(i))} IS NOT NULL"
            for i in used
        ]
        if used[0] not in native and used[0] not in as_read:
            present.insert(0, surely_not_blank(raw_column(used[0])))
        kept = " OR ".join(f"({p})" for p in present)
        dirty = [
            f"({raw_column(i)} IS NOT NULL AND NOT {as_read_expr(raw_column(i), last[i])})" for i in sorted(as_read)
        ]
        if dirty:  # a filter's own AND and OR skip the rows already settled; inside a CASE they would not
            kept = f"CASE WHEN {' OR '.join(dirty)} THEN error({lit(CLEAN)}) ELSE TRUE END AND ({kept})"
        rows = f"SELECT * FROM ({cells}) WHERE {kept}"
    else:
        rows = cells
    parsed_rows = f"SELECT {', '.join([*inner, carried]) if inner else carried} FROM ({rows})"
    return f"SELECT {', '.join(outer)} FROM ({parsed_rows})"


def run_counted(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[tuple], int | None]:
    """Run a statement that reads the file once, and how many rows it read (DuckDB's profile counts them), so the
    file is not parsed a second time just to count its rows."""
    con.execute("SET enable_profiling = 'no_output'")
    try:
        rows = con.execute(sql).fetchall()
        profile = json.loads(con.get_profiling_information(format="json"))
    finally:
        # In a transaction the failed statement aborted, settings wait for the ROLLBACK (``tuned`` resets them).
        with suppress(duckdb.TransactionException):
            con.execute("RESET enable_profiling")
    scanned = profile.get("query", {}).get("total_rows_scanned") if isinstance(profile.get("query"), dict) else None
    return rows, scanned


def has_duplicate_keys(con: duckdb.DuckDBPyConnection, relation: str, key: tuple[str, ...]) -> bool:
    """Two rows of ``relation`` share a key. Counting distinct key hashes avoids grouping by the key's text; only
    when two hashes collide is the key itself grouped (equal hashes need not be equal keys)."""
    keys = ", ".join(q(k) for k in key)
    if not con.execute(f"SELECT count(*) > count(DISTINCT hash({keys})) FROM {relation}").fetchall()[0][0]:
        return False
    sql = f"SELECT 1 FROM {relation} GROUP BY {keys} HAVING count(*) > 1 LIMIT 1"
    return bool(con.execute(sql).fetchall())


def _reset(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DROP VIEW IF EXISTS src")
    con.execute("DROP TABLE IF EXISTS src_rows")


@contextmanager
def polling(con: duckdb.DuckDBPyConnection, total: int, progress: Progress | None) -> Iterator[None]:
    """Report DuckDB's own query progress as bytes of the file (the CLI's bar counts bytes)."""
    if progress is None:
        yield
        return
    con.execute("SET enable_progress_bar = true")
    con.execute("SET enable_progress_bar_print = false")  # tracked, never printed (stdout may carry --json)
    done = threading.Event()

    def poll() -> None:
        shown = 0  # each statement counts from 0 again; the bar only moves forward
        while not done.wait(0.2):
            at = int(total * min(con.query_progress(), 100.0) / 100)
            if at > shown:
                shown = at
                progress(at, total)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()
        con.execute("SET enable_progress_bar = false")
    progress(total, total)
