"""The benchmark's shop: a simulated year (and a month) of one store, at a given number of session rows.

The shop is visitor-level: its workspace holds sessions, orders and order lines, product and keyword reports,
reviews, stock, service, targets and campaigns — but no traffic_daily export, so every traffic number of the
report comes from the sessions (through the rollups in shopops, straight from the rows in the baselines).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from shopops.simulate import SimConfig, simulate
from shopops.simulate.config import DEFAULT_END
from shopops.simulate.writer import OutputFile

SEED = 20251014
STORE = "shop1"
YEAR, MONTH = 365, 30
SKIPPED = ("traffic_daily",)  # the platform export a visitor-level shop does not have
SESSIONS_PER_VISITOR = 1.02  # the simulator's year averages a little above its "normal day"


@dataclass(frozen=True)
class Shop:
    folder: Path
    days: int
    end: dt.date
    files: tuple[OutputFile, ...]

    @property
    def sessions(self) -> tuple[OutputFile, ...]:
        """The session files (a large year rolls over into sessions_002.csv …)."""
        return tuple(f for f in self.files if f.table == "sessions")

    @property
    def imported(self) -> tuple[OutputFile, ...]:
        return tuple(f for f in self.files if f.table not in SKIPPED)


def visitors_per_day(session_rows: int) -> int:
    return max(200, round(session_rows / YEAR / SESSIONS_PER_VISITOR))


def make_shop(folder: Path, session_rows: int, days: int = YEAR) -> Shop:
    """A clean year (or month) of a store with about ``session_rows`` sessions a year, ending on DEFAULT_END."""
    cfg = SimConfig(
        seed=SEED,
        days=days,
        end=DEFAULT_END,
        visitors_per_day=visitors_per_day(session_rows),
        scenarios=(),
        sessions=True,
    )
    result = simulate(cfg, folder)
    return Shop(folder, days, cfg.end, result.files)


def fill_workspace(shop: Shop, root: Path) -> dict[str, float]:
    """Import the shop's files into a workspace; seconds per file."""
    import time

    from shopops.warehouse import Workspace, import_file

    seconds = {}
    with Workspace(root) as ws:
        for f in shop.imported:
            start = time.perf_counter()
            import_file(ws, shop.folder / f.file, store_id=f.store, format_name=f.format)
            seconds[f.file] = time.perf_counter() - start
    return seconds
