"""``shopops bench``: how fast shopops imports and reports, each against a baseline measured in the same run.

Simulator data at a given number of visitor-level session rows (a year of one shop) is imported, and

* the import's rows/s is compared with DuckDB's own ``read_csv`` + ``INSERT`` of the same file (``import_vs_raw``);
* the morning report is timed against a hand-written DuckDB SQL that produces the same report inputs from the same
  tables (``report_vs_sql``), against that SQL over the base tables without rollups, and against pandas and polars
  computing them from the base tables held in memory (``pandas_vs_report``, ``polars_vs_report``) — every path's
  report is checked equal to shopops' before a time is kept;
* the report on a year of history is compared with the report on 30 days (``history_365_vs_30``);
* each measured process reports its peak RSS.

Ratios, never absolute times, are the result: the machine is shared and loaded, so both sides of a ratio run
alternately in the same run. ``run.py`` orchestrates; every measurement runs in its own process (``steps.py``).
"""
