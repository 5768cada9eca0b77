"""GMV decomposition: effects add up to the change to the cent, whatever the data (hypothesis), and known cases."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from shopops.metrics.decompose import Funnel, apportion, decompose, shapley

SOURCES = ["搜索", "直通车", "推荐", "活动"]


@st.composite
def funnels(draw):
    out = {}
    for s in draw(st.lists(st.sampled_from(SOURCES), unique=True, max_size=4)):
        visitors = draw(st.integers(0, 50_000))
        buyers = draw(st.integers(0, visitors)) if draw(st.booleans()) else draw(st.integers(0, 3))
        cents = draw(st.integers(0, 10**9)) if buyers or draw(st.booleans()) else 0
        out[s] = (visitors, buyers, cents)
    return out


def _as(funnel_dict, days):
    return {
        s: Funnel(Fraction(v, days), Fraction(b, days), Fraction(c, 100 * days)) for s, (v, b, c) in funnel_dict.items()
    }


@settings(max_examples=300, deadline=None)
@given(now=funnels(), base=funnels(), days=st.sampled_from([1, 7]))
def test_effects_add_up_to_the_change_to_the_cent(now, base, days):
    today, before = _as(now, 1), _as(base, days)
    d = decompose(today, before)
    exact_total = sum(f.gmv for f in today.values()) - sum(f.gmv for f in before.values())
    assert abs(Fraction(d.total.delta_gmv) - exact_total) <= Fraction(1, 200)
    assert sum(r.delta_gmv for r in d.sources) == d.total.delta_gmv
    for r in d.sources:
        assert r.traffic_effect + r.conversion_effect + r.aov_effect == r.delta_gmv, r
        assert r.gmv - r.base_gmv == r.delta_gmv
        assert all(x == x.quantize(Decimal("0.01")) for x in (r.traffic_effect, r.conversion_effect, r.aov_effect))
    t = d.total
    assert t.traffic_effect + t.conversion_effect + t.aov_effect == t.delta_gmv
    assert t.gmv == sum(Fraction(c, 100) for _, _, c in now.values())


@given(now=funnels(), base=funnels())
def test_exact_effects_sum_exactly_before_rounding(now, base):
    for s in set(now) | set(base):
        b = _as(base, 1).get(s, Funnel.of(0, 0, 0))
        n = _as(now, 1).get(s, Funnel.of(0, 0, 0))
        assert sum(shapley(b, n)) == n.gmv - b.gmv


def test_only_traffic_moved():
    d = decompose({"搜索": Funnel.of(120, 6, Decimal("600.00"))}, {"搜索": Funnel.of(100, 5, Decimal("500.00"))})
    r = d.sources[0]
    assert (r.traffic_effect, r.conversion_effect, r.aov_effect) == (Decimal("100.00"), 0, 0)


def test_two_factors_split_the_interaction_evenly():
    # UV 100→200 and 客单价 100→150 at 5 % conversion: 500 → 1500. Shapley gives each half the cross term.
    d = decompose({"s": Funnel.of(200, 10, 1500)}, {"s": Funnel.of(100, 5, 500)})
    r = d.sources[0]
    # traffic: ½(Δx·z0 + Δx·z1)·y = ½(100·100 + 100·150)·0.05 = 625; 客单价: ½(x0 + x1)·Δz·y = 375
    assert (r.traffic_effect, r.conversion_effect, r.aov_effect) == (Decimal("625.00"), 0, Decimal("375.00"))


def test_disappearing_and_appearing_sources_are_traffic_effects():
    d = decompose({"活动": Funnel.of(400, 20, 2000)}, {"直通车": Funnel.of(300, 9, 900)})
    by = {r.source: r for r in d.sources}
    assert by["活动"].traffic_effect == Decimal("2000.00") and by["活动"].conversion_effect == 0
    assert by["直通车"].traffic_effect == Decimal("-900.00") and by["直通车"].aov_effect == 0
    assert d.total.delta_gmv == Decimal("1100.00")


def test_gmv_without_buyers_is_still_accounted_for():
    # Inconsistent export (GMV but no buyers): the sum still holds, to the cent.
    d = decompose({"s": Funnel.of(10, 0, Decimal("99.99"))}, {"s": Funnel.of(10, 1, Decimal("50.00"))})
    r = d.sources[0]
    assert r.traffic_effect + r.conversion_effect + r.aov_effect == Decimal("49.99")


@given(st.lists(st.fractions(min_value=-1000, max_value=1000, max_denominator=700), min_size=1, max_size=6))
def test_apportion_keeps_the_total_and_stays_within_a_cent(parts):
    total = round(sum(parts) * 100)
    cents = apportion(total, parts)
    assert sum(cents) == total
    assert all(abs(c - p * 100) < 2 for c, p in zip(cents, parts, strict=True))
