"""The fast import path changes nothing but speed.

* ``fast_parse_expr`` gives the value ``parse_expr`` gives, for values as exports write them and for arbitrary text;
* a file staged on the fast path (DuckDB's parallel CSV reader, values parsed once, checks raised in the same pass)
  stages exactly what the reference path (pyarrow reader, every check as its own query) stages — for every committed
  format sample and for generated files full of awkward cells;
* a file the reference path refuses is refused with the reference path's message (the fast path hands it over).
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_normalise import money_text

from shopops.errors import ShopopsError
from shopops.ingest import fast, stage_file
from shopops.ingest.fastparse import as_read_expr, fast_parse_expr, last_char_expr, surely_not_blank
from shopops.ingest.formats import formats
from shopops.ingest.normalise import EMPTY_MARKERS, install_macros, parse_expr
from shopops.ingest.source import SourceFile
from testpaths import FIXTURES

TYPES = ("text", "int", "money", "number", "rate", "date", "timestamp", "bool")

_con = duckdb.connect()
install_macros(_con)

TRICKY = [
    "1.5", "0x1F", "1e3", "+7", " 12 ", "\u00a012", "12\u3000", "1,000", "(12.50)", "1.2万", "12.5%", "nan", "inf",
    "-inf", "Infinity", "2025-10-14", "2025-1-5", "0000-01-01", "2025-02-30", "2025-10-14T08:30:00",
    "2025-10-14 24:00:00", "2025-10-14 23:59:60", "2025-10-14 08:30:00+08:00", "20251014", "45000", "45000.5",
    "1700000000", "true", "false", "TRUE", "是", "", " ", "\t", "-", "——", "N/A", "None", "#n/a", "9" * 19,
    "99999999999999999999.99", "12.345", "١٢", "１２", "2025/10/14", "Jun 01, 2025", "\v12", "12\r",
    # the text guard's range compares: characters beside the trimmed and marker-initial ones
    "\u00a0", "\u00a0x", "\u00a1x", "x\u00a0", "\u3000", "\u3000x", "\u3001x", "x\u3000", "!", " !", "\"x", "n",
    "N/A ", " NA", "Nan", "nA", "NONE", "—x", "——", "– ", "#", "#N/A", "/ ", "0", "x\n", "\nx", "\x1fx", "x\x1f",
]  # fmt: skip


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    return a == b and type(a) is type(b)


def _both(type_: str, values: list[str | None]) -> list[tuple]:
    fast = fast_parse_expr(type_, "x", tz="Asia/Shanghai")
    slow = parse_expr(type_, "x", tz="Asia/Shanghai")
    sql = f"SELECT x, {fast}, {slow} FROM (SELECT unnest($v) AS x, unnest(range(len($v))) AS i) ORDER BY i"
    return _con.execute(sql, {"v": values}).fetchall()


@pytest.mark.parametrize("type_", TYPES)
def test_fast_parsing_agrees_on_tricky_cells(type_):
    rows = _both(type_, [*TRICKY, *EMPTY_MARKERS, None])
    assert [r for r in rows if not _same(r[1], r[2])] == []


CELL = st.one_of(
    st.text(alphabet=st.sampled_from("0123456789-+.,:/ T年月日万%eE\u00a0\u3000$¥()xabcNn\t"), max_size=22),
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1)).map(
        lambda d: d.isoformat(sep=" ", timespec="seconds")
    ),
    st.dates().map(lambda d: d.isoformat()),
    st.integers(-(10**15), 10**15).flatmap(money_text),
    st.text(max_size=8),
)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=6).map(lambda t: t + "x"), st.text(max_size=6))
def test_a_cell_surely_not_blank_cleans_to_itself_or_longer(head, tail):
    """``surely_not_blank`` lets a row through without cleaning its first cell: so_clean must keep such a cell."""
    for cell in (head + tail, tail + head, head[::-1] + tail):
        sql = f"SELECT {surely_not_blank('x')}, so_clean(x) FROM (SELECT $v AS x)"
        sure, cleaned = _con.execute(sql, {"v": cell}).fetchall()[0]
        assert not sure or cleaned is not None, repr(cell)


def _kept_as_read(values: list[str]) -> list[tuple[str, bool, str | None]]:
    """Each cell, whether a pass keeping text as read lets it through, and what so_clean makes of it."""
    sql = (
        f"SELECT x, {as_read_expr('x', last_char_expr('x'))}, so_clean(x) "
        "FROM (SELECT unnest($v) AS x, unnest(range(len($v))) AS i) ORDER BY i"
    )
    return _con.execute(sql, {"v": values}).fetchall()


PLAIN_TEXT = ["shop1", "new", "returning", "手淘搜索", "SKU-001", "nan1", "N1", "-5", "O 4", "a—b", "x/y", "Nina"]


def test_text_kept_as_read_is_what_so_clean_makes_of_it():
    """The check a pass keeping text as read runs lets a cell through only if so_clean returns it unchanged — and
    lets plainly written cells through (else every file would be read twice)."""
    rows = _kept_as_read([*TRICKY, *EMPTY_MARKERS, *PLAIN_TEXT])
    assert [r for r in rows if r[1] and r[2] != r[0]] == []
    assert [r[0] for r in rows if r[0] in PLAIN_TEXT and not r[1]] == []


_DIRTY = st.text(alphabet=st.sampled_from("nNaAlLoe/-—#\u00a0\u3000 \t\n\r\f\vx中"), max_size=6)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(CELL, _DIRTY)))
def test_any_text_kept_as_read_is_what_so_clean_makes_of_it(values):
    assert [r for r in _kept_as_read(values) if r[1] and r[2] != r[0]] == []


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(TYPES), st.lists(CELL, min_size=1, max_size=30))
def test_fast_parsing_agrees_on_any_cell(type_, values):
    rows = _both(type_, values)
    assert [r for r in rows if not _same(r[1], r[2])] == []


def _native(type_: str, cells: list[str], folder: Path) -> list[tuple[str, object, object]]:
    """Each cell as the fast route reads a column of ``type_`` natively — DuckDB's CSV reader, then
    ``fast.native_value`` — or how that stopped, beside what the macro makes of it."""
    out = []
    for n, cell in enumerate(cells):
        path = folder / f"cell{n}.csv"
        path.write_text('h\n"' + cell.replace('"', '""') + '"\n', encoding="utf-8")
        src = SourceFile(path, path.name, path.stat().st_size, "-", "csv", False, "utf-8", ",", 0, ("h",))
        reading = fast.Reading(src, path, {0: fast.NATIVE[type_]})
        try:
            rows = _con.execute(f"SELECT {fast.native_value(type_, 'c0')} FROM {reading.sql()}").fetchall()
            got: object = rows[0][0] if rows else None
        except duckdb.Error as exc:
            assert fast.refused_by_reader(exc) or fast.STOP in str(exc), exc  # never another failure
            got = "refused" if fast.refused_by_reader(exc) else "stopped"
        want = _con.execute(f"SELECT {parse_expr(type_, '$v')}", {"v": cell}).fetchall()[0][0]
        out.append((cell, got, want))
    return out


def _agrees(got: object, want: object) -> bool:
    """The reader refused the cell (the pass starts again parsing text), or the route stopped where the macro
    refuses the cell too (inf, NaN, a fraction in a whole-number column), or it read what the macro reads."""
    if got == "refused" or (got == "stopped" and want is None):
        return True
    return _same(got, want) or (got is None and want is None)


@pytest.mark.parametrize("type_", sorted(fast.NATIVE))
def test_the_csv_reader_reads_tricky_cells_as_the_macros_do(tmp_path, type_):
    cells = [c for c in [*TRICKY, *EMPTY_MARKERS] if "\n" not in c and "\r" not in c]
    assert [r for r in _native(type_, cells, tmp_path) if not _agrees(r[1], r[2])] == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(sorted(fast.NATIVE)), st.lists(CELL, min_size=1, max_size=8))
def test_the_csv_reader_reads_any_cell_as_the_macros_do(tmp_path, type_, cells):
    cells = [c for c in cells if "\n" not in c and "\r" not in c]
    assert [r for r in _native(type_, cells, tmp_path) if not _agrees(r[1], r[2])] == []


# ------------------------------------------------------------------------------------------ whole files


def _staged(path: Path, workdir: Path, *, exact: bool, format_name: str | None = None, store: str | None = None):
    """What a file stages as (per table, its rows sorted; or the refusal's message), and the route it took."""
    try:
        batch = stage_file(path, workdir, format_name=format_name, store_id=store, exact=exact)
    except ShopopsError as exc:
        assert not list(workdir.glob("*.parquet")), "a refused file left staged parquet behind"
        return ("refused", type(exc).__name__, exc.message()), None
    try:
        con = duckdb.connect()
        out = {
            t.table: (t.rows, sorted(con.execute(f"SELECT * FROM read_parquet('{t.path}')").fetchall(), key=repr))
            for t in batch.tables
        }
        return ("staged", batch.format, batch.store_id, batch.rows_read, out), batch.route
    finally:
        batch.cleanup()


SAMPLES = sorted({(f.name, f.sample) for f in formats().values() if f.sample})


@pytest.mark.parametrize(("name", "sample"), SAMPLES, ids=[n for n, _ in SAMPLES])
def test_every_sample_stages_the_same_on_both_paths(tmp_path, name, sample):
    path = FIXTURES / "formats" / sample
    fast, route = _staged(path, tmp_path / "a", exact=False, format_name=name)
    exact, _ = _staged(path, tmp_path / "b", exact=True, format_name=name)
    assert fast == exact
    assert route == "fast"  # every sample is a clean CSV: none should need the reference route


def _cell(draw, kind: str) -> str:
    if kind == "int":
        return draw(st.sampled_from(["", "-", "7", " 12", "1,200", "3.0", "x", "1.5", "٣"]))
    if kind == "money":
        return draw(st.sampled_from(["", "12.50", "¥1,234.5", "(3.20)", "1.2万", "abc", " 0 ", "-1"]))
    text = draw(st.text(alphabet=st.sampled_from('ab c,"\n\r中-—\u3000'), max_size=6))
    return text


@st.composite
def order_line_files(draw) -> str:
    """canonical:order_lines exports with quoted commas, quotes, newlines, blank rows, bad and missing values."""
    header = "order_id,line_no,sku,title,quantity,amount,refund"
    lines = [header]
    for _ in range(draw(st.integers(0, 12))):
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(st.sampled_from(["", ",,,,,,", " , , ,,,,"])))
            continue
        cells = [
            draw(st.sampled_from(["O1", "O2", "O3", "", "O 4"])),
            draw(st.sampled_from(["1", "2", "", "3"])),
            _cell(draw, "text"),
            _cell(draw, "text"),
            _cell(draw, "int"),
            _cell(draw, "money"),
            _cell(draw, "money"),
        ]
        if draw(st.integers(0, 14)) == 0:
            cells = cells[: draw(st.integers(1, 6))]  # a ragged row
        lines.append(
            ",".join('"' + c.replace('"', '""') + '"' if any(ch in c for ch in ',"\n\r') else c for c in cells)
        )
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\r\n"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order_line_files())
def test_generated_files_stage_the_same_on_both_paths(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("gen")
    path = folder / "order_lines.csv"
    path.write_text(text, encoding="utf-8", newline="")
    fast, _ = _staged(path, folder / "a", exact=False, format_name="canonical:order_lines", store="s1")
    exact, _ = _staged(path, folder / "b", exact=True, format_name="canonical:order_lines", store="s1")
    assert fast == exact


@pytest.mark.slow
def test_a_large_clean_file_takes_the_fast_route_every_time(tmp_path):
    """35 MB read by DuckDB's parallel reader: the header check must not depend on which thread ran first (it did,
    and a clean 100 MB export silently took the ten-times-slower reference route)."""
    path = tmp_path / "sessions.csv"
    con = duckdb.connect()
    con.execute(
        f"""COPY (SELECT 's1' AS store_id, 'S' || i AS session_id, DATE '2025-01-01' + CAST(i % 90 AS INT) AS date,
                         ['直通车', '手淘搜索'][1 + i % 2] AS source, 1 + i % 5 AS page_views
                  FROM range(1000000) t(i)) TO '{path}' (HEADER)"""
    )
    from shopops.warehouse import Workspace

    with Workspace(tmp_path / "ws"):  # an open workspace in the process changed how the reader's threads ran
        for i in range(3):
            batch = stage_file(path, tmp_path / f"s{i}", format_name="canonical:sessions")
            try:
                assert batch.route == "fast" and batch.rows_read == 1_000_000 and batch.tables[0].rows == 1_000_000
            finally:
                batch.cleanup()


BAD = {
    "duplicate key": "order_id,line_no,sku\nO1,1,a\nO1,1,b\n",
    "bad number": "order_id,line_no,quantity\nO1,1,2\nO2,1,two\n",
    "missing required": "order_id,line_no,quantity\nO1,1,2\n,2,1\n",
    "out of range": "order_id,line_no,refund\nO1,1,-3\n",
    "ragged row": "order_id,line_no,sku\nO1,1,a\nO2,1\n",
}


@pytest.mark.parametrize("text", BAD.values(), ids=BAD.keys())
def test_a_refused_file_gets_the_reference_message_and_leaves_nothing(tmp_path, text):
    path = tmp_path / "order_lines.csv"
    path.write_text(text, encoding="utf-8")
    fast, route = _staged(path, tmp_path / "a", exact=False, format_name="canonical:order_lines", store="s1")
    exact, _ = _staged(path, tmp_path / "b", exact=True, format_name="canonical:order_lines", store="s1")
    assert fast == exact and fast[0] == "refused" and route is None
