"""The DuckDB workspace's direct route (a CSV read straight into its table inside the merge transaction) changes
nothing but speed: every table, rollup and ledger row is what staging the same files gives; a file the direct route
cannot vouch for is refused with the staged route's message and leaves nothing behind; a file whose first block is
UTF-8 but whose later bytes are GB18030 is still read as GB18030.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from shopops.errors import ShopopsError
from shopops.ingest import fast, recognise
from shopops.ingest.formats import formats
from shopops.schema import TABLES
from shopops.warehouse import Workspace, import_file, importer
from shopops.warehouse.rollups import ROLLUPS
from testpaths import FIXTURES

SAMPLES = sorted({(f.name, f.sample) for f in formats().values() if f.sample})


def _state(root: Path) -> dict[str, object]:
    """Every canonical table and rollup, sorted, and the ledger without its clock and folder."""
    with Workspace(root) as ws:
        rows = lambda sql: sorted(ws.con.execute(sql).fetchall(), key=repr)  # noqa: E731
        state: dict[str, object] = {name: rows(f'SELECT * EXCLUDE (_import_id) FROM "{name}"') for name in TABLES}
        state |= {name: rows(f'SELECT * FROM "{name}"') for name in ROLLUPS}
        state["_imports"] = rows(
            "SELECT import_id, sha256, file_name, format, store_id, rows_read, rows_by_table FROM _imports"
        )
        state["raw"] = sorted(p.name for p in ws.raw_dir.iterdir()) if ws.raw_dir.is_dir() else []
    return state


def _import(root: Path, paths: list[Path], *, direct: bool, **options) -> list[str]:
    """Import the files in order; what each import came to (its status, or the refusal's text)."""
    outcomes = []
    with Workspace(root) as ws:
        for path in paths:
            try:
                outcomes.append(import_file(ws, path, direct=direct, **options).status)
            except ShopopsError as exc:
                outcomes.append(str(exc))
    return outcomes


@pytest.fixture
def staged_calls(monkeypatch) -> list[Path]:
    """The files the importer handed to staging (the direct route hands over none it takes)."""
    calls: list[Path] = []
    real = importer.stage_file

    def spy(path, *args, **kwargs):
        calls.append(Path(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(importer, "stage_file", spy)
    return calls


@pytest.mark.parametrize(("name", "sample"), SAMPLES, ids=[n for n, _ in SAMPLES])
def test_every_sample_lands_the_same_on_both_routes(tmp_path, staged_calls, caplog, name, sample):
    path = FIXTURES / "formats" / sample
    caplog.set_level(logging.INFO, logger="shopops.warehouse.direct")
    assert _import(tmp_path / "direct", [path, path], direct=True, format_name=name) == ["imported", "unchanged"]
    src, fmt = recognise(path, name)
    if fast.streamable(src, fmt) and fast.NEEDS_IDS not in caplog.text:
        assert staged_calls == []  # taken straight in
    else:  # several outputs, rows in file order, or ids to number over the whole file: staged
        assert staged_calls == [path]
    assert _import(tmp_path / "staged", [path], direct=False, format_name=name) == ["imported"]
    assert _state(tmp_path / "direct") == _state(tmp_path / "staged")


def _sessions(path: Path, rows: range, *, views: int = 3) -> Path:
    lines = ["store_id,session_id,date,source,page_views"]
    lines += [f"s1,S{i},2025-10-{1 + i % 28:02d},{['直通车', '手淘搜索'][i % 2]},{views + i % 4}" for i in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_overlapping_export_replaces_the_same_rows_on_both_routes(tmp_path, staged_calls):
    """Later exports that share keys with earlier ones (values changed) and add new ones; forced re-imports."""
    files = [
        _sessions(tmp_path / "a.csv", range(0, 600)),
        _sessions(tmp_path / "b.csv", range(400, 1000), views=7),
        _sessions(tmp_path / "c.csv", range(900, 1200), views=1),
    ]
    for route, direct in (("direct", True), ("staged", False)):
        assert _import(tmp_path / route, files, direct=direct) == ["imported"] * 3
        assert _import(tmp_path / route, files[:1], direct=direct, force=True) == ["imported"]
        assert len(staged_calls) == (0 if direct else 4)
    direct, staged = _state(tmp_path / "direct"), _state(tmp_path / "staged")
    assert direct == staged
    assert len(direct["sessions"]) == 1200  # type: ignore[arg-type]


def test_text_to_clean_after_the_first_block_starts_the_pass_again_and_lands_the_same(tmp_path, staged_calls, caplog):
    """Text is kept as read under a check; a cell that needs trimming or is an empty marker, far into the file,
    stops that pass and the next one cleans every cell — still straight into the table, as staging would land it."""
    path = _sessions(tmp_path / "s.csv", range(0, 6000))
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1 + 5000] = lines[1 + 5000].replace("s1,", " s1 ,", 1)
    lines[1 + 5500] = lines[1 + 5500].replace("直通车", "直通车\u3000")
    lines[1 + 5501] = lines[1 + 5501].replace("手淘搜索", "N/A")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    caplog.set_level(logging.INFO, logger="shopops.ingest.fast")
    assert _import(tmp_path / "direct", [path], direct=True) == ["imported"]
    assert staged_calls == [] and fast.CLEAN in caplog.text
    assert _import(tmp_path / "staged", [path], direct=False) == ["imported"]
    direct, staged = _state(tmp_path / "direct"), _state(tmp_path / "staged")
    assert direct == staged
    landed = {r[1]: (r[0], r[4]) for r in direct["sessions"]}  # type: ignore[union-attr]
    assert (landed["S5000"], landed["S5500"], landed["S5501"]) == (("s1", "直通车"), ("s1", "直通车"), ("s1", None))


BAD = {
    "duplicate key": "order_id,line_no,sku\nO1,1,a\nO2,1,b\nO1,1,c\n",
    "bad number": "order_id,line_no,quantity\nO1,1,2\nO2,1,two\n",
    "missing required": "order_id,line_no,quantity\nO1,1,2\n,2,1\n",
    "out of range": "order_id,line_no,refund\nO1,1,-3\n",
    "ragged row": "order_id,line_no,sku\nO1,1,a\nO2,1\n",
}


@pytest.mark.parametrize("text", BAD.values(), ids=BAD.keys())
def test_a_refused_file_gets_the_staged_message_and_leaves_nothing(tmp_path, text):
    good = tmp_path / "good.csv"
    good.write_text("order_id,line_no,sku\nO9,1,z\n", encoding="utf-8")
    bad = tmp_path / "order_lines.csv"
    bad.write_text(text, encoding="utf-8")
    options = {"format_name": "canonical:order_lines", "store_id": "s1"}
    outcomes = {}
    for route, direct in (("direct", True), ("staged", False)):
        _import(tmp_path / route, [good], direct=direct, **options)
        before = _state(tmp_path / route)
        outcomes[route] = _import(tmp_path / route, [bad], direct=direct, **options)
        assert _state(tmp_path / route) == before  # nothing written, no raw copy kept
    assert outcomes["direct"] == outcomes["staged"]
    assert "order_lines.csv" in outcomes["direct"][0]


def test_gb18030_past_the_first_block_is_still_read_as_gb18030(tmp_path, staged_calls):
    """Only the first 256 KB are decoded before importing: the rest is proven by DuckDB (which stops on a byte that
    is not UTF-8) or by staging, which then finds the file's encoding."""
    path = tmp_path / "sessions.csv"
    head = "".join(f"s1,S{i},2025-10-01,direct,1\n" for i in range(20_000)).encode()
    assert len(head) > 256 * 1024
    tail = "s1,S-last,2025-10-02,直通车,2\n".encode("gb18030")
    path.write_bytes(b"store_id,session_id,date,source,page_views\n" + head + tail)
    src, _ = recognise(path, "canonical:sessions", prove_encoding=False)
    assert (src.encoding, src.encoding_proven) == ("utf-8", False)

    assert _import(tmp_path / "ws", [path], direct=True) == ["imported"]
    assert staged_calls == [path]  # DuckDB stopped at the GB18030 bytes; staging proved the encoding
    with Workspace(tmp_path / "ws") as ws:
        rows = ws.con.execute("SELECT count(*), max(source) FILTER (session_id = 'S-last') FROM sessions").fetchall()
    assert rows == [(20_001, "直通车")]


def test_the_file_hashed_while_read_is_kept_once_under_its_sha256(tmp_path):
    """The direct route hashes (and copies) the file on a thread while DuckDB reads it: the ledger and the raw store
    get the file's real SHA-256, no partial copy is left, and the same bytes again are "unchanged"."""
    import hashlib
    import shutil

    path = _sessions(tmp_path / "a.csv", range(0, 3000))
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    again = tmp_path / "same bytes, other name.csv"
    shutil.copyfile(path, again)
    with Workspace(tmp_path / "ws") as ws:
        first = import_file(ws, path)
        second = import_file(ws, again)
        ledger = ws.con.execute("SELECT sha256 FROM _imports").fetchall()
        kept = sorted(p.name for p in ws.raw_dir.iterdir())
    assert (first.status, first.sha256) == ("imported", sha)
    assert (second.status, second.import_id) == ("unchanged", first.import_id)
    assert ledger == [(sha,)] and kept == [f"{sha}.csv"]
