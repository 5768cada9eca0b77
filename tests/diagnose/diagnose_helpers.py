"""Builders for diagnosis tests: a StoreData from plain frames, a context with hand-made views, a simulated shop."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from shopops.diagnose.context import DayContext
from shopops.diagnose.data import FRAME_COLUMNS, StoreData


def store_data(start: dt.date, end: dt.date, store_id: str = "s1", campaigns=(), targets=None, **frames) -> StoreData:
    """A StoreData holding the given frames (others empty), loaded from ``start`` to ``end``."""
    built = {name: frames.get(name, pd.DataFrame(columns=cols)) for name, cols in FRAME_COLUMNS.items()}
    return StoreData(
        store_id=store_id, start=start, end=end, campaigns=tuple(campaigns), targets=targets or {}, **built
    )


def context_with_views(day: dt.date = dt.date(2025, 6, 2), **views: list[dict]) -> DayContext:
    """A context whose views are the given rows (kind → rows), for testing rule declarations alone."""
    data = store_data(day - dt.timedelta(days=30), day)
    ctx = DayContext(data, day)
    for kind, rows in views.items():
        ctx._views[kind] = pd.DataFrame(rows)
    return ctx


@dataclass(frozen=True)
class SimShop:
    root: Path
    truth: list[dict]
    store: str

    @property
    def workspace(self) -> Path:
        return self.root / "ws"


def simulate_shop(root: Path, scenario: str, seed: int = 1, products: int = 16, visitors: int = 4000) -> SimShop:
    """Simulate a 90-day shop with one planted scenario and import it into ``root/ws`` (then closed)."""
    from shopops.simulate import SimConfig, parse_scenarios, simulate
    from shopops.warehouse import Workspace, import_file

    cfg = SimConfig(seed=seed, products=products, visitors_per_day=visitors, scenarios=parse_scenarios([scenario]))
    sim = simulate(cfg, root / "sim")
    with Workspace(root / "ws") as ws:
        for f in sim.files:
            import_file(ws, root / "sim" / f.file, store_id=f.store, format_name=f.format)
    truth = json.loads((root / "sim" / "truth.json").read_text(encoding="utf-8"))
    return SimShop(root, truth, sim.plan.stores[0].shop.store_id)
