"""``shopops demo``: simulate a 90-day shop with two causes planted near the end, import it, report the last day.

The files go to ``<workspace>/demo-input/`` and are imported like any export. Re-running with the same settings
writes byte-identical files, which the import ledger recognises, so nothing is duplicated. Re-running with other
settings (another seed or date) first removes the demo store's rows — the demo owns its store ids (``demo1`` …) and
nothing else — so two different demo shops never mix.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from shopops.schema import TABLES
from shopops.simulate.config import DEFAULT_END, ScenarioRequest, SimConfig
from shopops.simulate.plan import rng_for, store_ids
from shopops.simulate.run import MANIFEST, SimResult, simulate
from shopops.simulate.scenarios import SCENARIOS

if TYPE_CHECKING:
    import duckdb

    from shopops.warehouse import Workspace

log = logging.getLogger(__name__)

DEMO_SEED = 2034  # plants a hero stockout and a burst of bad reviews: both show in the morning report
DEMO_DAYS = 90
DEMO_PREFIX = "demo"
DEMO_DIR = "demo-input"
COMPARE = "same_weekday"  # the report's day against the same weekday a week earlier, before the causes began


@dataclass(frozen=True)
class DemoResult:
    sim: SimResult
    imported: int  # files merged now
    unchanged: int  # files the ledger already had
    rows: int
    reset: bool  # the demo store's rows were removed first (other settings than last time)
    seconds: float


def demo_config(
    end: date = DEFAULT_END, seed: int = DEMO_SEED, scenarios: tuple[ScenarioRequest, ...] | None = None
) -> SimConfig:
    """Two random causes (seeded) that start in the last three days and still run on the report's day."""
    if scenarios is None:
        rng = rng_for(seed, 700)
        names = rng.choice(sorted(SCENARIOS), 2, replace=False)
        picked = []
        for name in names:
            back = int(rng.integers(0, 3))
            if name == "campaign_pull_forward":  # 3 campaign days, then its 6-day dip ends on the report's day
                picked.append(ScenarioRequest(str(name), end - timedelta(days=8), 3))
            else:
                picked.append(ScenarioRequest(str(name), end - timedelta(days=back), back + 1))
        scenarios = tuple(picked)
    return SimConfig(seed=seed, days=DEMO_DAYS, end=end, scenarios=scenarios, store_prefix=DEMO_PREFIX)


def run_demo(ws: Workspace, cfg: SimConfig) -> DemoResult:
    from shopops.warehouse import import_file

    t0 = time.perf_counter()
    out = Path(ws.root) / DEMO_DIR
    before = _read_manifest(out)
    for f in (before or {}).get("files", []):
        (out / f["file"]).unlink(missing_ok=True)  # files of an earlier demo this one may not write
    sim = simulate(cfg, out)
    now = _read_manifest(out) or {}
    reset = before is not None and before.get("config") != now.get("config")
    if reset:
        _remove_stores(ws, store_ids(cfg))
    imported = unchanged = rows = 0
    for f in sim.files:
        result = import_file(ws, out / f.file, store_id=f.store, format_name=f.format, force=reset)
        imported += result.status == "imported"
        unchanged += result.status == "unchanged"
        rows += sum(result.rows_by_table.values())
    return DemoResult(sim, imported, unchanged, rows, reset, time.perf_counter() - t0)


def _read_manifest(out: Path) -> dict | None:
    path = out / MANIFEST
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _remove_stores(ws: Workspace, stores: list[str]) -> None:
    con = ws.con
    marks = ", ".join("?" for _ in stores)
    con.execute("BEGIN TRANSACTION")
    try:
        for name in TABLES:
            con.execute(f'DELETE FROM "{name}" WHERE store_id IN ({marks})', stores)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    log.info("removed the rows of earlier demo stores %s", stores)


@dataclass(frozen=True)
class SourceLine:
    source: str
    visitors: int
    buyers: int
    gmv: float
    conversion: float | None
    revenue_per_buyer: float | None


@dataclass(frozen=True)
class DaySummary:
    """A compact last-day summary, used when the morning report (``shopops.report.daily``) is not installed."""

    store: str
    date: date
    gmv: float
    day_target: float | None
    visitors: int
    buyers: int
    sources: tuple[SourceLine, ...]


def day_summary(con: duckdb.DuckDBPyConnection, store: str, day: date) -> DaySummary:
    rows = con.execute(
        "SELECT source, sum(visitors), sum(paid_buyers), sum(paid_amount) FROM traffic_daily "
        "WHERE store_id = ? AND date = ? GROUP BY source ORDER BY sum(paid_amount) DESC",
        [store, day],
    ).fetchall()
    lines = tuple(
        SourceLine(s, int(v), int(b), float(g), b / v if v else None, float(g) / b if b else None)
        for s, v, b, g in rows
    )
    target = con.execute(
        "SELECT gmv_target FROM targets WHERE store_id = ? AND month = ?", [store, day.strftime("%Y-%m")]
    ).fetchall()
    days_in_month = ((day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)).day
    return DaySummary(
        store,
        day,
        sum(x.gmv for x in lines),
        float(target[0][0]) / days_in_month if target else None,
        sum(x.visitors for x in lines),
        sum(x.buyers for x in lines),
        lines,
    )
