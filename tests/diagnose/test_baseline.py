"""Robust baselines and the calendar: a planted step is found, noise and calendar days are not."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from shopops.diagnose.baseline import log_shift, rate_shift, remove_common, robust_band
from shopops.diagnose.calendar import Calendar, day_band, event_of
from shopops.metrics.pacing import Campaign


def rng(seed: int = 7) -> np.random.Generator:
    return np.random.default_rng(seed)


def noisy_log(days=80, subjects=12, sd=0.1, seed=7):
    return np.log(1000) + rng(seed).normal(0, sd, (days, subjects))


def test_log_shift_finds_a_step_and_its_start():
    y = noisy_log()
    y[74:, 3] -= 0.5  # subject 3 loses 40 % from day 74
    s = log_shift(y, 79, direction="down")
    assert s.z[3] < -6
    assert 4 <= s.days[3] <= 7  # the episode found is about the six days of the drop
    assert np.nanmax(-np.delete(s.z, 3)) < 4  # nobody else


def test_log_shift_day_one_counts_alone():
    y = noisy_log()
    y[79, 5] -= 0.7
    s = log_shift(y, 79, direction="down")
    assert s.days[5] == 1 and s.z[5] < -4 and s.today_z[5] < -4


def test_log_shift_judges_a_fading_product_against_where_it_just_was():
    y = noisy_log(sd=0.05)
    y[:, 0] -= np.linspace(0, 0.9, 80)  # fades steadily by 60 % over the period: no single-day alarm
    s = log_shift(y, 79, direction="down")
    assert s.z[0] > -4


def test_log_shift_up_direction():
    y = noisy_log()
    y[77:, 2] += 0.5
    assert log_shift(y, 79, direction="up").z[2] > 5


def test_rate_shift_binomial():
    g = rng(3)
    n = np.full((80, 6), 2000.0)
    x = g.binomial(2000, 0.05, (80, 6)).astype(float)
    x[76:, 1] = g.binomial(2000, 0.03, 4)  # click-through 5 % → 3 %
    s = rate_shift(x, n, 79, direction="down")
    assert s.z[1] < -5 and abs(s.baseline[1] - 0.05) < 0.005
    assert np.nanmin(np.delete(s.z, 1)) > -4


def test_rate_shift_small_counts_are_judged_exactly():
    n = np.full((80, 1), 3.0)  # three reviews a day, 5 % usually bad
    x = np.zeros((80, 1))
    x[::20, 0] = 1
    x[79, 0] = 2  # two bad of three today: unusual, not a certainty
    z = rate_shift(x, n, 79, direction="up", min_trials=1).z[0]
    assert 1.5 < z < 6
    x[75:, 0] = 3  # every review bad for five days: certain
    assert rate_shift(x, n, 79, direction="up", min_trials=1).z[0] > 6


def test_rate_shift_prior_tames_a_thin_baseline():
    n = np.full((80, 2), 2.0)
    x = np.zeros((80, 2))
    x[:, 1] = rng(5).binomial(2, 0.1, 80)  # the other product carries the store's usual bad share
    x[30, 0] = 1  # product 0: one bad review in two months …
    x[78:, 0] = 1  # … then one a day
    thin = rate_shift(x, n, 79, direction="up", min_trials=1, base_days=56).z[0]
    shrunk = rate_shift(x, n, 79, direction="up", min_trials=1, base_days=56, prior_weight=50).z[0]
    assert shrunk < thin


def test_remove_common_takes_out_a_store_wide_day():
    y = noisy_log(sd=0.05)
    y[79] += np.log(3.0)  # 双11: every product triples
    s = log_shift(remove_common(y[20:]), 59, direction="up")
    assert np.nanmax(s.z) < 4
    assert log_shift(y[20:], 59, direction="up").z.max() > 10  # without it, everybody "rose"


def test_remove_common_is_robust_to_one_surging_product():
    y = noisy_log(sd=0.05)
    y[60:, 0] += np.linspace(0, 1.5, 20)  # one product takes off
    adjusted = remove_common(y)
    s = log_shift(adjusted, 79, direction="down")
    assert np.nanmin(s.z[1:]) > -4  # the others did not "fall"


def test_robust_band():
    expected, low, high, z = robust_band(np.array([100.0, 104, 98, 101, 97, 103]), 60.0)
    assert 98 < expected < 103 and low < expected < high and z < -5


def test_calendar_events_and_lulls():
    campaigns = (Campaign("double11", dt.date(2025, 11, 1), dt.date(2025, 11, 11)),)
    assert event_of(dt.date(2025, 11, 11), campaigns) is not None
    assert event_of(dt.date(2025, 10, 25), ()) == "双11预售"  # the presale lull
    assert event_of(dt.date(2025, 10, 3), ()) == "国庆"
    assert event_of(dt.date(2025, 9, 16), ()) is None


def test_a_normal_monday_and_an_event_day_raise_no_alarm():
    start = dt.date(2025, 8, 1)
    dates = [start + dt.timedelta(days=i) for i in range(103)]  # to 2025-11-11
    weekday = np.array([1.0, 0.9, 0.9, 0.9, 0.9, 1.1, 1.2])
    gmv = np.array([10000 * weekday[d.weekday()] for d in dates]) * rng(11).lognormal(0, 0.04, len(dates))
    gmv[-1] *= 3  # 双11 itself
    cal = Calendar.of(dates, (Campaign("double11", dt.date(2025, 11, 1), dt.date(2025, 11, 11)),))
    monday = dt.date(2025, 10, 13)
    band = day_band(gmv, dates, cal, monday)
    assert band is not None and abs(band.z) < 3  # a Monday judged against Mondays
    assert day_band(gmv, dates, cal, dt.date(2025, 11, 11)) is None  # first 双11 seen: no band, no alarm
    low_day = dt.date(2025, 9, 16)
    gmv2 = gmv.copy()
    gmv2[dates.index(low_day)] *= 0.5
    assert day_band(gmv2, dates, cal, low_day).z < -5


@pytest.mark.parametrize("k", [1, 3])
def test_nan_days_do_not_break_a_scan(k):
    y = noisy_log()
    y[70:75, :] = np.nan
    s = log_shift(y, 79, max_k=k, direction="down")
    assert np.all(np.isfinite(s.z))
