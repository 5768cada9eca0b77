"""From a config to a plan: the shops, their expected demand, their monthly targets and the planted events."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from shopops.schema.causes import CAUSES
from shopops.simulate.catalog import Shop, build_shop
from shopops.simulate.config import BadScenario, ScenarioRequest, SimConfig
from shopops.simulate.effects import Effects
from shopops.simulate.expect import Expectation, expect
from shopops.simulate.scenarios import (
    CLEAN,
    SCENARIO_NAMES,
    SCENARIOS,
    Event,
    NothingToHit,
    NotPlantable,
    PlantContext,
    window,
)
from shopops.simulate.sources import SOURCES
from shopops.simulate.themes import THEMES

log = logging.getLogger(__name__)

PLATFORMS = {"canonical": "tmall", "sycm": "tmall", "shopify": "shopify", "amazon": "amazon"}
RANDOM_EVENTS = 2


def rng_for(*key: int) -> np.random.Generator:
    """An independent stream per purpose, so planting a cause never shifts the noise of anything else."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([int(k) for k in key])))


@dataclass(frozen=True)
class StorePlan:
    shop: Shop
    exp: Expectation
    effects: Effects
    targets: tuple[tuple[str, int], ...]  # (YYYY-MM, GMV target in cents)


@dataclass(frozen=True)
class Plan:
    config: SimConfig
    stores: tuple[StorePlan, ...]
    events: tuple[Event, ...]


def store_ids(cfg: SimConfig) -> list[str]:
    return [f"{cfg.store_prefix}{i + 1}" for i in range(cfg.stores)]


def make_plan(cfg: SimConfig) -> Plan:
    platform = PLATFORMS[cfg.format]
    stores: list[tuple[Shop, Expectation, Effects]] = []
    for i, sid in enumerate(store_ids(cfg)):
        rng = rng_for(cfg.seed, 100, i)
        theme = THEMES[(cfg.seed + i) % len(THEMES)]
        shop = build_shop(
            rng,
            index=i,
            store_id=sid,
            theme=theme,
            n_products=cfg.products,
            days=cfg.days,
            platform=platform,
            seed=cfg.seed,
        )
        exp = expect(shop, cfg.start, cfg.end, cfg.visitors_per_day, trend=float(rng.uniform(-0.05, 0.3)))
        eff = Effects(cfg.days, len(shop.products), len(SOURCES), len(shop.keywords), len(shop.agents))
        stores.append((shop, exp, eff))

    requests = _requests(cfg)
    contexts = [PlantContext(shop, exp, eff, cfg.start, cfg.days) for shop, exp, eff in stores]
    events = []
    for n, req in enumerate(requests):
        rng = rng_for(cfg.seed, 300, n)
        scenario = SCENARIOS[req.name]
        ctx = contexts[int(rng.integers(len(contexts)))]
        first, last = window(req, scenario, cfg.start, cfg.days, rng)
        magnitude = float(rng.uniform(*scenario.magnitude))
        try:
            subject, detail = scenario.plant(ctx, rng, first, last, magnitude)
        except NothingToHit as exc:
            raise NotPlantable(scenario=scenario.name, reason=str(exc)) from None
        last = last + int(detail.get("pull_forward_days", 0))
        info = CAUSES[scenario.cause]
        events.append(
            Event(
                scenario=scenario.name,
                cause=scenario.cause,
                store=ctx.shop.store_id,
                subject_kind=info.subject_kind,
                subject=subject,
                start=cfg.start + timedelta(days=first),
                end=cfg.start + timedelta(days=last),
                magnitude=magnitude,
                metric=info.metric,
                detail=detail,
            )
        )
        log.info("planted %s on %s %s, %s … %s", scenario.name, info.subject_kind, subject, first, last)
    plans = tuple(
        StorePlan(shop, exp, eff, _targets(exp, cfg.days, rng_for(cfg.seed, 400, shop.index), shop.currency))
        for shop, exp, eff in stores
    )
    return Plan(cfg, plans, tuple(events))


def _requests(cfg: SimConfig) -> list[ScenarioRequest]:
    if cfg.scenarios is None:
        rng = rng_for(cfg.seed, 200)
        names = rng.choice(sorted(SCENARIOS), RANDOM_EVENTS, replace=False)
        return [ScenarioRequest(str(n)) for n in names]
    return [r for r in cfg.scenarios if r.name != CLEAN]


def parse_scenarios(specs: list[str] | None) -> tuple[ScenarioRequest, ...] | None:
    """``--scenario`` values → requests; none given → None (two random causes); ``clean`` alone → ()."""
    if not specs:
        return None
    reqs = tuple(ScenarioRequest.parse(s, SCENARIO_NAMES) for s in specs)
    if any(r.name == CLEAN for r in reqs) and len(reqs) > 1:
        raise BadScenario(
            spec=" ".join(specs), reason="'clean' cannot combine with other scenarios", valid=", ".join(SCENARIO_NAMES)
        )
    return tuple(r for r in reqs if r.name != CLEAN)


def _targets(exp: Expectation, days: int, rng: np.random.Generator, currency: str) -> tuple[tuple[str, int], ...]:
    """A monthly GMV target per month the period touches: expected GMV plus 0–12 % ambition, rounded."""
    cal = exp.calendar
    unit = 100_000 if currency == "CNY" else 10_000  # ¥1,000 or $100
    wanted = {cal.day(exp.offset + d).strftime("%Y-%m") for d in range(days)}
    months: dict[str, float] = {}
    for e in range(cal.days):
        key = cal.day(e).strftime("%Y-%m")
        if key in wanted:
            months[key] = months.get(key, 0.0) + float(exp.gmv[e].sum())
    out = []
    for key in sorted(months):
        ambition = rng.uniform(1.0, 1.12)
        out.append((key, int(round(months[key] * ambition / unit)) * unit))
    return tuple(out)
