"""The shopping calendar: weekdays, seasons and the platform events with the lull before them.

Each platform event is a peak date plus phases relative to it. A phase multiplies the day's visitors, the
conversion rate, the campaign source and add-to-cart. The lull before 双11 and 618 is real: shoppers browse and
fill their carts but wait for the event price, so traffic holds, add-to-cart rises and conversion falls.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

# Monday … Sunday: evenings and weekends shop a little more; Friday is the weakest day.
WEEKDAY = np.array([1.03, 1.00, 0.98, 0.97, 0.93, 1.00, 1.09])

# Spring Festival (春节) dates: logistics stop around it, 年货节 runs before it.
SPRING_FESTIVAL = {
    2020: date(2020, 1, 25),
    2021: date(2021, 2, 12),
    2022: date(2022, 2, 1),
    2023: date(2023, 1, 22),
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 3),
}


@dataclass(frozen=True)
class Phase:
    first: int  # days relative to the event's peak date
    last: int
    traffic: float
    cvr: float
    campaign: float = 1.0  # multiplier of the campaign source
    cart: float = 1.0  # multiplier of add-to-cart


@dataclass(frozen=True)
class PlatformEvent:
    code: str
    zh: str
    en: str
    phases: tuple[Phase, ...]

    def peak(self, year: int) -> date:
        match self.code:
            case "618":
                return date(year, 6, 18)
            case "99":
                return date(year, 9, 9)
            case "double11":
                return date(year, 11, 11)
            case "double12":
                return date(year, 12, 12)
            case "new_year":
                return SPRING_FESTIVAL.get(year, date(year, 2, 1)) - timedelta(days=12)
        raise AssertionError(self.code)

    def span(self, year: int) -> tuple[date, date]:
        peak = self.peak(year)
        first = min(p.first for p in self.phases if p.campaign > 1)
        last = max(p.last for p in self.phases if p.campaign > 1)
        return peak + timedelta(days=first), peak + timedelta(days=last)


EVENTS: tuple[PlatformEvent, ...] = (
    PlatformEvent(
        "618",
        "618年中大促",
        "618 mid-year sale",
        (
            Phase(-28, -19, 1.00, 0.82, 1.0, 1.5),  # lull: carts fill, buyers wait
            Phase(-18, -15, 1.45, 1.45, 4.0, 1.3),  # first wave
            Phase(-14, -3, 1.05, 0.95, 2.0, 1.4),
            Phase(-2, -1, 1.50, 1.50, 4.0, 1.2),
            Phase(0, 0, 2.20, 2.10, 6.0, 1.0),
            Phase(1, 4, 0.92, 0.85),
        ),
    ),
    PlatformEvent(
        "99",
        "99划算节",
        "9.9 sale",
        (Phase(-6, -3, 1.00, 0.92, 1.0, 1.3), Phase(-2, 0, 1.30, 1.25, 3.0, 1.1)),
    ),
    PlatformEvent(
        "double11",
        "双11全球狂欢节",
        "Singles' Day (11.11)",
        (
            Phase(-21, -11, 1.10, 0.70, 1.0, 2.0),  # presale lull
            Phase(-10, -8, 1.60, 1.60, 5.0, 1.5),  # first wave (Nov 1–3)
            Phase(-7, -1, 1.10, 0.80, 2.0, 1.8),
            Phase(0, 0, 3.00, 2.30, 8.0, 1.0),
            Phase(1, 4, 0.85, 0.80),
        ),
    ),
    PlatformEvent(
        "double12",
        "双12",
        "Double 12",
        (Phase(-8, -3, 1.00, 0.90, 1.0, 1.4), Phase(-2, -1, 1.30, 1.25, 3.0, 1.1), Phase(0, 0, 1.80, 1.60, 4.0)),
    ),
    PlatformEvent(
        "new_year",
        "年货节",
        "New-year festival (年货节)",
        (
            Phase(-12, 0, 1.20, 1.10, 2.5, 1.2),
            Phase(4, 18, 0.60, 0.70),  # couriers stop around the Spring Festival
        ),
    ),
)


@dataclass(frozen=True)
class Calendar:
    """Per-day factors over the simulated period (index 0 = ``start``)."""

    start: date
    days: int
    traffic: np.ndarray  # weekday × season × events × trend
    cvr: np.ndarray
    campaign: np.ndarray
    cart: np.ndarray
    weekday: np.ndarray  # 0 = Monday

    def day(self, d: int) -> date:
        return self.start + timedelta(days=d)

    @property
    def end(self) -> date:
        return self.day(self.days - 1)

    def events(self) -> list[tuple[PlatformEvent, int, date, date]]:
        """Platform events whose campaign span overlaps the period: (event, year, first day, last day)."""
        found = []
        for year in range(self.start.year, self.end.year + 1):
            for ev in EVENTS:
                first, last = ev.span(year)
                if last >= self.start and first <= self.end:
                    found.append((ev, year, first, last))
        return sorted(found, key=lambda x: x[2])


def build_calendar(start: date, days: int, *, season_peak_doy: int, season_amp: float, trend: float) -> Calendar:
    dates = [start + timedelta(days=i) for i in range(days)]
    weekday = np.array([d.weekday() for d in dates])
    doy = np.array([d.timetuple().tm_yday for d in dates])
    season = 1 + season_amp * np.cos(2 * np.pi * (doy - season_peak_doy) / 365.25)
    growth = (1 + trend) ** (np.arange(days) / 365.25)
    traffic = WEEKDAY[weekday] * season * growth
    cvr = np.ones(days)
    campaign = np.ones(days)
    cart = np.ones(days)
    for year in range(start.year - 1, dates[-1].year + 2):
        for ev in EVENTS:
            peak = ev.peak(year)
            for ph in ev.phases:
                for off in range(ph.first, ph.last + 1):
                    i = (peak + timedelta(days=off) - start).days
                    if 0 <= i < days:
                        traffic[i] *= ph.traffic
                        cvr[i] *= ph.cvr
                        campaign[i] *= ph.campaign
                        cart[i] *= ph.cart
    golden_week = np.array([d.month == 10 and d.day <= 7 for d in dates])  # people travel, shop a little less
    traffic[golden_week] *= 0.9
    return Calendar(start, days, traffic, cvr, campaign, cart, weekday)
