"""Per-store thresholds in thresholds.toml: merged over the defaults, and every typo is an error naming it."""

from __future__ import annotations

import pytest

from shopops.diagnose.errors import BadThresholds, UnknownParam, UnknownRule
from shopops.diagnose.overrides import FILE_NAME, load_overrides, parse_overrides


def write(tmp_path, text: str):
    (tmp_path / FILE_NAME).write_text(text, encoding="utf-8")
    return load_overrides(tmp_path)


def test_no_file_means_defaults(tmp_path):
    o = load_overrides(tmp_path)
    assert o.params("stock_cover_low", "s1")["min_days"] == 7.0
    assert o.enabled("stock_cover_low", "s1")


def test_store_beats_all_beats_default(tmp_path):
    o = write(tmp_path, '["*".stock_cover_low]\nmin_days = 10\n\n[s1.stock_cover_low]\nmin_days = 14\n')
    assert o.params("stock_cover_low", "s1")["min_days"] == 14
    assert o.params("stock_cover_low", "s2")["min_days"] == 10
    assert o.params("stock_cover_low", "s2")["min_units"] == 1.0  # untouched params keep their defaults


def test_disable_a_rule_for_one_store(tmp_path):
    o = write(tmp_path, "[s1.agent_below_team]\nenabled = false\n")
    assert not o.enabled("agent_below_team", "s1")
    assert o.enabled("agent_below_team", "s2")
    assert "enabled" not in o.params("agent_below_team", "s1")


def test_unknown_rule_lists_the_valid_ones(tmp_path):
    with pytest.raises(UnknownRule) as e:
        write(tmp_path, "[s1.bounce_rate_hihg]\nfail = 0.6\n")
    assert "bounce_rate_hihg" in e.value.message() and "bounce_rate_high" in e.value.message()


def test_unknown_param_lists_the_valid_ones(tmp_path):
    with pytest.raises(UnknownParam) as e:
        write(tmp_path, "[s1.bounce_rate_high]\nfial = 0.6\n")
    msg = e.value.message()
    assert "fial" in msg and "fail" in msg and "good" in msg


@pytest.mark.parametrize(
    "text",
    [
        '[s1.bounce_rate_high]\nfail = "high"\n',
        "[s1.bounce_rate_high]\nenabled = 1\n",
        "s1 = 3\n",
        "[s1]\nbounce_rate_high = 2\n",
        "[s1.bounce_rate_high\nfail = 0.6\n",
    ],
)
def test_bad_values_are_errors(tmp_path, text):
    with pytest.raises(BadThresholds) as e:
        write(tmp_path, text)
    assert FILE_NAME in e.value.message()


def test_parse_in_memory():
    o = parse_overrides({"s1": {"pages_per_visitor_low": {"fail": 2.0, "weekday": 4}}})
    expected = {"fail": 2.0, "passed_before": 2.65, "good": 3.5, "strong": 4.0, "weekday": 4}
    assert o.params("pages_per_visitor_low", "s1") == expected
