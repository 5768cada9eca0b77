"""Run the benchmark: simulate, import against DuckDB's raw reader, report against its baselines, write results.

Per size (session rows a year): the import and the raw baseline alternate, each in a fresh process, and each
side keeps its best run (load on the shared machine only ever slows a run down). The last import's workspace
receives the rest of the shop's files and serves the report measurements; a 30-day shop at the same daily volume
serves the history comparison, its reports interleaved with the year's in one process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from shopops.bench.data import MONTH, STORE, YEAR, fill_workspace, make_shop
from shopops.bench.machine import Machine, describe

QUICK_SIZES = (1_000_000,)
FULL_SIZES = (1_000_000, 10_000_000)
GOALS = {  # the targets: (direction, value)
    "import_vs_raw": (">=", 0.7),
    "report_vs_sql": ("<=", 1.3),
    "pandas_vs_report": (">=", 5.0),
    "history_365_vs_30": ("<=", 1.3),
}


@dataclass(frozen=True)
class BenchConfig:
    sizes: tuple[int, ...] = QUICK_SIZES
    import_runs: int = 3  # per side, alternating
    report_rounds: int = 15
    frame_rounds: int = 3  # pandas and polars take seconds a run at 10 M rows
    workdir: Path | None = None  # default: a temporary folder, removed afterwards
    keep: bool = False
    paths: tuple[str, ...] = field(default=("report", "sql", "sql_base", "pandas", "polars"))


def step(name: str, **args: Any) -> dict[str, Any]:
    """Run one measurement in its own process (see steps.py)."""
    proc = subprocess.run(
        [sys.executable, "-m", "shopops.bench.steps", name, json.dumps(args, default=str)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    if proc.returncode != 0:
        raise RuntimeError(f"bench step {name} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure_size(rows: int, cfg: BenchConfig, work: Path, say: Callable[[str], None]) -> dict[str, Any]:
    start = time.perf_counter()
    shop = make_shop(work / "year", rows, YEAR)
    files = [str(shop.folder / f.file) for f in shop.sessions]
    session_rows = sum(f.rows for f in shop.sessions)
    say(f"{session_rows:,} session rows simulated in {time.perf_counter() - start:.0f} s")

    raw, imported, workspace = [], [], work / "ws-year"
    for i in range(cfg.import_runs):
        db = work / f"raw-{i}.duckdb"
        raw.append(step("raw_import", files=files, db=str(db)))
        db.unlink(missing_ok=True)
        shutil.rmtree(workspace, ignore_errors=True)
        imported.append(step("shopops_import", files=files, workspace=str(workspace)))
        assert imported[-1]["rows"] == raw[-1]["rows"] == session_rows, (imported[-1], raw[-1], session_rows)
        if imported[-1]["route"] != "direct":
            raise RuntimeError(f"the import was handed on to staging: {imported[-1]['handed']}")
    best_raw = min(r["seconds"] for r in raw)
    best_import = min(r["seconds"] for r in imported)
    say(f"import {session_rows / best_import:,.0f} rows/s, raw read_csv {session_rows / best_raw:,.0f} rows/s")

    # The rest of the shop joins the last import's sessions; a month of the same shop for the history comparison.
    filled = fill_workspace(_without_sessions(shop), workspace)
    month = make_shop(work / "month", rows, MONTH)
    fill_workspace(month, work / "ws-month")
    day = shop.end.isoformat()

    core = [p for p in cfg.paths if p in ("report", "sql", "sql_base")]
    timed = step("reports", workspace=str(workspace), day=day, store=STORE, rounds=cfg.report_rounds, paths=core)
    frames = {
        p: step("reports", workspace=str(workspace), day=day, store=STORE, rounds=cfg.frame_rounds, paths=[p])
        for p in cfg.paths
        if p in ("pandas", "polars")
    }
    for p, result in frames.items():
        if result["report_json"] != timed["report_json"]:
            raise AssertionError(f"{p} and shopops disagree across processes")
        timed["paths"][p] = result["paths"][p]
    history = step("history", year=str(workspace), month=str(work / "ws-month"), day=day, store=STORE, rounds=cfg.report_rounds)  # fmt: skip
    ms = {p: r["median_ms"] for p, r in timed["paths"].items()}
    say("report " + ", ".join(f"{p} {v:.1f} ms" for p, v in ms.items()))
    return {
        "session_rows": session_rows,
        "import": {
            "rows_per_s": session_rows / best_import,
            "raw_rows_per_s": session_rows / best_raw,
            "seconds": [r["seconds"] for r in imported],
            "raw_seconds": [r["seconds"] for r in raw],
            "peak_rss_mb": max(r["peak_rss_mb"] for r in imported),
            "raw_peak_rss_mb": max(r["peak_rss_mb"] for r in raw),
            "other_files_s": sum(filled.values()),
        },
        "report_ms": ms,
        "report_first_ms": {p: r["first_ms"] for p, r in timed["paths"].items()},
        "frame_load_s": {p: r["load_s"] for p, r in timed["paths"].items() if r["load_s"]},
        "report_peak_rss_mb": timed["peak_rss_mb"],
        "frame_peak_rss_mb": {p: r["peak_rss_mb"] for p, r in frames.items()},
        "history_ms": {"365": history["year_ms"], "30": history["month_ms"]},
        "ratios": {
            "import_vs_raw": best_raw / best_import,
            "report_vs_sql": ms["report"] / ms["sql"] if "sql" in ms else None,
            "report_vs_sql_base": ms["report"] / ms["sql_base"] if "sql_base" in ms else None,
            "pandas_vs_report": ms["pandas"] / ms["report"] if "pandas" in ms else None,
            "polars_vs_report": ms["polars"] / ms["report"] if "polars" in ms else None,
            "history_365_vs_30": history["year_ms"] / history["month_ms"],
        },
    }


def _without_sessions(shop):  # type: ignore[no-untyped-def]
    return replace(shop, files=tuple(f for f in shop.files if f.table != "sessions"))


def run(cfg: BenchConfig, say: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    machine = describe()
    say(machine.line())
    if machine.polars is None and "polars" in cfg.paths:
        say("polars is not installed (pip install 'shopops[bench]'): its comparison is left out")
        cfg = replace(cfg, paths=tuple(p for p in cfg.paths if p != "polars"))
    work = cfg.workdir or Path(tempfile.mkdtemp(prefix="shopops-bench-"))
    runs = []
    try:
        for rows in cfg.sizes:
            say(f"== {rows:,} session rows ==")
            folder = work / f"rows-{rows}"
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            runs.append({"rows": rows, **measure_size(rows, cfg, folder, say)})
    finally:
        if not cfg.keep and cfg.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    largest = runs[-1]
    summary = {k: largest["ratios"][k] for k in largest["ratios"]}
    peak = max(max(r["import"]["peak_rss_mb"], r["report_peak_rss_mb"]) for r in runs)
    return {**summary, "peak_rss_mb": peak, "goals": _goals(summary), "machine": machine.to_dict(), "runs": runs}


def _goals(summary: dict[str, Any]) -> dict[str, bool | None]:
    out = {}
    for key, (op, goal) in GOALS.items():
        v = summary.get(key)
        out[key] = None if v is None else (v >= goal if op == ">=" else v <= goal)
    return out


# ------------------------------------------------------------------------------------------ results.md


def results_markdown(result: dict[str, Any], machine: Machine | None = None) -> str:
    m = result["machine"]
    load = " / ".join(f"{x:.1f}" for x in m["load_average"])
    lines = [
        "# shopops bench — results",
        "",
        "Written by `shopops bench` (code in `src/shopops/bench/`); rerun it to refresh this file. Every ratio is",
        "measured in one run against its baseline on the same machine, both sides alternating; times are medians",
        "(the import: best of its runs).",
        "",
        "## Machine",
        "",
        f"- {m['cpus']} CPUs, {m['cpu_model']}, {m['memory_gb']:.0f} GB RAM, {m['system']}",
        f"- load average at start: {load} (a shared, loaded machine: absolute times are noisy, ratios less so)",
        f"- Python {m['python']}, DuckDB {m['duckdb']}, pandas {m['pandas']}, polars {m['polars'] or '—'}",
        "",
        "## What is measured",
        "",
        "- **The shop**: the simulator's clean year of one store ending 2025-10-14, at the given number of",
        "  visitor-level session rows, imported without a traffic_daily export — every traffic number comes from",
        "  the sessions (shopops: through the rollups the import keeps; the baselines: from the rows).",
        "- **Import**: `shopops import` of the sessions CSV into a new workspace (inspect, parse and check every value",
        "  while DuckDB reads the file straight into the table inside the merge transaction, merge on the natural key,",
        "  maintain the rollups, keep the raw file, commit) against DuckDB's `read_csv` + `INSERT` of the same file into",
        "  the same typed table; each in a fresh process, timed from opening the database to closing it. Beyond the",
        "  baseline's one pass, shopops hashes the file (SHA-256: the ledger's identity of an import), holds every",
        "  cell to its own rules (text it would trim or read as an empty marker, whole numbers, values out of range:",
        "  any such cell sends the file to a pass that parses every cell itself), proves the new rows' keys unique,",
        "  refreshes the rollups and copies the file into the workspace's raw store.",
        "- **Morning report** (`report daily`, compared with the day before): shopops' `build_daily_report` against a",
        "  hand-written DuckDB SQL that produces every number the report shows — all catalog KPIs for both days, GMV,",
        "  visitors and buyers over the pacing history, the funnel by source, products and keywords, target and",
        "  campaigns — over the same tables (`sql`) and over the base tables alone (`sql_base`); and against pandas",
        "  and polars computing the same from the base tables held in memory. Every path's report is checked equal to",
        "  shopops' (as JSON) before its time counts; the paths run interleaved, 1 warm-up then N rounds.",
        "- **History**: the same report on a year of data and on a 30-day shop of the same daily volume.",
        "- **Memory**: each measured process's peak RSS as the kernel counts it (`ru_maxrss`).",
        "",
        "## Summary (largest size)",
        "",
        "| measure | value | goal | met |",
        "|---|---:|---:|:---:|",
    ]
    for key, (op, goal) in GOALS.items():
        v = result.get(key)
        met = result["goals"].get(key)
        lines.append(f"| `{key}` | {_fmt(v)} | {op} {goal} | {'yes' if met else 'no' if met is not None else '—'} |")
    lines.append(f"| `peak_rss_mb` | {result['peak_rss_mb']:,.0f} | | |")
    for run in result["runs"]:
        r, imp, ms = run["ratios"], run["import"], run["report_ms"]
        lines += [
            "",
            f"## {run['session_rows']:,} session rows (a year of one shop)",
            "",
            "| import | rows/s | best s | peak RSS MB |",
            "|---|---:|---:|---:|",
            f"| shopops import | {imp['rows_per_s']:,.0f} | {min(imp['seconds']):.1f} | {imp['peak_rss_mb']:,.0f} |",
            f"| DuckDB read_csv + INSERT | {imp['raw_rows_per_s']:,.0f} | {min(imp['raw_seconds']):.1f} | {imp['raw_peak_rss_mb']:,.0f} |",  # noqa: E501
            "",
            f"`import_vs_raw` = {_fmt(r['import_vs_raw'])}",
            "",
            "| morning report | median ms | ratio |",
            "|---|---:|---:|",
        ]
        labels = {
            "report": "shopops report (metric layer, rollups)",
            "sql": "hand-written SQL, same tables (`report_vs_sql`)",
            "sql_base": "hand-written SQL, base tables only",
            "pandas": "pandas, base tables in memory (`pandas_vs_report`)",
            "polars": "polars, base tables in memory (`polars_vs_report`)",
        }
        for path, value in ms.items():
            ratio = {
                "sql": r["report_vs_sql"],
                "sql_base": r["report_vs_sql_base"],
                "pandas": r["pandas_vs_report"],
                "polars": r["polars_vs_report"],
            }.get(path)  # noqa: E501
            lines.append(f"| {labels[path]} | {value:.1f} | {_fmt(ratio) if ratio else ''} |")
        hist = run["history_ms"]
        lines += [
            "",
            f"History: the report on 365 days {hist['365']:.1f} ms, on 30 days {hist['30']:.1f} ms → "
            f"`history_365_vs_30` = {_fmt(r['history_365_vs_30'])}. Report process peak RSS "
            f"{run['report_peak_rss_mb']:,.0f} MB; pandas/polars "
            + ", ".join(f"{p} {v:,.0f} MB" for p, v in run["frame_peak_rss_mb"].items())
            + "; loading their tables "
            + ", ".join(f"{p} {v:.1f} s" for p, v in run["frame_load_s"].items())
            + " (not in their times).",
        ]
    return "\n".join(lines) + "\n"


def _fmt(v: float | None) -> str:
    return "—" if v is None else f"{v:.2f}"
