"""The command line's edges: version, help, formats, status, several files at once, messages in zh."""

from __future__ import annotations

import hashlib
import json
import subprocess
from decimal import Decimal

from shopops import __version__
from shopops.schema import TABLES
from testpaths import ROOT

SHOPOPS = ROOT / ".venv" / "bin" / "shopops"
ORDERS = (
    "订单编号,创建时间,实付金额,订单状态\n"
    '3912884512093301,2024-06-18 00:03:12,"¥1,438.00",交易成功\n'
    "3912884512093302,2024/6/18 09:15:30,169,交易成功\n"
    "3912884512093303,2024-06-18 21:47:09,85.5,交易关闭\n"
)


def test_version_and_help():
    done = subprocess.run([str(SHOPOPS), "version"], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout.strip()) == (0, __version__)
    done = subprocess.run([str(SHOPOPS), "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    for command in ("import", "status", "formats", "version"):
        assert f" {command} " in done.stdout


def test_formats_json_lists_every_canonical_table_with_its_columns(cli):
    code, stdout, _ = cli("formats", "--json")
    assert code == 0
    listed = {f["name"]: f for f in json.loads(stdout)}
    for name, table in TABLES.items():
        fmt = listed[f"canonical:{name}"]
        assert fmt["tables"] == [name]
        assert [f["name"] for f in fmt["fields"]] == list(table.column_names)
        required = {f["name"] for f in fmt["fields"] if f["required"]}
        assert {c.name for c in table.columns if c.required} <= required


def test_formats_shows_one_format_in_full(cli):
    code, stdout, _ = cli("formats", "canonical:orders")
    assert code == 0
    for header in ("订单编号", "order_id", "实付金额", "paid_amount"):
        assert header in stdout


def test_unknown_format_lists_valid_ones(cli):
    code, stdout, stderr = cli("formats", "nosuch")
    assert code == 2
    assert stderr.startswith("error: unknown format 'nosuch'; valid formats: ")
    assert "canonical:orders" in stderr and "Traceback" not in stdout + stderr


def test_import_then_status_json(cli, tmp_path):
    export = tmp_path / "订单.csv"
    export.write_text(ORDERS, encoding="utf-8")
    ws = tmp_path / "ws"
    code, stdout, stderr = cli("--workspace", ws, "import", "--store", "tmall_flagship", "--json", export)
    assert code == 0, stderr
    (result,) = json.loads(stdout)
    assert result["ok"] and result["format"] == "canonical:orders" and result["store_id"] == "tmall_flagship"
    assert result["rows_by_table"] == {"orders": 3}

    code, stdout, _ = cli("--workspace", ws, "status", "--json")
    assert code == 0
    status = json.loads(stdout)
    assert status["tables"]["orders"] == {"tmall_flagship": 3}
    assert status["tables"]["stores"] == {"tmall_flagship": 1}  # a store row appears on first import
    (entry,) = status["imports"]
    assert entry["sha256"] == hashlib.sha256(export.read_bytes()).hexdigest()
    assert (entry["file_name"], entry["rows_read"]) == ("订单.csv", 3)

    from shopops.warehouse import Workspace

    with Workspace(ws, create=False, read_only=True) as w:
        total = w.con.execute("SELECT sum(paid_amount) FROM orders").fetchall()[0][0]
    assert total == Decimal("1438.00") + Decimal("169") + Decimal("85.5")


def test_status_table_output(cli, tmp_path):
    export = tmp_path / "orders.csv"
    export.write_text(ORDERS, encoding="utf-8")
    ws = tmp_path / "ws"
    assert cli("--workspace", ws, "import", export)[0] == 0
    code, stdout, _ = cli("--workspace", ws, "status")
    assert code == 0
    assert "orders" in stdout and "订单" in stdout and "orders.csv" in stdout


def test_several_files_each_on_its_own(cli, tmp_path):
    good = tmp_path / "orders.csv"
    good.write_text(ORDERS, encoding="utf-8")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    ws = tmp_path / "ws"
    code, stdout, stderr = cli("--workspace", ws, "import", empty, good)
    assert code == 2  # one file failed
    assert [ln for ln in stderr.splitlines() if ln.strip()] == [f"error: {empty}: the file is empty (0 bytes)"]
    assert "✓ orders.csv: imported as #1" in stdout  # the good one still went in
    code, stdout, _ = cli("--workspace", ws, "status", "--json")
    assert json.loads(stdout)["tables"]["orders"] == {"default": 3}


def test_messages_in_chinese(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("SHOPOPS_LANG", "en")  # --lang sets it for the process; restored after the test
    empty = tmp_path / "空.csv"
    empty.write_bytes(b"")
    code, _, stderr = cli("--lang", "zh", "--workspace", tmp_path / "ws", "import", empty)
    assert code == 2
    assert stderr.strip() == f"error: {empty}:文件为空(0 字节)"


def test_no_arguments_shows_help_not_a_traceback():
    done = subprocess.run([str(SHOPOPS)], capture_output=True, text=True, timeout=60)
    assert "Usage: shopops" in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
