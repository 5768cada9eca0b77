"""Bad files through the real CLI: exit code 2, one clear line naming the file (and row, column, value where they
apply), never a traceback, and the workspace exactly as it was — no ledger row, no table rows, no raw file."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import xlsxwriter

from shopops.schema import TABLES
from shopops.warehouse import Workspace

GOOD = "date,source,visitors,paid_amount\n2024-06-17,手淘搜索,120,1234.50\n2024-06-17,直通车,80,99.00\n"


@dataclass(frozen=True)
class Case:
    name: str
    filename: str
    build: object  # (Path) -> None, writes the bad file
    expect: tuple[str, ...]  # fragments the one error line must contain (besides the file name)
    env: tuple[tuple[str, str], ...] = ()
    args: tuple[str, ...] = ()


def _text(content: str | bytes):
    def build(path: Path) -> None:
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))

    return build


UNDECODABLE = "date,source,visitors\n2024-06-18,手淘搜索,12\n".encode() + b"2024-06-18,\xff\xfe\xff,7\n"
BAD_BYTE = UNDECODABLE.index(b"\xff")


def _xlsx_bytes() -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("流量来源")
    rows = [["统计日期", "流量来源", "访客数"]] + [[f"2024-06-{d:02d}", "手淘搜索", d * 100] for d in range(1, 29)]
    for r, row in enumerate(rows):
        ws.write_row(r, 0, row)
    wb.close()
    return buf.getvalue()


def _truncated_xlsx(path: Path) -> None:
    whole = _xlsx_bytes()
    path.write_bytes(whole[: len(whole) // 2])


def _zip_bomb(path: Path) -> None:
    """A well-formed workbook whose one sheet unpacks to 64 MB of the same row (~200 KB on disk)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        zf.writestr(
            "xl/workbook.xml", '<?xml version="1.0"?><workbook><sheets><sheet name="s" r:id="1"/></sheets></workbook>'
        )
        row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 20_000
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
            for _ in range(64 * 2**20 // len(row) + 1):
                fh.write(row)


def _big_csv(path: Path) -> None:
    lines = [f"2024-06-18,来源{i},{i}\n" for i in range(60_000)]  # ~1.5 MB of valid rows
    path.write_text("date,source,visitors\n" + "".join(lines), encoding="utf-8")


CASES = [
    Case(
        "undecodable",
        "traffic.csv",
        _text(UNDECODABLE),
        (f"byte {BAD_BYTE}", "ff fe ff", "UTF-8", "GB18030"),
    ),
    Case(
        "missing required column",
        "traffic.csv",
        _text("date,source,page_views\n2024-06-18,手淘搜索,300\n"),
        ("canonical:traffic_daily", "visitors", "访客数"),
        args=("--format", "canonical:traffic_daily"),
    ),
    Case(
        "no format fits",
        "traffic.csv",
        _text("备注,负责人,col_x\n补单,小王,3\n"),
        ("no known format", "'备注', '负责人', 'col_x'"),
    ),
    Case(
        "duplicate headers",
        "traffic.csv",
        _text("date,source,visitors,Visitors\n2024-06-18,手淘搜索,12,13\n"),
        ("duplicate column headers", "Visitors", "row 1"),
    ),
    Case(
        "text in a numeric column",
        "traffic.csv",
        _text("date,source,visitors\n2024-06-18,手淘搜索,12\n2024-06-18,直通车,abc\n2024-06-19,直通车,7\n"),
        ("row 3", "column visitors", "'abc'", "whole number"),
    ),
    Case(
        "amount too large for money",  # once a DuckDB conversion error that aborted the import with a traceback
        "traffic.csv",
        _text("date,source,visitors,paid_amount\n2024-06-18,手淘搜索,12,99999999999999999999\n"),
        ("row 2", "column paid_amount", "'99999999999999999999'", "an amount such as"),
    ),
    Case(
        "ragged row",
        "traffic.csv",
        _text("date,source,visitors\n2024-06-18,手淘搜索,12\n2024-06-18,直通车,8\n2024-06-19,直通车,7,99\n"),
        ("row 4", "2024-06-19,直通车,7,99", "3 fields like the header, found 4"),
    ),
    Case("truncated xlsx", "traffic.xlsx", _truncated_xlsx, ("not a readable .xlsx",)),
    Case("zip bomb xlsx", "traffic.xlsx", _zip_bomb, ("unpacks to 64 MB", "zip bomb")),
    Case(
        "xlsx over the unpacked cap",
        "traffic.xlsx",
        lambda p: p.write_bytes(_xlsx_bytes()),
        ("over the cap of 0 MB",),
        env=(("SHOPOPS_MAX_XLSX_UNPACKED_MB", "0"),),
    ),
    Case("empty file", "traffic.csv", _text(b""), ("empty (0 bytes)",)),
    Case(
        "over the size cap",
        "traffic.csv",
        _big_csv,
        ("over the size cap of 1 MB",),
        env=(("SHOPOPS_MAX_FILE_MB", "1"),),
    ),
    Case("unsupported type", "traffic.json", _text('{"date": "2024-06-18"}'), ("unsupported file type '.json'",)),
]


def state(root: Path) -> dict:
    """Everything an import could change: ledger, row counts, raw files, leftovers in tmp/."""
    with Workspace(root, create=False, read_only=True) as ws:
        ledger = ws.con.execute("SELECT import_id, sha256 FROM _imports ORDER BY 1").fetchall()
        counts = {n: ws.con.execute(f'SELECT count(*) FROM "{n}"').fetchall()[0][0] for n in TABLES}
    return {
        "ledger": ledger,
        "counts": counts,
        "raw": sorted(p.name for p in (root / "raw").iterdir()),
        "tmp": sorted(p.name for p in (root / "tmp").iterdir()),
    }


@pytest.fixture
def seeded(tmp_path, cli) -> Path:
    """A workspace that already holds one good import."""
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    root = tmp_path / "ws"
    code, _, err = cli("--workspace", root, "import", good)
    assert code == 0, err
    return root


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_file_is_refused_cleanly(case, seeded, tmp_path, cli, monkeypatch):
    for key, value in case.env:
        monkeypatch.setenv(key, value)
    bad = tmp_path / "exports" / case.filename
    bad.parent.mkdir()
    case.build(bad)
    before = state(seeded)
    assert before["counts"]["traffic_daily"] == 2 and len(before["ledger"]) == 1

    code, stdout, stderr = cli("--workspace", seeded, "import", *case.args, bad)

    assert code == 2
    assert "Traceback" not in stdout + stderr
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: ") and str(bad) in lines[0]
    for fragment in case.expect:
        assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"
    assert "✓" not in stdout
    assert state(seeded) == before


def test_json_error_payload(seeded, tmp_path, cli):
    bad = tmp_path / "traffic.csv"
    bad.write_text("date,source,visitors\n2024-06-18,手淘搜索,12\n2024-06-18,直通车,abc\n", encoding="utf-8")
    before = state(seeded)
    code, stdout, stderr = cli("--workspace", seeded, "import", "--json", bad)
    assert code == 2
    assert "Traceback" not in stdout + stderr
    (result,) = json.loads(stdout)  # one entry per file given
    assert result["ok"] is False and result["file"] == str(bad)
    error = result["error"]
    assert error["type"] == "ValidationFailed" and error["file"] == str(bad) and error["count"] == 1
    assert error["problems"] == [
        {"row": 3, "column": "visitors", "value": "abc", "expected": "a whole number such as 1,234"}
    ]
    assert state(seeded) == before


def test_every_problem_is_collected_before_refusing(seeded, tmp_path, cli):
    # Lazy validation: three bad cells in different rows and columns, one refusal that counts them all.
    bad = tmp_path / "traffic.csv"
    bad.write_text(
        "date,source,visitors,bounce_rate\n"
        "2024-06-18,手淘搜索,12,0.5\n"
        "2024-13-01,直通车,8,0.4\n"
        "2024-06-19,直通车,-,1.7\n"
        "2024-06-19,猜你喜欢,x9,0.2\n",
        encoding="utf-8",
    )
    before = state(seeded)
    code, stdout, stderr = cli("--workspace", seeded, "import", "--json", bad)
    assert code == 2
    problems = json.loads(stdout)[0]["error"]["problems"]
    found = {(p["row"], p["column"], p["value"]) for p in problems}
    assert found == {(3, "date", "2024-13-01"), (4, "visitors", "-"), (4, "bounce_rate", "1.7"), (5, "visitors", "x9")}
    assert state(seeded) == before


def test_rows_after_a_ragged_row_keep_their_numbers(seeded, tmp_path, cli):
    lines = [
        "date,source,visitors",
        "2024-06-18,手淘搜索,12",
        "2024-06-18,直通车,8,extra",  # ragged: line 3
        "2024-06-19,直通车,7",
        "2024-06-19,猜你喜欢,lots",  # bad number: line 5, whatever the skipped row above
    ]
    bad = tmp_path / "traffic.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, stdout, _ = cli("--workspace", seeded, "import", "--json", bad)
    assert code == 2
    problems = json.loads(stdout)[0]["error"]["problems"]
    assert [(p["row"], p["value"]) for p in problems] == [(3, lines[2]), (5, "lots")]
    assert lines.index("2024-06-19,猜你喜欢,lots") + 1 == 5


def test_problems_are_told_in_chinese_too(seeded, tmp_path, cli, monkeypatch):
    """SHOPOPS_LANG=zh (and the zh dashboard) get every part of a refusal in Chinese: where, and what was expected."""
    bad = tmp_path / "traffic.csv"
    bad.write_text(
        "date,source,visitors,bounce_rate\n2024-06-18,手淘搜索,12,0.5\n2024-06-19,直通车,x9,1.7\n,猜你喜欢,3,0.1\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("SHOPOPS_LANG", "zh")
    code, _, stderr = cli("--workspace", seeded, "import", bad)
    assert code == 2
    for part in ("发现 3 处问题", "第 3 行", "列 visitors", "整数", "应 ≤ 1", "第 4 行", "必须填写"):
        assert part in stderr, (part, stderr)
    assert "row " not in stderr and "expected" not in stderr
