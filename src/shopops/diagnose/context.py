"""One day of one store, as rules see it: the calendar, the day's index, and one view per kind of subject.

A view is a table with one row per subject (the store, each traffic source, product, keyword, agent, competitor
listing) and a column per fact a rule may test — today's value, the baseline it is judged against, the z of the
move, 7-day totals, ranks, money at stake. Views are built lazily and only from days up to the diagnosed one, so
diagnosing an old day from a shop loaded to a later date sees exactly what that morning would have seen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from shopops.diagnose.calendar import Calendar
from shopops.diagnose.data import StoreData


@dataclass(frozen=True)
class DayContext:
    data: StoreData
    day: dt.date
    _views: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def t(self) -> int:
        return (self.day - self.data.start).days

    @cached_property
    def calendar(self) -> Calendar:
        return Calendar.of(self.data.dates, self.data.campaigns)

    @cached_property
    def usable(self) -> np.ndarray:
        """Days a subject's baseline may learn from: no calendar event, and not after the diagnosed day."""
        ok = self.calendar.ordinary()
        ok[self.t + 1 :] = False
        return ok

    @property
    def store_id(self) -> str:
        return self.data.store_id

    @cached_property
    def event(self) -> str | None:
        return self.calendar.events[self.t] if 0 <= self.t < len(self.calendar.events) else None

    def days_ago(self, n: int) -> dt.date:
        return self.day - dt.timedelta(days=n)

    def view(self, kind: str) -> pd.DataFrame:
        """The view of ``kind`` (see ``shopops.diagnose.views``), built on first use."""
        if kind not in self._views:
            from shopops.diagnose.views import VIEWS

            self._views[kind] = VIEWS[kind].build(self)
        return self._views[kind]

    def row(self, kind: str, subject: str) -> dict | None:
        v = self.view(kind)
        if not len(v):
            return None
        hit = v[v["subject"] == subject]
        return None if hit.empty else hit.iloc[0].to_dict()
