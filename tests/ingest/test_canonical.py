"""Every canonical table has a committed sample that auto-detects as ``canonical:<table>`` and reads back exactly.

The expected rows come from the csv module and plain Python conversions (Decimal, date.fromisoformat …), not from
shopops. Parametrised over TABLES, so a table added to the schema without a sample fails here.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from shopops.schema import TABLES, Column, Table
from shopops.warehouse import Workspace
from testpaths import FIXTURES

SAMPLES = FIXTURES / "formats" / "canonical"
YES = {"true", "1", "是", "yes", "y"}
NO = {"false", "0", "否", "no", "n"}


def convert(col: Column, text: str):
    """A sample cell as the value it means, by hand (samples are written in plain canonical spellings)."""
    text = text.strip()
    if text == "":
        return None
    match col.type:
        case "text":
            return text
        case "int":
            return int(text)
        case "money":
            return Decimal(text).quantize(Decimal("0.01"))
        case "number":
            return float(text)
        case "rate":
            return float(text[:-1]) / 100 if text.endswith("%") else float(text)
        case "date":
            return dt.date.fromisoformat(text)
        case "timestamp":
            return dt.datetime.fromisoformat(text)
        case "bool":
            assert text.lower() in YES | NO, text
            return text.lower() in YES
    raise AssertionError(col.type)


def expected_rows(table: Table, path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    # Samples are headed by column names or their zh labels, spelled exactly.
    by_header = {h: c for c in table.columns for h in (c.name, c.zh)}
    unknown = [h for h in header if h not in by_header]
    assert not unknown, f"{path.name}: headers {unknown} are not column names or zh labels of {table.name}"
    out = []
    for cells in body:
        assert len(cells) == len(header), f"{path.name}: ragged row {cells}"
        given = {by_header[h].name: convert(by_header[h], v) for h, v in zip(header, cells, strict=True)}
        row = {c.name: given.get(c.name) for c in table.columns}
        row["store_id"] = row["store_id"] or "default"
        out.append(row)
    return out


def _sort_key(row: dict) -> tuple:
    return tuple((v is None, str(v)) for v in row.values())


@pytest.mark.parametrize("name", sorted(TABLES))
def test_sample_detects_and_reads_back(name, tmp_path, cli):
    table = TABLES[name]
    sample = SAMPLES / f"{name}.csv"
    assert sample.is_file(), f"table {name} has no canonical sample at {sample}"
    expected = expected_rows(table, sample)
    assert 3 <= len(expected) <= 20, "a handful of realistic rows"

    code, stdout, stderr = cli("--workspace", tmp_path / "ws", "import", "--json", sample)
    assert code == 0, stderr
    (result,) = json.loads(stdout)
    assert result["ok"] and result["format"] == f"canonical:{name}"
    assert result["rows_read"] == len(expected)
    assert result["rows_by_table"] == {name: len(expected)}

    with Workspace(tmp_path / "ws", create=False, read_only=True) as ws:
        cols = ", ".join(f'"{c}"' for c in table.column_names)
        got_rows = ws.con.execute(f'SELECT {cols} FROM "{name}"').fetchall()
    got = [dict(zip(table.column_names, r, strict=True)) for r in got_rows]

    synthetic = table.synthetic.column if table.synthetic else None
    if synthetic and all(r[synthetic] is None for r in expected):
        # No id in the file: each row gets one, distinct even for two identical rows.
        ids = [r.pop(synthetic) for r in got]
        assert None not in ids and len(set(ids)) == len(ids)
        for r in expected:
            r.pop(synthetic)
        assert Counter(map(_sort_key, got)) == Counter(map(_sort_key, expected))
    else:
        assert sorted(got, key=_sort_key) == sorted(expected, key=_sort_key)

    for col in table.columns:  # totals to the cent, as the operator would check them in a spreadsheet
        if col.type == "money":
            want = sum((r[col.name] for r in expected if r[col.name] is not None), Decimal(0))
            assert sum((r[col.name] for r in got if r[col.name] is not None), Decimal(0)) == want


def test_samples_cover_every_table_and_nothing_else():
    assert {p.stem for p in SAMPLES.glob("*.csv")} == set(TABLES)


def test_sessions_sample_keeps_identical_rows():
    # Two genuinely identical sessions in the sample: both must survive the synthetic key.
    rows = expected_rows(TABLES["sessions"], SAMPLES / "sessions.csv")
    assert max(Counter(map(_sort_key, rows)).values()) >= 2
