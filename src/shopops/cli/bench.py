"""``shopops bench``: import and report speed against DuckDB, hand-written SQL, pandas and polars (see bench/)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from shopops.cli import app, err, out

RESULTS = Path("bench") / "results.md"


@app.command()
def bench(
    quick: Annotated[bool, typer.Option("--quick", help="1 M session rows only (a few minutes).")] = False,
    rows: Annotated[
        list[int] | None,
        typer.Option("--rows", help="Session rows a year to measure at, repeatable (default: 1 M and 10 M)."),
    ] = None,
    huge: Annotated[bool, typer.Option("--100m", help="Also measure at 100 M session rows (an hour or more).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as one JSON object.")] = False,
    results: Annotated[
        Path | None, typer.Option("--results", help="Where to write the Markdown results (default: bench/results.md).")
    ] = RESULTS,
    workdir: Annotated[Path | None, typer.Option("--workdir", help="Keep the generated data here.")] = None,
) -> None:
    """Benchmark the import and the morning report against DuckDB, hand-written SQL, pandas and polars."""
    from shopops.bench.run import FULL_SIZES, QUICK_SIZES, BenchConfig, results_markdown, run

    sizes = tuple(rows) if rows else QUICK_SIZES if quick else FULL_SIZES
    if huge:
        sizes = (*sizes, 100_000_000)
    cfg = BenchConfig(sizes=tuple(sorted(set(sizes))), workdir=workdir, keep=workdir is not None)
    result = run(cfg, say=(lambda line: err.print(line, soft_wrap=True, markup=False)))
    if results is not None:
        results.parent.mkdir(parents=True, exist_ok=True)
        results.write_text(results_markdown(result), encoding="utf-8")
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2, default=str))
        return
    out.print(results_markdown(result), markup=False, highlight=False)
