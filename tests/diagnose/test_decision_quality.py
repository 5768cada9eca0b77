"""The decision-quality benchmark in small: one seed, a few scenarios, the same code as bench/decision_quality.py.

Each run simulates a shop with one planted cause, imports it and diagnoses every day of the planted window (the
diagnosis never sees truth.json). The full benchmark prints the figures for every scenario and several seeds.
"""

from __future__ import annotations

import importlib.util
import sys

import pytest

from testpaths import ROOT

spec = importlib.util.spec_from_file_location("decision_quality", ROOT / "bench" / "decision_quality.py")
dq = importlib.util.module_from_spec(spec)
sys.modules["decision_quality"] = dq  # dataclasses look their module up
spec.loader.exec_module(dq)


@pytest.mark.parametrize("scenario", ["stockout", "paid_cpc_spike"])
def test_planted_cause_ranks_first(scenario):
    run = dq.evaluate(scenario, seed=1)
    assert run.days > 0
    assert run.hits / run.days >= 0.9, run.misses


@pytest.mark.slow
@pytest.mark.parametrize(
    "scenario", ["detail_page_bounce", "negative_reviews", "bundle_removed", "copycat_listing", "campaign_pull_forward"]
)
def test_more_planted_causes_rank_first(scenario):
    run = dq.evaluate(scenario, seed=1)
    assert run.hits / run.days >= 0.9, run.misses


def test_clean_shop_stays_quiet():
    run = dq.evaluate("clean", seed=1, clean_days=14)
    assert run.days == 14
    assert run.alarm_days <= 1, run.alarms


def test_report_prints_the_headline_figures(capsys):
    runs = [dq.Run("stockout", 1, days=6, hits=6, found=6), dq.Run("clean", 1, days=10, alarm_days=1)]
    figures = dq.report(runs)
    assert figures == {"top1_days": 1.0, "top1_scenarios": 1.0, "clean_alarm_days": 0.1}
    out = capsys.readouterr().out
    assert "top-1" in out and "100.0%" in out and "10.0%" in out
