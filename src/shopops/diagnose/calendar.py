"""The shop's calendar, so that a normal Monday or a 双11 day is no alarm.

A day belongs to an event when a campaign in the ``campaigns`` table (a platform event such as 618 or 双11, or a
store's own promotion) runs on it, when it is one of the platform's fixed event dates, or when it sits in the
presale lull before 618 and 双11 (shoppers fill carts and wait, so conversion sags for weeks). Ordinary days are
compared with the same weekday in the weeks before; an event day only with earlier days of the same event, and
when the store has none, it raises no alarm at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from shopops.diagnose.baseline import robust_band
from shopops.metrics.pacing import Campaign, events_on

# Seasons no campaigns table lists (name, month, first day, last day): the presale lulls before 618 and 双11, when
# shoppers fill carts and wait, and the National Day golden week (国庆), when people travel and shop less.
LULLS: tuple[tuple[str, int, int, int], ...] = (
    ("618预售", 5, 20, 31),
    ("国庆", 10, 1, 7),
    ("双11预售", 10, 20, 31),
)
WEEKS = 8  # same-weekday days looked back for an ordinary day
MIN_COMPARABLE = 3


def event_of(day: dt.date, campaigns: Sequence[Campaign]) -> str | None:
    name = events_on(day, campaigns)
    if name:
        return name
    for lull, month, first, last in LULLS:
        if day.month == month and first <= day.day <= last:
            return lull
    return None


@dataclass(frozen=True)
class Calendar:
    dates: tuple[dt.date, ...]
    events: tuple[str | None, ...]

    @classmethod
    def of(cls, dates: Sequence[dt.date], campaigns: Sequence[Campaign]) -> Calendar:
        ds = tuple(dates)
        return cls(ds, tuple(event_of(d, campaigns) for d in ds))

    def ordinary(self) -> np.ndarray:
        """Per date: True when no event touches it (the days baselines may learn from)."""
        return np.array([e is None for e in self.events], dtype=bool)

    def comparable(self, day: dt.date) -> list[int]:
        """Indices of the days ``day`` is judged against: same weekday, no event — or the same event's past days."""
        event = event_of(day, ()) if day not in self.dates else self.events[self.dates.index(day)]
        found = []
        for i, d in enumerate(self.dates):
            if d >= day:
                continue
            if event is None:
                if self.events[i] is None and d.weekday() == day.weekday() and (day - d).days <= 7 * WEEKS:
                    found.append(i)
            elif self.events[i] is not None and _same_event(self.events[i], event) and (day - d).days > 200:
                found.append(i)  # the same event in an earlier year, never this year's earlier days
        return found


def _same_event(a: str | None, b: str) -> bool:
    return a is not None and (a == b or bool(set(a.split(" + ")) & set(b.split(" + "))))


@dataclass(frozen=True)
class Band:
    expected: float
    low: float
    high: float
    z: float
    n: int


def day_band(
    values: np.ndarray,
    dates: Sequence[dt.date],
    cal: Calendar,
    day: dt.date,
    *,
    k: float = 3.0,
    floor: float = 0.05,
) -> Band | None:
    """The day's value against its comparable days (None: too few to judge, e.g. an event never seen before).

    The centre is the median of the comparable days; the spread is never below what all ordinary days of the last
    ``WEEKS`` weeks show around their own weekday's median (a steadier estimate than the MAD of eight days), nor
    below ``floor`` (pass the count noise, e.g. 1 ÷ √buyers for GMV).
    """
    if day not in cal.dates:
        return None
    idx = [i for i in cal.comparable(day) if np.isfinite(values[i]) and values[i] > 0]
    if len(idx) < MIN_COMPARABLE:
        return None
    today = float(values[cal.dates.index(day)])
    spread = max(floor, _weekday_spread(values, cal, day))
    expected, low, high, z = robust_band(values[idx], today, k=k, floor=spread)
    return Band(expected, low, high, z, len(idx))


def _weekday_spread(values: np.ndarray, cal: Calendar, day: dt.date) -> float:
    """1.4826 × MAD of ordinary days' log values around their weekday's median, over the last ``WEEKS`` weeks."""
    by_weekday: dict[int, list[float]] = {}
    for i, d in enumerate(cal.dates):
        if d < day and (day - d).days <= 7 * WEEKS and cal.events[i] is None and values[i] > 0:
            by_weekday.setdefault(d.weekday(), []).append(float(np.log(values[i])))
    resid = [x - float(np.median(xs)) for xs in by_weekday.values() if len(xs) >= 3 for x in xs]
    if len(resid) < 10:
        return 0.0
    r = np.array(resid)
    return 1.4826 * float(np.median(np.abs(r - np.median(r))))
