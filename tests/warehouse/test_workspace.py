"""The workspace: its schema, the ledger, kept raw files, and one writer at a time."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from shopops.schema import TABLES
from shopops.warehouse import Workspace, import_file
from testpaths import ROOT

SHOPOPS = ROOT / ".venv" / "bin" / "shopops"
TRAFFIC = '统计日期,流量来源,访客数,支付金额\n2024-06-18,手淘搜索,3120,"15,234.60"\n2024-06-18,直通车,1480,5820.00\n'


def test_fresh_workspace_has_every_table_and_an_empty_ledger(workspace):
    for name, table in TABLES.items():
        cols = [
            r[0]
            for r in workspace.con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                [name],
            ).fetchall()
        ]
        assert cols == [*table.column_names, "_import_id"]
    assert workspace.con.execute("SELECT count(*) FROM _imports").fetchall() == [(0,)]
    assert {p.name for p in workspace.root.iterdir()} >= {"shopops.duckdb", "raw", "tmp"}


def test_ledger_and_raw_copy(workspace, tmp_path):
    path = tmp_path / "流量.csv"
    path.write_text(TRAFFIC, encoding="utf-8")
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    result = import_file(workspace, path)
    assert (result.status, result.sha256, result.rows_read) == ("imported", sha, 2)

    ledger = workspace.con.execute(
        "SELECT import_id, sha256, file_name, format, store_id, rows_read, rows_by_table, raw_path FROM _imports"
    ).fetchall()
    ((import_id, got_sha, name, fmt, store, rows, by_table, raw_path),) = ledger
    assert (import_id, got_sha, name, fmt, store, rows) == (
        result.import_id,
        sha,
        "流量.csv",
        result.format,
        "default",
        2,
    )
    assert json.loads(by_table) == {"traffic_daily": 2}

    raw = Path(raw_path)
    assert raw.parent == workspace.raw_dir and raw.name == f"{sha}.csv"
    assert raw.read_bytes() == path.read_bytes()
    assert raw.stat().st_mode & 0o222 == 0  # kept read-only

    # Every row records which import wrote it; the same file again keeps one raw copy and one ledger row.
    assert workspace.con.execute("SELECT DISTINCT _import_id FROM traffic_daily").fetchall() == [(import_id,)]
    assert import_file(workspace, path).status == "unchanged"
    assert len(list(workspace.raw_dir.iterdir())) == 1
    assert workspace.con.execute("SELECT count(*) FROM _imports").fetchall() == [(1,)]
    assert workspace.con.execute("SELECT sum(paid_amount) FROM traffic_daily").fetchall() == [(Decimal("21054.60"),)]


def test_columns_added_to_the_catalog_appear_on_open(tmp_path):
    root = tmp_path / "ws"
    with Workspace(root) as ws:
        ws.con.execute('ALTER TABLE traffic_daily DROP COLUMN "cost"')  # a workspace made before "cost" existed
    with Workspace(root) as ws:
        cols = {r[0] for r in ws.con.execute("DESCRIBE traffic_daily").fetchall()}
    assert "cost" in cols


def test_status_without_workspace_says_so(tmp_path, cli):
    code, stdout, stderr = cli("--workspace", tmp_path / "nowhere", "status")
    assert code == 2
    assert (
        stderr.strip()
        == f"error: no workspace at {tmp_path / 'nowhere'}: import a file first (shopops import FILE) or pass --workspace DIR"
    )
    assert not (tmp_path / "nowhere").exists()


# ------------------------------------------------------------------------------------------ one writer


@pytest.fixture
def holder(tmp_path):
    """Another process holding the workspace open read-write (as a long import would)."""
    root = tmp_path / "ws"
    code = (
        "import sys, time\n"
        "from shopops.warehouse import Workspace\n"
        "ws = Workspace(sys.argv[1])\n"
        "print('ready', flush=True)\n"
        "time.sleep(120)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(root)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        yield root, proc.pid
    finally:
        proc.kill()
        proc.wait(timeout=30)


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(SHOPOPS), *args], capture_output=True, text=True, timeout=120)


def test_busy_workspace_names_the_holder(holder, tmp_path):
    root, pid = holder
    export = tmp_path / "traffic.csv"
    export.write_text(TRAFFIC, encoding="utf-8")
    expected = f"workspace busy (held by PID {pid})"

    for args in (("status",), ("import", str(export))):
        done = _run("--workspace", str(root), *args)
        assert done.returncode == 3, done.stderr
        assert "Traceback" not in done.stdout + done.stderr
        lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1 and expected in lines[0], done.stderr

    done = _run("--workspace", str(root), "status", "--json")
    assert done.returncode == 3
    payload = json.loads(done.stdout)
    assert payload["ok"] is False
    assert payload["error"]["type"] == "WorkspaceBusy" and str(payload["error"]["pid"]) == str(pid)


def test_workspace_is_free_again_after_the_holder_ends(holder, tmp_path):
    root, pid = holder
    export = tmp_path / "traffic.csv"
    export.write_text(TRAFFIC, encoding="utf-8")
    assert _run("--workspace", str(root), "import", str(export)).returncode == 3
    os.kill(pid, 9)
    deadline = time.monotonic() + 30
    while True:
        done = _run("--workspace", str(root), "status", "--json")
        if done.returncode != 3 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["imports"] == []  # the refused import left nothing behind
    assert _run("--workspace", str(root), "import", str(export)).returncode == 0


def test_scratch_of_stopped_imports_is_swept_on_open(tmp_path):
    root = tmp_path / "ws"
    Workspace(root).close()
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead, alive = int(ended.stdout), os.getpid()
    names = {
        "tmp": [
            f"stage-{dead}-ab12cd34.duckdb",
            f"stage-{dead}-ab12cd34.duckdb.wal",
            f"utf8-{dead}-x1.csv",
            f"stage-{dead}-0123456789abcdef-orders-1a2b3c4d.parquet",
            f"stage-{alive}-ef56ab78.duckdb",
            "notes.txt",
        ],
        "raw": [f"{'0' * 64}.csv.{dead}.part", f"{'1' * 64}.csv.{alive}.part", f"{'2' * 64}.csv"],
    }
    for folder, files in names.items():
        for name in files:
            (root / folder / name).write_bytes(b"x")
    Workspace(root).close()
    assert sorted(p.name for p in (root / "tmp").iterdir()) == sorted([f"stage-{alive}-ef56ab78.duckdb", "notes.txt"])
    assert sorted(p.name for p in (root / "raw").iterdir()) == sorted(
        [f"{'1' * 64}.csv.{alive}.part", f"{'2' * 64}.csv"]
    )
