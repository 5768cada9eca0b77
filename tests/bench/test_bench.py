"""``shopops bench`` end to end on a small shop: every path's report equals shopops', and the results are written.

The run itself refuses to time a baseline whose report differs from shopops' and an import that fell back to the
reference route, so passing here means the comparisons compare the same work. No time is asserted: the machine is
shared, and the benchmark's numbers are ratios for bench/results.md, not pass/fail.
"""

from __future__ import annotations

import json

KEYS = ("import_vs_raw", "report_vs_sql", "pandas_vs_report", "history_365_vs_30", "peak_rss_mb")


def test_bench_runs_every_comparison_and_writes_results(cli, tmp_path):
    results = tmp_path / "results.md"
    code, out, err = cli("bench", "--rows", "80000", "--json", "--results", results)
    assert code == 0, err
    payload = json.loads(out)
    assert all(isinstance(payload[k], float) and payload[k] > 0 for k in KEYS), {k: payload.get(k) for k in KEYS}
    (run,) = payload["runs"]
    assert 60_000 <= run["session_rows"] <= 100_000
    assert set(run["report_ms"]) == {"report", "sql", "sql_base", "pandas", "polars"}
    assert run["import"]["rows_per_s"] > 0 and run["import"]["raw_rows_per_s"] > 0
    text = results.read_text(encoding="utf-8")
    assert payload["machine"]["cpu_model"] in text and "`import_vs_raw`" in text and "session rows" in text
