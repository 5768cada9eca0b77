"""Import a 5 M-row export and report speed and peak memory against a raw DuckDB load of the same file.

    .venv/bin/python bench/import_memory.py            # 5,000,000 rows (about 400 MB of CSV in $TMPDIR)
    .venv/bin/python bench/import_memory.py --rows 200000

Both runs are subprocesses; the peak RSS of each process tree is sampled every 20 ms with psutil. The baseline is
DuckDB's own ``read_csv`` + ``INSERT`` into a typed table: what any import costs before checking a single value.
Exits 1 when the import's peak RSS reaches the 2 GB target.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import psutil

ROOT = Path(__file__).resolve().parent.parent
SHOPOPS = ROOT / ".venv" / "bin" / "shopops"
TARGET_MB = 2048
POLL_S = 0.02

BASELINE = """
import sys, duckdb
con = duckdb.connect(sys.argv[2])
con.execute('SET enable_progress_bar = false')
con.execute('''CREATE TABLE order_lines (store_id VARCHAR, order_id VARCHAR, line_no VARCHAR, sku VARCHAR,
    title VARCHAR, quantity BIGINT, unit_price DECIMAL(18,2), amount DECIMAL(18,2), discount DECIMAL(18,2),
    postage DECIMAL(18,2), refund DECIMAL(18,2), seller_id VARCHAR)''')
con.execute("INSERT INTO order_lines BY NAME SELECT * FROM read_csv(?, header = true)", [sys.argv[1]])
print(con.execute("SELECT count(*) FROM order_lines").fetchall()[0][0])
con.close()
"""


def generate(path: Path, rows: int) -> None:
    """Order lines as a shop back office writes them: three lines per order, amounts to the cent."""
    con = duckdb.connect()
    con.execute(
        f"""COPY (
            SELECT 'O' || lpad(CAST(i // 3 AS VARCHAR), 9, '0') AS order_id,
                   CAST(i % 3 + 1 AS VARCHAR) AS line_no,
                   'SKU' || lpad(CAST(hash(i) % 5000 AS VARCHAR), 5, '0') AS sku,
                   '商品 ' || CAST(hash(i) % 5000 AS VARCHAR) || ' 轻量防泼水冲锋衣' AS title,
                   1 + hash(i * 7) % 5 AS quantity,
                   CAST((100 + hash(i * 13) % 99900) / 100 AS DECIMAL(18,2)) AS unit_price,
                   CAST((1 + hash(i * 7) % 5) * (100 + hash(i * 13) % 99900) / 100 AS DECIMAL(18,2)) AS amount,
                   CAST(hash(i * 17) % 500 / 100 AS DECIMAL(18,2)) AS discount,
                   CAST(CASE WHEN i % 3 = 0 THEN 6 ELSE 0 END AS DECIMAL(18,2)) AS postage,
                   CAST(CASE WHEN i % 50 = 0 THEN 10 ELSE 0 END AS DECIMAL(18,2)) AS refund,
                   'seller' || CAST(i % 20 AS VARCHAR) AS seller_id
            FROM range({rows}) t(i)
        ) TO '{path}' (HEADER, DELIMITER ',')"""
    )
    con.close()


def run_sampled(cmd: list[str]) -> tuple[float, float, subprocess.CompletedProcess]:
    """Run ``cmd``; return (seconds, peak RSS of its process tree in MB, result)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    parent = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            tree = [parent, *parent.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.NoSuchProcess:
            pass
        time.sleep(POLL_S)
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - start
    return seconds, peak / 2**20, subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=5_000_000)
    ap.add_argument("--dir", type=Path, default=Path(os.environ.get("TMPDIR", tempfile.gettempdir())))
    ap.add_argument("--keep", action="store_true", help="keep the generated file and workspaces")
    args = ap.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="shopops-bench-", dir=args.dir))
    try:
        csv_path = work / "order_lines.csv"
        t = time.perf_counter()
        generate(csv_path, args.rows)
        print(
            f"generated {args.rows:,} rows, {csv_path.stat().st_size / 2**20:,.0f} MB in {time.perf_counter() - t:.1f} s"
        )

        base_s, base_mb, base = run_sampled([sys.executable, "-c", BASELINE, str(csv_path), str(work / "base.duckdb")])
        if base.returncode != 0 or int(base.stdout.strip()) != args.rows:
            print(f"baseline failed: {base.stderr}", file=sys.stderr)
            return 2

        ws = work / "ws"
        imp_s, imp_mb, imp = run_sampled([str(SHOPOPS), "--workspace", str(ws), "import", str(csv_path)])
        if imp.returncode != 0:
            print(f"import failed: {imp.stderr}", file=sys.stderr)
            return 2
        con = duckdb.connect(str(ws / "shopops.duckdb"), read_only=True)
        loaded = con.execute("SELECT count(*) FROM order_lines").fetchall()[0][0]
        con.close()
        if loaded != args.rows:
            print(f"import loaded {loaded:,} rows, expected {args.rows:,}", file=sys.stderr)
            return 2

        print(f"{'':<22}{'rows':>12}{'seconds':>10}{'rows/s':>12}{'peak RSS MB':>14}")
        print(f"{'duckdb read_csv':<22}{args.rows:>12,}{base_s:>10.1f}{args.rows / base_s:>12,.0f}{base_mb:>14,.0f}")
        print(f"{'shopops import':<22}{loaded:>12,}{imp_s:>10.1f}{loaded / imp_s:>12,.0f}{imp_mb:>14,.0f}")
        print(f"import / baseline: {imp_s / base_s:.2f}x time, {imp_mb / base_mb:.2f}x memory")
        if imp_mb >= TARGET_MB:
            print(f"FAIL: peak RSS {imp_mb:,.0f} MB is over the {TARGET_MB:,} MB target", file=sys.stderr)
            return 1
        print(f"ok: peak RSS under {TARGET_MB:,} MB")
        return 0
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
