"""Every scenario visibly moves the metric its cause names, against a clean run of the same seed; ``clean`` moves
nothing; the planted run equals the clean run before the cause starts; truth.json says exactly what was planted."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from simkit import DAYS, START, WINDOW, Sql, small

from shopops.schema.causes import CAUSES, Cause
from shopops.simulate import SCENARIOS, TRUTH
from shopops.simulate.config import BadScenario, ScenarioRequest

SEEDS = (1, 2)


def _pair(sims, name: str, seed: int):
    planted = sims(f"{name}-{seed}", small(seed, (f"{name}@{WINDOW}",)))
    clean = sims(f"clean-{seed}", small(seed))
    (event,) = planted.events
    return Sql(planted.out), Sql(clean.out), event


def _change(a: float, b: float) -> float:
    return a / b - 1


# Each check: the oracle is plain SQL over the files, written from the cause's definition, not from the engine.
def _search_rank_drop(p: Sql, c: Sql, e) -> None:
    q = "SELECT sum(search_visitors), avg(search_rank), sum(search_visitors) / sum(search_impressions) FROM {product_daily} WHERE sku = ? AND date BETWEEN ? AND ?"
    (pv, prank, pctr), (cv, crank, cctr) = p(q, e.subject, e.start, e.end)[0], c(q, e.subject, e.start, e.end)[0]
    assert _change(pv, cv) <= -0.25  # search visitors of the product fall
    assert _change(prank, crank) >= 0.2  # because its rank got worse
    assert abs(_change(pctr, cctr)) <= 0.2  # while its click-through holds (up to sampling noise)


def _paid_cpc_spike(p: Sql, c: Sql, e) -> None:
    q = "SELECT sum(cost) / sum(clicks), sum(clicks) FROM {ad_keywords} WHERE keyword = ? AND date BETWEEN ? AND ?"
    (pcpc, pclicks), (ccpc, cclicks) = p(q, e.subject, e.start, e.end)[0], c(q, e.subject, e.start, e.end)[0]
    assert _change(pcpc, ccpc) >= 0.25
    assert abs(_change(pclicks, cclicks)) <= 0.15  # the rank is held, so clicks are not the story


def _main_image_ctr_fall(p: Sql, c: Sql, e) -> None:
    q = "SELECT sum(search_visitors) / sum(search_impressions), sum(search_impressions) FROM {product_daily} WHERE sku = ? AND date BETWEEN ? AND ?"
    (pctr, pimp), (cctr, cimp) = p(q, e.subject, e.start, e.end)[0], c(q, e.subject, e.start, e.end)[0]
    assert _change(pctr, cctr) <= -0.2
    assert abs(_change(pimp, cimp)) <= 0.1
    img = "SELECT main_image_hash FROM {products} WHERE sku = ?"
    assert p.one(img, e.subject) == e.detail["new_image_hash"] != c.one(img, e.subject) == e.detail["old_image_hash"]


def _negative_reviews(p: Sql, c: Sql, e) -> None:
    bad = "SELECT count(*) FROM {reviews} WHERE sku = ? AND rating <= 2 AND review_time::date BETWEEN ? AND ?"
    assert (
        p.one(bad, e.subject, e.start - timedelta(days=3), e.end)
        >= 3 * c.one(bad, e.subject, e.start - timedelta(days=3), e.end) + 5
    )
    q = "SELECT sum(buyers) / sum(visitors) FROM {product_daily} WHERE sku = ? AND date BETWEEN ? AND ?"
    after = e.start + timedelta(days=3)  # shoppers read the reviews as they land
    assert _change(p.one(q, e.subject, after, e.end), c.one(q, e.subject, after, e.end)) <= -0.15


def _stockout(p: Sql, c: Sql, e) -> None:
    units = "SELECT coalesce(sum(units), 0) FROM {product_daily} WHERE sku = ? AND date BETWEEN ? AND ?"
    assert p.one(units, e.subject, e.start, e.end) == 0 < c.one(units, e.subject, e.start, e.end)
    stock = "SELECT max(on_hand) FROM {inventory} WHERE sku = ? AND date BETWEEN ? AND ?"
    assert p.one(stock, e.subject, e.start, e.end) == 0 < c.one(stock, e.subject, e.start, e.end)
    best = "SELECT sku FROM {order_lines} l JOIN {orders} o USING (order_id) WHERE l.line_no = '1' AND o.paid_time::date BETWEEN ? AND ? GROUP BY sku ORDER BY count(*) DESC LIMIT 1"
    assert c.one(best, e.start - timedelta(days=28), e.start - timedelta(days=1)) == e.subject  # the hero


def _competitor_undercut(p: Sql, c: Sql, e) -> None:
    sku, listing = e.detail["sku"], e.detail["listing_id"]
    price = (
        "SELECT max(price) FROM {competitor_listings} WHERE listing_id = ? AND competitor = ? AND date BETWEEN ? AND ?"
    )
    ours = p.one("SELECT price FROM {products} WHERE sku = ?", sku)
    assert (
        p.one(price, listing, e.subject, e.start, e.end)
        <= ours * 0.9
        < c.one(price, listing, e.subject, e.start, e.end)
    )
    q = "SELECT sum(buyers) / sum(visitors) FROM {product_daily} WHERE sku = ? AND date BETWEEN ? AND ?"
    assert _change(p.one(q, sku, e.start, e.end), c.one(q, sku, e.start, e.end)) <= -0.15


def _detail_page_bounce(p: Sql, c: Sql, e) -> None:
    q = "SELECT sum(bounce_rate * visitors) / sum(visitors), sum(buyers) FROM {product_daily} WHERE sku = ? AND date BETWEEN ? AND ?"
    (pb, pbuy), (cb, cbuy) = p(q, e.subject, e.start, e.end)[0], c(q, e.subject, e.start, e.end)[0]
    assert pb - cb >= 0.08  # bounce-rate points
    assert pbuy < cbuy


def _bundle_removed(p: Sql, c: Sql, e) -> None:
    store = (
        "SELECT sum(paid_amount) / sum(paid_buyers), sum(paid_buyers) FROM {traffic_daily} WHERE date BETWEEN ? AND ?"
    )
    (prpb, pbuyers), (crpb, cbuyers) = p(store, e.start, e.end)[0], c(store, e.start, e.end)[0]
    assert _change(prpb, crpb) <= -0.05  # the store's 客单价 falls …
    assert abs(_change(pbuyers, cbuyers)) <= 0.05  # … while its buyers hold
    hero = (
        "SELECT avg(o.paid_amount), avg((SELECT count(*) FROM {order_lines} x WHERE x.order_id = o.order_id AND x.sku = ?)) "
        "FROM {orders} o JOIN {order_lines} l ON l.order_id = o.order_id AND l.line_no = '1' "
        "WHERE l.sku = ? AND o.paid_time::date BETWEEN ? AND ?"
    )
    (pv, pset), (cv, cset) = (x(hero, e.detail["bundle_sku"], e.subject, e.start, e.end)[0] for x in (p, c))
    assert _change(pv, cv) <= -0.15 and pset < 0.2 * cset  # the hero's orders lost their set companion


def _agent_slump(p: Sql, c: Sql, e) -> None:
    q = "SELECT sum(inquirers_paid) / sum(inquiries), avg(response_seconds) FROM {service_daily} WHERE agent = ? AND date BETWEEN ? AND ?"
    (pconv, presp), (cconv, cresp) = p(q, e.subject, e.start, e.end)[0], c(q, e.subject, e.start, e.end)[0]
    assert _change(pconv, cconv) <= -0.15
    assert _change(presp, cresp) >= 0.25


def _campaign_pull_forward(p: Sql, c: Sql, e) -> None:
    campaign_end = date.fromisoformat(e.detail["campaign_end"])
    gmv = "SELECT sum(paid_amount) FROM {traffic_daily} WHERE date BETWEEN ? AND ?"
    assert _change(p.one(gmv, e.start, campaign_end), c.one(gmv, e.start, campaign_end)) >= 0.25
    after = campaign_end + timedelta(days=1)
    assert _change(p.one(gmv, after, e.end), c.one(gmv, after, e.end)) <= -0.08
    src = "SELECT sum(visitors) FROM {traffic_daily} WHERE source = ? AND date BETWEEN ? AND ?"
    assert p.one(src, e.subject, e.start, campaign_end) >= 3 * c.one(src, e.subject, e.start, campaign_end)
    assert p.one("SELECT count(*) FROM {campaigns} WHERE campaign_id = ?", e.detail["campaign_id"]) == 1


def _copycat_listing(p: Sql, c: Sql, e) -> None:
    sku = e.detail["sku"]
    q = "SELECT sum(visitors), sum(buyers) FROM {product_daily} WHERE sku = ? AND date BETWEEN ? AND ?"
    (pv, pb), (cv, cb) = p(q, sku, e.start, e.end)[0], c(q, sku, e.start, e.end)[0]
    assert _change(pv, cv) <= -0.12 and pb < cb
    copy = (
        "SELECT min(c.first_seen), count(*) FROM {competitor_listings} c JOIN {products} p "
        "ON c.image_hash = p.main_image_hash AND c.matched_sku = p.sku WHERE c.competitor = ? AND p.sku = ?"
    )
    assert p(copy, e.subject, sku)[0] == (e.start, (e.end - e.start).days + 1)
    assert c(copy, e.subject, sku)[0][1] == 0


CHECKS = {
    "search_rank_drop": _search_rank_drop,
    "paid_cpc_spike": _paid_cpc_spike,
    "main_image_ctr_fall": _main_image_ctr_fall,
    "negative_reviews": _negative_reviews,
    "stockout": _stockout,
    "competitor_undercut": _competitor_undercut,
    "detail_page_bounce": _detail_page_bounce,
    "bundle_removed": _bundle_removed,
    "agent_slump": _agent_slump,
    "campaign_pull_forward": _campaign_pull_forward,
    "copycat_listing": _copycat_listing,
}


def test_every_scenario_has_a_check():
    assert set(CHECKS) == set(SCENARIOS)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario_moves_its_metric(sims, name, seed):
    p, c, event = _pair(sims, name, seed)
    assert event.cause == Cause(name) and event.start == WINDOW
    CHECKS[name](p, c, event)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_nothing_moves_before_the_cause(sims, name):
    """Planting changes nothing before it starts (the negative-review batch ships earlier: its reviews differ)."""
    p, c, event = _pair(sims, name, SEEDS[0])
    first = event.start
    if name == "negative_reviews":
        first = date.fromisoformat(event.detail["bad_batch_first_order"])
    for table in ("traffic_daily", "product_daily", "ad_keywords", "service_daily", "inventory", "orders"):
        col = "paid_time::date" if table == "orders" else "date"
        q = f"SELECT * FROM {{{table}}} WHERE {col} < ? ORDER BY ALL"
        assert p(q, first) == c(q, first), table


CLEAN_BAND = 0.15  # two weeks against the two weeks before: day noise plus lifecycle drift, nothing planted
STORE_NUMBERS = {
    "visitors": "SELECT sum(visitors) FROM {traffic_daily} WHERE date BETWEEN ? AND ?",
    "conversion": "SELECT sum(paid_buyers) / sum(visitors) FROM {traffic_daily} WHERE date BETWEEN ? AND ?",
    "revenue per buyer": "SELECT sum(paid_amount) / sum(paid_buyers) FROM {traffic_daily} WHERE date BETWEEN ? AND ?",
    "bounce": "SELECT sum(bounce_rate * visitors) / sum(visitors) FROM {traffic_daily} WHERE date BETWEEN ? AND ?",
    "depth": "SELECT sum(page_views) / sum(visitors) FROM {traffic_daily} WHERE date BETWEEN ? AND ?",
    "cpc": "SELECT sum(cost) / sum(clicks) FROM {ad_keywords} WHERE date BETWEEN ? AND ?",
    "agent conversion": "SELECT sum(inquirers_paid) / sum(inquiries) FROM {service_daily} WHERE date BETWEEN ? AND ?",
}


@pytest.mark.parametrize("seed", (*SEEDS, 3))
def test_clean_plants_nothing_and_stays_in_its_band(sims, seed):
    result = sims(f"clean-{seed}", small(seed))
    assert json.loads((result.out / TRUTH).read_text(encoding="utf-8")) == []
    eff = result.plan.stores[0].effects
    assert (eff.impressions == 1).all() and (eff.cvr == 1).all() and (eff.bounce == 0).all() and not eff.stock_holds
    s = Sql(result.out)
    window = (WINDOW, WINDOW + timedelta(days=13))
    before = (WINDOW - timedelta(days=14), WINDOW - timedelta(days=1))
    for name, q in STORE_NUMBERS.items():
        assert abs(_change(s.one(q, *window), s.one(q, *before))) <= CLEAN_BAND, name
    assert (
        s.one("SELECT count(*) FROM {competitor_listings} c JOIN {products} p ON c.image_hash = p.main_image_hash") == 0
    )


def test_truth_json_lists_what_was_planted(sims):
    result = sims("combined", small(3, ("stockout@2025-04-05:5", "paid_cpc_spike@2025-04-12", "copycat_listing")))
    truth = json.loads((result.out / TRUTH).read_text(encoding="utf-8"))
    assert len(truth) == 3
    keys = {"scenario", "cause", "store", "subject_kind", "subject", "start", "end", "magnitude", "metric", "detail"}
    for ev in truth:
        assert set(ev) == keys
        info = CAUSES[Cause(ev["cause"])]
        assert ev["scenario"] == ev["cause"] and ev["subject_kind"] == info.subject_kind and ev["metric"] == info.metric
        start, end = date.fromisoformat(ev["start"]), date.fromisoformat(ev["end"])
        assert START <= start <= end <= START + timedelta(days=DAYS - 1)
        lo, hi = SCENARIOS[ev["scenario"]].magnitude
        assert lo - 1e-4 <= ev["magnitude"] <= hi + 1e-4
        assert ev["store"] == "shop1" and ev["subject"]
    by = {ev["scenario"]: ev for ev in truth}
    assert (by["stockout"]["start"], by["stockout"]["end"]) == ("2025-04-05", "2025-04-09")
    assert by["paid_cpc_spike"]["end"] == "2025-04-21"  # its default 10 days
    subjects = [ev["detail"].get("sku", ev["subject"]) for ev in truth]
    assert len(set(subjects)) == 3  # combined causes never share a subject
    # combined, each still shows: the hero sells nothing while it is out of stock
    s = Sql(result.out)
    hero = by["stockout"]["subject"]
    assert (
        s.one(
            "SELECT sum(units) FROM {product_daily} WHERE sku = ? AND date BETWEEN '2025-04-05' AND '2025-04-09'", hero
        )
        == 0
    )


def test_no_scenario_plants_two_random_causes_in_the_last_third(sims):
    result = sims("random", small(5, ()))
    assert len(result.events) == 2 and len({e.scenario for e in result.events}) == 2
    for e in result.events:
        assert (e.start - START).days >= DAYS - DAYS // 3


@pytest.mark.parametrize(
    "spec, reason",
    [
        ("nonsense", "unknown scenario"),
        ("stockout@2025-13-01", "is not a date"),
        ("stockout@2025-04-01:0", "at least 1"),
        ("stockout@2024-01-01", "outside the period"),
        ("stockout/2", "cannot read"),
    ],
)
def test_bad_scenarios_are_refused_with_the_valid_names(tmp_path, spec, reason):
    from shopops.simulate import simulate

    with pytest.raises(BadScenario) as exc:
        simulate(small(1, (spec,)), tmp_path)
    assert reason in exc.value.message("en") and "search_rank_drop" in exc.value.message("en")


def test_clean_does_not_combine():
    from shopops.simulate import parse_scenarios

    with pytest.raises(BadScenario):
        parse_scenarios(["clean", "stockout"])
    assert parse_scenarios(["clean"]) == () and parse_scenarios([]) is None
    assert parse_scenarios(["stockout@2025-04-05:5"]) == (ScenarioRequest("stockout", date(2025, 4, 5), 5),)
