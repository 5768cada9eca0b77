"""Targets and pacing: daily targets add up to the month, weights follow the learned pattern, gaps are explained."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopops.metrics.pacing import Campaign, learn_plan, pace

WEEKEND = 1.5


def _history(start: dt.date, end: dt.date, base: float = 1000.0, events: dict | None = None):
    out, d = {}, start
    while d <= end:
        v = base * (WEEKEND if d.weekday() >= 5 else 1.0) * (events or {}).get(d, 1.0)
        out[d] = Decimal(str(round(v, 2)))
        d += dt.timedelta(days=1)
    return out


@settings(max_examples=60, deadline=None)
@given(
    month=st.sampled_from(["2024-02", "2024-06", "2024-11", "2025-01"]),
    cents=st.integers(0, 10**11),
    days=st.integers(0, 200),
)
def test_daily_targets_add_up_to_the_month_target(month, cents, days):
    first = dt.date.fromisoformat(month + "-01")
    history = _history(first - dt.timedelta(days=days), first - dt.timedelta(days=1)) if days else {}
    target = Decimal(cents) / 100
    plan = learn_plan("s", month, target, history)
    assert sum(d.target for d in plan.days) == target
    assert abs(sum(d.weight for d in plan.days) - 1) < 1e-9
    assert all(d.target >= 0 for d in plan.days)


def test_weekday_pattern_is_learned_from_history():
    history = _history(dt.date(2024, 3, 1), dt.date(2024, 5, 31))
    plan = learn_plan("s", "2024-06", Decimal("310000"), history)
    sat, mon = plan.day(dt.date(2024, 6, 1)), plan.day(dt.date(2024, 6, 3))
    assert sat.weekday_factor / mon.weekday_factor == pytest.approx(WEEKEND, rel=1e-3)
    assert sat.target / mon.target == pytest.approx(Decimal(WEEKEND), rel=Decimal("1e-3"))
    # the pattern independently: mean weekend / mean weekday over the same 12 weeks
    assert plan.history_days == 84


def test_event_uplift_is_learned_from_last_years_occurrence():
    history = _history(dt.date(2023, 5, 1), dt.date(2024, 5, 31), events={dt.date(2023, 6, 18): 3.0})
    plan = learn_plan("s", "2024-06", Decimal("500000"), history)
    event_day = plan.day(dt.date(2024, 6, 18))
    assert event_day.event == "618"
    assert event_day.event_factor == pytest.approx(3.0, rel=1e-3)
    tue = plan.day(dt.date(2024, 6, 11))  # same weekday (Tuesday), ordinary
    assert event_day.target / tue.target == pytest.approx(Decimal(3), rel=Decimal("1e-3"))


def test_unseen_campaign_gets_no_uplift_and_a_flat_month_without_history():
    plan = learn_plan(
        "s", "2024-06", Decimal("3000"), {}, [Campaign("夏上新", dt.date(2024, 6, 5), dt.date(2024, 6, 6))]
    )
    assert plan.day(dt.date(2024, 6, 5)).event == "夏上新"
    assert {d.target for d in plan.days} == {Decimal("100.00")}


def test_pacing_explains_the_gap():
    plan = learn_plan("s", "2024-06", Decimal("30000"), {})  # flat: 1000 a day
    gmv = {dt.date(2024, 6, d): Decimal("1000") for d in range(1, 10)}
    gmv[dt.date(2024, 6, 10)] = Decimal("800.00")
    p = pace(plan, dt.date(2024, 6, 10), gmv, visitors=2000, buyers=16)
    assert p.day_target == Decimal("1000.00") and p.day_gap == Decimal("200.00")
    assert p.attainment == pytest.approx(0.8)
    assert p.mtd == Decimal("9800.00") and p.mtd_target == Decimal("10000.00")
    # UV value is 800/2000 = 0.4 ⇒ 200 more GMV needs 500 more visitors
    assert p.extra_visitors == 500
    # at 2000 visitors and 客单价 50, each point of conversion is 20 buyers × 50 = 1000 ⇒ 0.2 pp
    assert p.extra_conversion_pp == pytest.approx(0.2)
    assert p.days_left == 20 and p.needed_per_day == Decimal("1010.00")


def test_a_day_over_target_needs_nothing():
    plan = learn_plan("s", "2024-06", Decimal("30000"), {})
    p = pace(plan, dt.date(2024, 6, 1), {dt.date(2024, 6, 1): Decimal("1500")}, visitors=10, buyers=1)
    assert p.day_gap < 0 and p.extra_visitors is None and p.extra_conversion_pp is None
