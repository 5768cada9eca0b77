"""One measurement per process: ``python -m shopops.bench.steps STEP JSON-ARGS`` prints a JSON result.

Each step times its own work (not the interpreter's start-up) and reports the process's peak RSS as the kernel
counted it (``ru_maxrss``), so a step's memory is its own and sampling cannot miss a peak.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

STEPS: dict[str, Callable[..., dict[str, Any]]] = {}


def step(fn: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    STEPS[fn.__name__] = fn
    return fn


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


@step
def raw_import(files: list[str], db: str) -> dict[str, Any]:
    """The baseline: DuckDB's own CSV reader into the same typed table, committed and closed."""
    import duckdb

    from shopops.warehouse.workspace import table_ddl

    start = time.perf_counter()
    con = duckdb.connect(db)
    con.execute("SET enable_progress_bar = false")
    con.execute(table_ddl("sessions"))
    con.execute("INSERT INTO sessions BY NAME SELECT * FROM read_csv(?, header = true)", [files])
    rows = con.execute("SELECT count(*) FROM sessions").fetchall()[0][0]
    con.close()
    return {"seconds": time.perf_counter() - start, "rows": rows}


@step
def shopops_import(files: list[str], workspace: str) -> dict[str, Any]:
    """``shopops import`` of the same files into a new workspace: inspect, stage, check, merge, roll up, close."""
    import logging

    from shopops.warehouse import Workspace, import_file

    # The direct and fast routes log why they hand a file on to staging or the reference route; a benchmark of
    # those would mislead.
    handed: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: handed.append(record.getMessage())  # type: ignore[method-assign]
    for route in ("shopops.warehouse.direct", "shopops.ingest.fast"):
        logging.getLogger(route).addHandler(handler)
        logging.getLogger(route).setLevel(logging.INFO)
    start = time.perf_counter()
    with Workspace(workspace) as ws:
        for f in files:
            import_file(ws, Path(f), format_name="canonical:sessions")
        rows = ws.con.execute("SELECT count(*) FROM sessions").fetchall()[0][0]
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": rows, "route": "staged" if handed else "direct", "handed": handed}


@step
def reports(workspace: str, day: str, store: str, rounds: int, paths: list[str]) -> dict[str, Any]:
    from shopops.bench.reports import time_paths

    return time_paths(Path(workspace), day, store, rounds, paths)


@step
def history(year: str, month: str, day: str, store: str, rounds: int) -> dict[str, Any]:
    from shopops.bench.reports import time_history

    return time_history(Path(year), Path(month), day, store, rounds)


def main(argv: list[str]) -> None:
    name, args = argv[0], json.loads(argv[1])
    result = STEPS[name](**args)
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
