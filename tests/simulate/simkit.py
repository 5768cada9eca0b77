"""Helpers of the simulator tests: a small shop's config, and SQL over a simulation's files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from shopops.simulate import SimConfig, parse_scenarios

START = date(2025, 3, 1)  # March–April: no platform event in the way
DAYS = 60
WINDOW = date(2025, 4, 10)


def small(seed: int = 1, scenarios: tuple[str, ...] = ("clean",), **kw) -> SimConfig:
    """A 60-day, 12-product shop of 4,000 visitors a day: fast, and big enough for effects to show.

    ``scenarios=()`` leaves the choice to the simulator (two random causes); the default plants nothing."""
    options = {"products": 12, "visitors_per_day": 4000, **kw}
    days = options.pop("days", DAYS)
    return SimConfig.from_start(START, days, seed=seed, scenarios=parse_scenarios(list(scenarios)), **options)


class Sql:
    """SQL over a simulation's CSV files: ``{traffic_daily}`` in a query reads that table's file."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.con = duckdb.connect()

    def __call__(self, sql: str, *params):
        tables = {p.stem: f"read_csv('{p}', header=true)" for p in self.out.glob("*.csv")}
        return self.con.execute(sql.format(**tables), list(params)).fetchall()

    def one(self, sql: str, *params):
        return self(sql, *params)[0][0]
