"""Every declared rule has a row where it fires (with the severity it must give) and one where it must not.

The rows stand in for the rule's view, so this tests the declarations through the one engine; the views' numbers
are tested in test_views.py and on simulated shops in test_decision_quality.py. A rule added without examples
fails ``test_every_rule_has_examples``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from diagnose_helpers import context_with_views

from shopops.diagnose import RULES, Rule, Severity
from shopops.diagnose.engine import evaluate
from shopops.diagnose.overrides import NONE

MONDAY = dt.date(2025, 6, 2)
TUESDAY = dt.date(2025, 6, 3)


def row(**kw):
    return {"subject": kw.pop("subject", "x"), "label": kw.pop("label", "X"), **kw}


def shift(name, value, base, z, days=3):
    return {name: value, f"{name}_base": base, f"{name}_z": z, f"{name}_days": days}


WARN, INFO, CRIT = Severity.WARNING, Severity.INFO, Severity.CRITICAL

# rule → (view row where it fires, the severity, a view row where it must stay quiet)
EXAMPLES = {
    "bounce_rate_high": (
        row(bounce_rate_7d=0.74, bounce_rate_prev=0.62, returning_share_7d=0.2),
        WARN,
        row(bounce_rate_7d=0.55, bounce_rate_prev=0.56, returning_share_7d=0.2),
    ),
    "pages_per_visitor_low": (
        row(pages_per_visitor_7d=2.3, pages_per_visitor_prev=2.8),
        WARN,
        row(pages_per_visitor_7d=3.8, pages_per_visitor_prev=3.9),
    ),
    "revenue_per_buyer_vs_hero": (
        row(rpb_ratio_7d=1.1, rpb_ratio_prev=1.5, hero="P1"),
        WARN,
        row(rpb_ratio_7d=1.6, rpb_ratio_prev=1.5, hero="P1"),
    ),
    "day_below_target": (
        row(attainment=0.8, gmv=800.0, target=1000.0, gap_to_target=200.0),
        INFO,
        row(attainment=1.05, gmv=1050.0, target=1000.0, gap_to_target=-50.0),
    ),
    "gmv_below_normal": (
        row(gmv=500.0, gmv_base=1000.0, gmv_z=-4.2, gmv_low=800.0, gmv_high=1200.0, gmv_loss=500.0),
        WARN,
        row(gmv=950.0, gmv_base=1000.0, gmv_z=-0.7, gmv_low=800.0, gmv_high=1200.0),
    ),
    "traffic_source_low": (
        row(visitors_7d=5000, kind="search", **shift("visitors", 400, 800, -6)),
        WARN,
        row(visitors_7d=5000, kind="search", **shift("visitors", 760, 800, -1)),
    ),
    "search_rank_drop": (
        row(
            stockout_loss=0.0,
            search_ctr_z=0.3,
            **shift("search_impressions", 1500, 3000, -7),
            **shift("search_rank", 30, 12, 5),
        ),
        WARN,
        row(
            stockout_loss=0.0,
            search_ctr_z=0.3,
            **shift("search_impressions", 1500, 3000, -7),
            **shift("search_rank", 12, 12, 0.2),
        ),
    ),
    "main_image_ctr_fall": (
        row(search_impressions_z=-0.5, **shift("search_ctr", 0.03, 0.05, -6)),
        WARN,
        row(search_impressions_z=-0.5, **shift("search_ctr", 0.048, 0.05, -1)),
    ),
    "detail_page_bounce": (
        row(visitors_7d=900, **shift("bounce", 0.72, 0.5, 7)),
        WARN,
        row(visitors_7d=900, **shift("bounce", 0.52, 0.5, 1.2)),
    ),
    "negative_reviews": (
        row(bad_reviews_7d=6, reviews_7d=10, **shift("bad_review_share", 0.6, 0.05, 6)),
        WARN,
        row(bad_reviews_7d=1, reviews_7d=20, **shift("bad_review_share", 0.05, 0.05, 0)),
    ),
    "stockout": (
        row(on_hand=0, daily_units=12.0, gmv_7d_rank=1, stockout_loss=900.0),
        CRIT,
        row(on_hand=40, daily_units=12.0, gmv_7d_rank=1, stockout_loss=0.0),
    ),
    "stock_cover_low": (
        row(on_hand=20, in_transit=0, daily_units=5.0, cover_days=4.0, lead_time_days=10),
        WARN,
        row(on_hand=200, in_transit=0, daily_units=5.0, cover_days=40.0, lead_time_days=10),
    ),
    "bundle_removed": (
        row(partner="P2", partner_title="Belt", leads_bundle=1.0, **shift("attach", 0.02, 0.5, -8)),
        WARN,
        row(partner="P2", partner_title="Belt", leads_bundle=1.0, **shift("attach", 0.48, 0.5, -0.4)),
    ),
    "conversion_drop": (
        row(visitors_7d_rank=2, **shift("conversion", 0.02, 0.05, -6)),
        WARN,
        row(visitors_7d_rank=20, **shift("conversion", 0.02, 0.05, -6)),
    ),
    "bad_reviews_top5": (
        row(visitors_7d_rank=3, bad_reviews_today=2, bad_reviews_7d=2),
        INFO,
        row(visitors_7d_rank=9, bad_reviews_today=2, bad_reviews_7d=2),
    ),
    "paid_cpc_spike": (
        row(clicks_7d=300, campaign="c", **shift("cpc", 2.0, 1.2, 9)),
        WARN,
        row(clicks_7d=300, campaign="c", **shift("cpc", 1.25, 1.2, 1.0)),
    ),
    "roas_below_breakeven": (
        row(
            clicks_7d=400,
            cost_7d=500.0,
            roas_7d=1.2,
            breakeven_roas=1.6,
            roas_vs_breakeven=0.75,
            roas_prev=1.3,
            roas_prev_vs_breakeven=0.8,
        ),
        INFO,
        row(
            clicks_7d=400,
            cost_7d=500.0,
            roas_7d=3.0,
            breakeven_roas=1.6,
            roas_vs_breakeven=1.9,
            roas_prev=3.1,
            roas_prev_vs_breakeven=1.9,
        ),
    ),
    "agent_slump": (
        row(**shift("conversion", 0.2, 0.4, -5), **shift("response", 60, 35, 5)),
        WARN,
        row(**shift("conversion", 0.38, 0.4, -0.5), **shift("response", 36, 35, 0.4)),
    ),
    "agent_below_team": (
        row(inquiries_7d=300, gap_to_team=0.05, conversion_7d=0.25),
        INFO,
        row(inquiries_7d=300, gap_to_team=-0.08, conversion_7d=0.4),
    ),
    "competitor_undercut": (
        row(listing_id="L1", price=70.0, price_base=86.0, price_cut=0.19, cheaper_by=0.2, our_price=89.0),
        WARN,
        row(listing_id="L1", price=84.0, price_base=86.0, price_cut=0.02, cheaper_by=0.05, our_price=89.0),
    ),
    "copycat_listing": (
        row(listing_id="L9", image_match=1.0, listed_days=3.0, price=60.0, our_price=79.0),
        WARN,
        row(listing_id="L9", image_match=0.0, listed_days=3.0, price=60.0, our_price=79.0),
    ),
}


def declared() -> list[str]:
    return [name for name, r in RULES.items() if isinstance(r, Rule)]


def test_every_rule_has_examples():
    import shopops.diagnose.run  # noqa: F401  (registers every built-in)

    assert sorted(declared()) == sorted(EXAMPLES)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_rule_fires_and_stays_quiet(name):
    rule = RULES[name]
    fires, severity, quiet = EXAMPLES[name]
    params = dict(rule.info.params)
    # weekly rules review on Mondays (MONDAY is one)
    assert not evaluate(rule, context_with_views(MONDAY, **{rule.info.subject: [quiet]}), params)
    found = evaluate(rule, context_with_views(MONDAY, **{rule.info.subject: [fires]}), params)
    assert len(found) == 1
    f = found[0]
    assert f.severity == severity
    assert f.code == str(rule.info.code) and f.rule == name
    assert f.en and f.zh and "{" not in f.en and "{" not in f.zh
    assert f.evidence and f.evidence[0].rows  # the numbers behind it travel with it


def test_weekly_rules_only_on_the_review_day():
    rule = RULES["pages_per_visitor_low"]
    fires = EXAMPLES["pages_per_visitor_low"][0]
    assert evaluate(rule, context_with_views(MONDAY, store=[fires]), dict(rule.info.params))
    assert not evaluate(rule, context_with_views(TUESDAY, store=[fires]), dict(rule.info.params))
    params = {**rule.info.params, "weekday": 1}  # a store that reviews on Tuesdays
    assert evaluate(rule, context_with_views(TUESDAY, store=[fires]), params)


def test_standing_problem_is_info_new_one_is_warning():
    rule = RULES["bounce_rate_high"]
    still = row(bounce_rate_7d=0.74, bounce_rate_prev=0.75, returning_share_7d=0.2)
    (f,) = evaluate(rule, context_with_views(MONDAY, store=[still]), dict(rule.info.params))
    assert f.severity == Severity.INFO


def test_many_returning_visitors_raise_the_bar():
    rule = RULES["bounce_rate_high"]
    r = row(bounce_rate_7d=0.55, bounce_rate_prev=0.55, returning_share_7d=0.5)
    (f,) = evaluate(rule, context_with_views(MONDAY, store=[r]), dict(rule.info.params))
    assert f.severity == Severity.INFO  # < 60 % would do, but with many returning visitors it should be < 50 %
    few = row(bounce_rate_7d=0.55, bounce_rate_prev=0.55, returning_share_7d=0.1)
    assert not evaluate(rule, context_with_views(MONDAY, store=[few]), dict(rule.info.params))


def test_overridden_threshold_changes_the_verdict():
    rule = RULES["stock_cover_low"]
    r = row(on_hand=50, in_transit=0, daily_units=5.0, cover_days=10.0, lead_time_days=7)
    assert not evaluate(rule, context_with_views(MONDAY, sku=[r]), dict(rule.info.params))
    assert evaluate(rule, context_with_views(MONDAY, sku=[r]), {**rule.info.params, "min_days": 14})


def test_missing_value_never_fires():
    rule = RULES["gmv_below_normal"]
    r = row(gmv=500.0, gmv_base=None, gmv_z=float("nan"))  # an event day never seen before: no band, no alarm
    assert not evaluate(rule, context_with_views(MONDAY, store=[r]), dict(rule.info.params))


def test_a_param_name_must_exist():
    from shopops.diagnose.model import Severity as S
    from shopops.diagnose.rules import Level, RuleInfo, Threshold, register

    bad = Rule(
        RuleInfo("t_bad", "t_bad", "store", "gmv", "x", "x", "test"), (Level(S.INFO, (Threshold("gmv", "<", "nope"),)),)
    )
    with pytest.raises(ValueError, match="nope"):
        register(bad)
    assert "t_bad" not in RULES


def test_finding_is_plain_json():
    import json

    rule = RULES["paid_cpc_spike"]
    fires = EXAMPLES["paid_cpc_spike"][0]
    (f,) = evaluate(rule, context_with_views(MONDAY, keyword=[fires]), dict(rule.info.params))
    payload = json.loads(json.dumps(f.to_dict("zh"), ensure_ascii=False))
    assert payload["code"] == "paid_cpc_spike" and payload["is_cause"] is True
    assert payload["value"] == 2.0 and payload["baseline"] == 1.2
    assert payload["text"] == f.zh
    assert NONE.params("paid_cpc_spike", "s1")["z"] == 4.0


# The weekly page-health review (report/health.py) reads its limits from these rules: at each limit both must agree.
PAGE_LIMITS = {  # rule → (view column, the review's check, the other columns the rule reads)
    "bounce_rate_high": ("bounce_rate_7d", "bounce_rate", {"bounce_rate_prev": 0.5, "returning_share_7d": 0.1}),
    "pages_per_visitor_low": ("pages_per_visitor_7d", "pages_per_visitor", {"pages_per_visitor_prev": 3.0}),
    "revenue_per_buyer_vs_hero": ("rpb_ratio_7d", "rpb_vs_main", {"rpb_ratio_prev": 1.6}),
}


@pytest.mark.parametrize("name", sorted(PAGE_LIMITS))
def test_the_weekly_review_and_the_rule_share_each_limit(name):
    from shopops.report.health import THRESHOLDS

    column, check, others = PAGE_LIMITS[name]  # `others`: the weeks before passed, so failing now is a warning
    rule, threshold = RULES[name], next(t for t in THRESHOLDS if t.key == check)
    limit, step = threshold.passing, (-0.01 if threshold.lower_is_better else 0.01)
    # "< 70 % passes" (lower is better: the limit fails), "≥ 2.5 passes" (higher is better: the limit passes)
    passing, failing = (limit + step, limit) if threshold.lower_is_better else (limit, limit - step)
    for value, verdict in ((passing, "pass"), (failing, "fail")):
        fired = evaluate(rule, context_with_views(MONDAY, store=[row(**{column: value}, **others)]), rule.info.params)
        assert threshold.verdict(value) == verdict, value
        assert (Severity.WARNING in {f.severity for f in fired}) == (verdict == "fail"), value
