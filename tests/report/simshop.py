"""A simulated 60-day shop (two planted causes), imported once per test session and shared by the report tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

END = dt.date(2025, 10, 14)  # the simulator's default last day


@dataclass(frozen=True)
class SimShop:
    ws: Path  # workspace folder (closed: open it read-only)
    inbox: Path  # the simulator's files
    frames: dict[str, pd.DataFrame]


def sim_shop(tmp_path_factory, seed: int = 11) -> SimShop:
    from shopops.simulate import SimConfig, simulate
    from shopops.warehouse import Workspace, import_file

    root = tmp_path_factory.getbasetemp() / f"report-sim-{seed}"
    ready = root / "ready"
    if not ready.exists():
        sim = simulate(SimConfig(days=60, visitors_per_day=800, products=10, seed=seed), root / "in")
        with Workspace(root / "ws") as ws:
            for f in sim.files:
                import_file(ws, root / "in" / f.file, store_id=f.store, format_name=f.format)
        ready.touch()
    frames = {}
    for name in ("traffic_daily", "product_daily", "service_daily", "campaigns", "ad_keywords"):
        df = pd.read_csv(root / "in" / f"{name}.csv", dtype={"store_id": str, "sku": str})
        for col in ("date", "start_date", "end_date"):
            if col in df:
                df[col] = pd.to_datetime(df[col]).dt.date
        frames[name] = df
    return SimShop(root / "ws", root / "in", frames)


def between(df: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    return df[(df.date >= start) & (df.date <= end)]
