"""The morning report at 1 M and 20 M visitor-level session rows, against hand-written SQL, pandas and polars.

    .venv/bin/python bench/morning_report.py                 # 1 M and 20 M session rows
    .venv/bin/python bench/morning_report.py --rows 1000000  # one size

A thin front of ``shopops bench`` (src/shopops/bench/): the same simulated shop, the same baselines — the
hand-written SQL computes every number the report shows (all catalog KPIs for the day and its comparison, the
decomposition by source, the pacing history, the movers), and each baseline's report is checked equal to shopops'
before its time counts. Results go to bench/results.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from shopops.bench.run import BenchConfig, results_markdown, run

RESULTS = Path(__file__).resolve().parent / "results.md"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="*", default=[1_000_000, 20_000_000])
    args = parser.parse_args()
    result = run(BenchConfig(sizes=tuple(args.rows)), say=print)
    RESULTS.write_text(results_markdown(result), encoding="utf-8")
    print(results_markdown(result))


if __name__ == "__main__":
    main()
