"""Time the morning report against its baselines on one workspace, checking that all of them show the same report.

Paths: ``report`` (shopops: ``build_daily_report``), ``sql`` (hand-written SQL over the tables the report reads),
``sql_base`` (hand-written SQL over the base tables only), ``pandas`` and ``polars`` (from the base tables, loaded
into memory beforehand; the load is timed separately). Each path runs once to warm up — and its report, rendered
as JSON, must equal shopops' — then ``rounds`` times, interleaved with the other paths, so a burst of load on the
shared machine hits every path alike. The median is the path's time.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from shopops.report.daily import DailyReport, assemble, build_daily_report, to_json

PATHS = ("report", "sql", "sql_base", "pandas", "polars")


class Mismatch(AssertionError):
    """A baseline's report differs from shopops' (so its time would compare different work)."""


def _runner(name: str, con: Any, day: dt.date, store: str) -> tuple[Callable[[], DailyReport], float]:
    """A callable producing the report along ``name``, and the seconds spent preparing it (loading frames)."""
    start = time.perf_counter()
    if name == "report":
        return (lambda: build_daily_report(con, date=day, store_id=store)), 0.0
    if name in ("sql", "sql_base"):
        from shopops.bench import sql

        over: sql.Over = "rollups" if name == "sql" else "base"
        return (lambda: assemble(sql.inputs(con, day, store, over), lambda skus: sql.titles(con, store, skus))), 0.0
    if name == "pandas":
        from shopops.bench.frames import PandasShop

        shop: Any = PandasShop(con, store)
    elif name == "polars":
        from shopops.bench.frames import PolarsShop

        shop = PolarsShop(con, store)
    else:
        raise ValueError(f"unknown path {name!r}; valid: {', '.join(PATHS)}")
    return (lambda: assemble(shop.inputs(day), shop.titles)), time.perf_counter() - start


def canonical(report: DailyReport) -> str:
    return json.dumps(to_json(report), sort_keys=True, default=str)


def time_paths(workspace: Path, day: str, store: str, rounds: int, paths: list[str]) -> dict[str, Any]:
    from shopops.warehouse import Workspace

    date = dt.date.fromisoformat(day)
    with Workspace(workspace, create=False, read_only=True) as ws:
        expected = canonical(build_daily_report(ws.con, date=date, store_id=store))
        runners: dict[str, Callable[[], DailyReport]] = {}
        out: dict[str, dict[str, Any]] = {}
        for name in paths:
            run, load = _runner(name, ws.con, date, store)
            start = time.perf_counter()
            got = canonical(run())  # the first run: compiles, prepares, warms caches
            first = time.perf_counter() - start
            if got != expected:
                raise Mismatch(f"{name}: its report differs from shopops' ({_first_difference(expected, got)})")
            runners[name] = run
            out[name] = {"load_s": load, "first_ms": first * 1000, "runs_ms": []}
        for _ in range(rounds):
            for name, run in runners.items():
                start = time.perf_counter()
                run()
                out[name]["runs_ms"].append((time.perf_counter() - start) * 1000)
    for name in out:
        out[name]["median_ms"] = statistics.median(out[name]["runs_ms"])
    return {"paths": out, "report_json": expected}


def _first_difference(a: str, b: str) -> str:
    x, y = json.loads(a), json.loads(b)
    for key in x:
        if x[key] != y.get(key):
            if isinstance(x[key], dict):
                diff = [k for k in x[key] if x[key][k] != y[key].get(k)]
                return f"{key}: {[(k, x[key][k], y[key].get(k)) for k in diff[:3]]}"
            return f"{key}: {str(x[key])[:200]} vs {str(y.get(key))[:200]}"
    return "same keys, different text"


def time_history(year: Path, month: Path, day: str, store: str, rounds: int) -> dict[str, Any]:
    """The report on a year of history and on 30 days, interleaved in one process (medians in ms)."""
    from shopops.warehouse import Workspace

    date = dt.date.fromisoformat(day)
    times: dict[str, list[float]] = {"year_ms": [], "month_ms": []}
    with Workspace(year, create=False, read_only=True) as y, Workspace(month, create=False, read_only=True) as m:
        sides = {"year_ms": y.con, "month_ms": m.con}
        for con in sides.values():
            build_daily_report(con, date=date, store_id=store)  # warm up
        for _ in range(rounds):
            for name, con in sides.items():
                start = time.perf_counter()
                build_daily_report(con, date=date, store_id=store)
                times[name].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(values) for name, values in times.items()}
