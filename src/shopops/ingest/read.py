"""Stream a file's data rows into a staging table of text columns, in chunks, with row numbers.

Rows are numbered as a spreadsheet shows them (the header's line is ``header_row + 1``), so an error can say
"row 1,204" and the operator finds it. CSV goes through pyarrow's streaming reader; GBK is transcoded to UTF-8 in
Python first because neither DuckDB nor pyarrow reads it; xlsx rows come from calamine.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import gzip
import io
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv

from shopops.errors import Problem
from shopops.ingest.source import BLOCK, SourceFile, iter_xlsx_rows

Progress = Callable[[int, int], None]  # (done, total) in bytes
XLSX_CHUNK = 50_000


class _CountingReader(io.RawIOBase):
    """Reports bytes read from the file on disk, for the progress bar."""

    def __init__(self, fh: io.BufferedReader, total: int, progress: Progress | None) -> None:
        self._fh, self._total, self._progress, self._done = fh, total, progress, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        n = self._fh.readinto(buffer)
        self._done += n or 0
        if self._progress:
            self._progress(self._done, self._total)
        return n or 0


def raw_column(i: int) -> str:
    return f"c{i}"


def load_raw(
    con: duckdb.DuckDBPyConnection,
    src: SourceFile,
    columns: dict[int, str],
    tmpdir: Path,
    progress: Progress | None = None,
) -> tuple[int, list[Problem]]:
    """Create table ``raw(_row, c<i>…)`` holding the columns listed in ``columns`` (index → header).

    Returns the number of data rows and the rows that could not be split into the header's columns.
    """
    names = [raw_column(i) for i in sorted(columns)]
    con.execute("CREATE TABLE raw (_row BIGINT, " + ", ".join(f"{n} VARCHAR" for n in names) + ")")
    batches = _xlsx_batches(src, sorted(columns)) if src.kind == "xlsx" else None
    problems: list[Problem] = []
    if batches is None:
        batches = _csv_batches(src, sorted(columns), tmpdir, problems, progress)
    first_row = src.header_row + 2
    total = 0
    for batch in batches:
        n = batch.num_rows
        if n == 0:
            continue
        rows = pa.array(range(first_row + total, first_row + total + n), type=pa.int64())
        table = pa.Table.from_arrays([rows, *batch.columns], names=["_row", *names])
        con.register("_chunk", table)
        con.execute("INSERT INTO raw SELECT * FROM _chunk")
        con.unregister("_chunk")
        total += n
    if src.kind == "xlsx" and progress:
        progress(src.size, src.size)
    # Skipped ragged rows took no number; shift the rows after each so other problems name the right row.
    for ragged in sorted({p.row for p in problems if p.row is not None})[:100]:
        con.execute("UPDATE raw SET _row = _row + 1 WHERE _row >= ?", [ragged])
    return total, problems


def _csv_batches(
    src: SourceFile, wanted: list[int], tmpdir: Path, problems: list[Problem], progress: Progress | None
) -> Iterator[pa.RecordBatch]:
    all_names = [raw_column(i) for i in range(len(src.headers))]
    path, is_gzip = src.path, src.gzip
    transcoded: Path | None = None
    if src.encoding == "gb18030":
        transcoded = transcode(src, tmpdir)
        path, is_gzip = transcoded, False

    def on_invalid(row: pacsv.InvalidRow) -> str:
        # Ragged rows are reported with their text; nothing of the file will load.
        problems.append(
            Problem(
                row=(src.header_row + 1 + row.number) if row.number is not None else None,
                column=None,
                value=(row.text or "")[:120],
                expected=f"{row.expected_columns} fields like the header, found {row.actual_columns}",
                expected_zh=f"应与表头一样有 {row.expected_columns} 个字段,实际 {row.actual_columns} 个",
            )
        )
        return "skip"

    read_opts = pacsv.ReadOptions(
        column_names=all_names, skip_rows=src.header_row + 1, block_size=8 << 20, encoding="utf8"
    )
    parse_opts = pacsv.ParseOptions(delimiter=src.delimiter, newlines_in_values=True, invalid_row_handler=on_invalid)
    convert_opts = pacsv.ConvertOptions(
        column_types={n: pa.string() for n in all_names},
        include_columns=[raw_column(i) for i in wanted],
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    total = path.stat().st_size
    with open(path, "rb") as fh:
        counted = io.BufferedReader(_CountingReader(fh, total, progress), buffer_size=BLOCK)
        stream = gzip.GzipFile(fileobj=counted) if is_gzip else counted
        try:
            reader = pacsv.open_csv(
                stream, read_options=read_opts, parse_options=parse_opts, convert_options=convert_opts
            )
        except pa.ArrowInvalid as exc:
            if "Could not skip initial" not in str(exc):
                raise
            reader = iter(())  # the header is the last line and has no line break after it: no data rows
        try:
            yield from reader
            if any(p.row is None for p in problems):
                _locate_ragged(path, is_gzip, src, problems)
        finally:
            if transcoded is not None:
                transcoded.unlink(missing_ok=True)


def _locate_ragged(path: Path, is_gzip: bool, src: SourceFile, problems: list[Problem]) -> None:
    """Give ragged rows their row numbers (pyarrow knows none when values may hold newlines).

    Runs only when a file is being refused: one more pass with the csv module, matching pyarrow's reports in order.
    Rows are counted like ``load_raw`` counts them: one per non-empty record, the first data row being
    ``header_row + 2``, so every row named in one refusal uses the same numbering.
    """
    unnumbered = [i for i, p in enumerate(problems) if p.row is None]
    width = len(src.headers)
    found: list[int] = []
    opener = gzip.open if is_gzip else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as fh:  # type: ignore[operator]
            reader = csv.reader(fh, delimiter=src.delimiter)
            row = src.header_row + 1
            for record in reader:
                if reader.line_num <= src.header_row + 1 or not record:
                    continue  # title lines, the header, blank lines (pyarrow skips those too)
                row += 1
                if len(record) != width:
                    found.append(row)
                    if len(found) == len(unnumbered):
                        break
    except csv.Error:  # e.g. a field over the csv module's size limit
        return
    if len(found) != len(unnumbered):
        return  # the two parsers disagree; keep pyarrow's reports without numbers rather than guess
    for i, line in zip(unnumbered, found, strict=True):
        problems[i] = dataclasses.replace(problems[i], row=line)


def transcode(src: SourceFile, tmpdir: Path) -> Path:
    """GB18030 → UTF-8, streamed block by block (the file was already proven decodable)."""
    fd, name = tempfile.mkstemp(prefix=f"utf8-{os.getpid()}-", suffix=".csv", dir=tmpdir)
    out_path = Path(name)
    decoder = codecs.getincrementaldecoder("gb18030")()
    opener = gzip.open if src.gzip else open
    with opener(src.path, "rb") as fin, open(fd, "wb") as fout:  # type: ignore[operator]
        for block in iter(lambda: fin.read(BLOCK), b""):
            fout.write(decoder.decode(block).encode("utf-8"))
        fout.write(decoder.decode(b"", final=True).encode("utf-8"))
    return out_path


def _xlsx_batches(src: SourceFile, wanted: list[int]) -> Iterator[pa.RecordBatch]:
    buffer: list[list[str]] = [[] for _ in wanted]
    count = 0
    for row in iter_xlsx_rows(src):
        for slot, i in enumerate(wanted):
            buffer[slot].append(row[i] if i < len(row) else "")
        count += 1
        if count == XLSX_CHUNK:
            yield pa.RecordBatch.from_arrays(
                [pa.array(col, pa.string()) for col in buffer], names=[raw_column(i) for i in wanted]
            )
            buffer, count = [[] for _ in wanted], 0
    if count:
        yield pa.RecordBatch.from_arrays(
            [pa.array(col, pa.string()) for col in buffer], names=[raw_column(i) for i in wanted]
        )
