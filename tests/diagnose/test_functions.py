"""Rules written as functions: each fires on data made to show its problem and stays quiet on data that does not."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from diagnose_helpers import store_data

from shopops.diagnose import RULES, Severity
from shopops.diagnose.context import DayContext
from shopops.schema.causes import Cause

START, END = dt.date(2025, 6, 1), dt.date(2025, 8, 31)


def run(rule: str, data, day):
    r = RULES[rule]
    return r.func(DayContext(data, day), dict(r.info.params))


def deliveries(late_bad: bool, seed: int = 1) -> pd.DataFrame:
    g = np.random.default_rng(seed)
    rows = []
    for i in range(600):
        cat = "furniture" if i % 3 == 0 else "toys"
        seller = "S-slow" if cat == "furniture" and i % 2 == 0 else f"S{i % 7}"
        late = g.random() < (0.5 if seller == "S-slow" else 0.05)
        p_bad = (0.7 if late else 0.08) if late_bad else 0.12
        day = START + dt.timedelta(days=int(g.integers(0, 80)))
        rows.append(
            {
                "order_id": f"o{i}",
                "date": day,
                "delivered": day + dt.timedelta(days=5),
                "promised": day + dt.timedelta(days=4 if late else 8),
                "rating": 1.0 if g.random() < p_bad else 5.0,
                "sku": f"p{i % 40}",
                "seller_id": seller,
                "category": cat,
                "late": late,
            }
        )
    return pd.DataFrame(rows)


def test_late_deliveries_name_the_category_and_the_seller():
    data = store_data(START, END, deliveries=deliveries(late_bad=True))
    found = run("late_delivery_reviews", data, END)
    warned = {(f.subject_kind, f.subject) for f in found if f.severity == Severity.WARNING}
    # the store, and the category and seller whose lateness is surely above the store's
    assert warned == {("store", "s1"), ("category", "furniture"), ("seller", "S-slow")}
    store = next(f for f in found if f.subject_kind == "store")
    assert "bad review" in store.en and store.confidence > 5
    groups = [f for f in found if f.subject_kind != "store"]
    assert groups[0].subject in ("furniture", "S-slow")  # the most bad reviews from lateness first
    assert all(f.evidence for f in found)


def test_late_deliveries_quiet_when_reviews_do_not_depend_on_lateness():
    data = store_data(START, END, deliveries=deliveries(late_bad=False))
    assert run("late_delivery_reviews", data, END) == []


def sessions(bad_source: bool, dated: bool) -> pd.DataFrame:
    rows = []
    for src, n in (("1", 600), ("2", 400), ("3", 300)):
        poor = bad_source and src == "3"
        rows.append(
            {
                "source": src,
                "visitor_type": "new",
                "date": dt.date(2025, 8, 20) if dated else None,
                "month": 8,
                "sessions": n,
                "bounce_sum": n * (0.09 if poor else 0.02),
                "bounce_n": n,
                "pages": n * (8 if poor else 30),
                "purchases": n * (0.02 if poor else 0.15),
            }
        )
    return pd.DataFrame(rows)


def test_source_engagement_finds_the_poor_traffic_type():
    for dated in (True, False):  # UCI sessions carry only a month: the whole export is judged
        data = store_data(START, END, sessions=sessions(True, dated))
        found = run("source_engagement", data, END)
        assert [f.subject for f in found] == ["3"], dated
        assert found[0].value > 2 * found[0].baseline and found[0].severity == Severity.WARNING


def test_source_engagement_one_poor_measure_is_info():
    s = sessions(False, True)
    s.loc[s["source"] == "2", "pages"] = 400 * 10  # shallow visits but an ordinary bounce rate
    (f,) = run("source_engagement", store_data(START, END, sessions=s), END)
    assert f.subject == "2" and f.severity == Severity.INFO


def test_source_engagement_quiet_when_sources_behave_alike():
    data = store_data(START, END, sessions=sessions(False, True))
    assert run("source_engagement", data, END) == []


def campaign_shop(with_campaign: bool):
    days = [START + dt.timedelta(days=i) for i in range((END - START).days + 1)]
    g = np.random.default_rng(3)
    gmv = np.array([10000.0 * (1.1 if d.weekday() >= 5 else 1.0) for d in days]) * g.lognormal(0, 0.03, len(days))
    c_start, c_end = dt.date(2025, 8, 18), dt.date(2025, 8, 20)
    for i, d in enumerate(days):
        if c_start <= d <= c_end:
            gmv[i] *= 1.8
        elif c_end < d <= c_end + dt.timedelta(days=6):
            gmv[i] *= 0.75  # the pull-forward dip
    store = pd.DataFrame({"date": days, "gmv": gmv, "visitors": 5000.0, "buyers": gmv / 100})
    traffic = pd.DataFrame({"date": days, "source": "活动", "visitors": 100.0, "gmv": 1000.0, "kind": "campaign"})
    rows = pd.DataFrame(
        [
            {
                "campaign_id": "S1-0818",
                "name": "店铺周年庆",
                "platform_event": None if with_campaign else "99",
                "type": "店铺活动",
                "start_date": c_start,
                "end_date": c_end,
            },
        ]
    )
    return store_data(START, END, store_daily=store, traffic=traffic, campaign_rows=rows)


def test_campaign_uplift_then_its_dip():
    data = campaign_shop(True)
    (during,) = run("campaign_pull_forward", data, dt.date(2025, 8, 19))
    assert during.code == Cause.CAMPAIGN_PULL_FORWARD and during.severity == Severity.INFO
    assert during.subject == "活动" and during.value > during.baseline
    (after,) = run("campaign_pull_forward", data, dt.date(2025, 8, 23))
    assert after.severity == Severity.WARNING and after.impact > 0 and after.facts["phase"] == "after"
    assert run("campaign_pull_forward", data, dt.date(2025, 8, 10)) == []  # before it: nothing to say


def test_platform_events_are_not_store_campaigns():
    assert run("campaign_pull_forward", campaign_shop(False), dt.date(2025, 8, 23)) == []
