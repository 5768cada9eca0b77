"""Scenarios: each plants one cause (a code from ``shopops.schema.causes``) on one subject in one window.

A scenario is data — its cause, default length, magnitude range and what the magnitude means — plus a ``plant``
function that picks the subject (a top seller of the window, a costly keyword, an agent, a competitor) and writes
its multipliers into ``Effects``. ``clean`` is the scenario that plants nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any

import numpy as np

from shopops.errors import UsageError
from shopops.schema.causes import CAUSES, Cause
from shopops.simulate.catalog import Shop, image_hash
from shopops.simulate.config import BadScenario, ScenarioRequest
from shopops.simulate.effects import CopycatListing, Effects, PriceCut, StoreCampaign
from shopops.simulate.expect import Expectation
from shopops.simulate.sources import CAMPAIGN, RECOMMEND, SEARCH, source_names

CLEAN = "clean"


class NotPlantable(UsageError):
    """The shop has nothing this scenario could hit (say, a window before anything sold)."""

    en = "cannot plant {scenario} here: {reason}; choose another start date or scenario"
    zh = "无法在此植入 {scenario}:{reason};请换一个开始日期或场景"


class NothingToHit(Exception):
    """Raised by a plant function; the planner turns it into ``NotPlantable`` naming the scenario."""


ASSISTED_SHARE = 0.45  # share of orders a service agent helped close (an agent slump costs the store these)
REVIEW_LAG = 6  # days from a bad batch's orders to its reviews showing on the page


@dataclass(frozen=True)
class Event:
    """One planted cause, exactly as ``truth.json`` lists it."""

    scenario: str
    cause: Cause
    store: str
    subject_kind: str
    subject: str
    start: date
    end: date
    magnitude: float
    metric: str
    detail: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "detail", MappingProxyType(dict(self.detail)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "cause": str(self.cause),
            "store": self.store,
            "subject_kind": self.subject_kind,
            "subject": self.subject,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "magnitude": round(self.magnitude, 4),
            "metric": self.metric,
            "detail": dict(self.detail),
        }


@dataclass
class PlantContext:
    shop: Shop
    exp: Expectation
    effects: Effects
    start: date  # period start
    days: int
    taken: set[tuple[str, str]] = field(default_factory=set)  # (kind, subject) already hit by another event

    def top_products(self, first: int, last: int, *, n: int = 3, accessories: bool = False) -> list[int]:
        """The best sellers (销量) of the window by their own buyers, not the set companions they sell with."""
        e0, e1 = first + self.exp.offset, last + 1 + self.exp.offset
        score = self.exp.buyers[e0:e1].sum(axis=(0, 2))
        cats = self.shop.theme.categories
        prods = self.shop.products
        # A hero's set companion sells mostly inside the set, so its own page moves little: never the subject.
        companions = set(prods.partner[prods.attach >= 0.5].tolist())
        for p in range(len(score)):
            acc = cats[prods.category[p]].accessory
            if (acc and not accessories) or p in companions or ("sku", prods.sku[p]) in self.taken:
                score[p] = -1
        return [int(p) for p in np.argsort(-score, kind="stable")[:n] if score[p] > 0]

    def pick_product(self, rng: np.random.Generator, first: int, last: int, **kw: Any) -> int:
        top = self.top_products(first, last, **kw)
        if not top:
            raise NothingToHit("no product is selling in that window")
        return top[int(rng.integers(len(top)))]

    def claim_sku(self, p: int) -> str:
        sku = str(self.shop.products.sku[p])
        self.taken.add(("sku", sku))
        return sku


Planted = tuple[str, dict[str, Any]]  # (subject, detail)


@dataclass(frozen=True)
class Scenario:
    name: str
    cause: Cause
    default_days: int
    magnitude: tuple[float, float]  # drawn uniformly; the sign says which way the lever moves
    magnitude_means: str
    plant: Callable[[PlantContext, np.random.Generator, int, int, float], Planted]


def _rank_drop(ctx: PlantContext, rng: np.random.Generator, f: int, last: int, m: float) -> Planted:
    p = ctx.pick_product(rng, f, last)
    ctx.effects.impressions[f : last + 1, p] *= 1 + m
    ctx.effects.rank[f : last + 1, p] *= (1 + m) ** -1.2
    return ctx.claim_sku(p), {}


def _cpc_spike(ctx: PlantContext, rng: np.random.Generator, f: int, last: int, m: float) -> Planted:
    kw = ctx.shop.keywords
    e0, e1 = f + ctx.exp.offset, last + 1 + ctx.exp.offset
    cost = ctx.exp.clicks[e0:e1].sum(axis=0) * kw.bid0
    for k in range(len(kw)):
        if ("keyword", str(kw.text[k])) in ctx.taken or ("sku", str(ctx.shop.products.sku[kw.product[k]])) in ctx.taken:
            cost[k] = -1
    top = [int(k) for k in np.argsort(-cost, kind="stable")[:3] if cost[k] > 0]
    if not top:
        raise NothingToHit("the shop advertises no keyword in that window")
    k = top[int(rng.integers(len(top)))]
    ctx.effects.cpc[f : last + 1, k] *= 1 + m
    ctx.taken.add(("keyword", str(kw.text[k])))
    return str(kw.text[k]), {"campaign": str(kw.campaign[k]), "sku": str(ctx.shop.products.sku[kw.product[k]])}


def _image_ctr(ctx: PlantContext, rng: np.random.Generator, f: int, last: int, m: float) -> Planted:
    p = ctx.pick_product(rng, f, last)
    ctx.effects.ctr[f : last + 1, p] *= 1 + m
    ctx.effects.new_images.append((p, f))
    old = str(ctx.shop.products.image[p])
    return ctx.claim_sku(p), {"old_image_hash": old, "new_image_hash": image_hash(old, "redesign", f)}


def _bad_reviews(ctx: PlantContext, rng: np.random.Generator, f: int, last: int, m: float) -> Planted:
    p = ctx.pick_product(rng, f, last)
    ctx.effects.bad_batch[max(0, f - REVIEW_LAG) : max(0, last - REVIEW_LAG) + 1, p] = m
    return ctx.claim_sku(p), {"bad_batch_first_order": (ctx.start + timedelta(days=max(0, f - REVIEW_LAG))).isoformat()}


def _stockout(ctx: PlantContext, rng: np.random.Generator, f: int, last: int, m: float) -> Planted:
    p = ctx.top_products(max(0, f - 28), max(0, f - 1), n=1)
    if not p:
        raise NothingToHit("no product sold before that window")
    ctx.effects.stock_holds.append((p[0], f, last))
    return ctx.claim_sku(p[0]), {}


def _undercut(ctx: PlantContext, rng: np.random.Generator, f: int, last: int, m: float) -> Planted:
    comp = ctx.shop.competitors
    top = ctx.top_products(f, last, n=6)
    present = comp.launch <= f
    peers = [
        i
        for i in range(len(comp.listing))
        if present[i] and comp.matched[i] in top and comp.kinds[comp.owner[i]] == "peer"
    ]
    candidates = peers or [i for i in range(len(comp.listing)) if present[i] and comp.matched[i] in top]
    candidates = [i for i in candidates if ("competitor", comp.names[comp.owner[i]]) not in ctx.taken]
    if not candidates:
        raise NothingToHit("no competitor listing matches a top product")
    i = candidates[int(rng.integers(len(candidates)))]
    ctx.effects.price_cuts.append(PriceCut(i, f, last, 1 + m))
    name = comp.names[comp.owner[i]]
    ctx.taken.add(("competitor", name))
    sku = ctx.claim_sku(int(comp.matched[i]))
    return name, {"sku": sku, "listing_id": str(comp.listing[i]), "price_ratio": round(1 + m, 4)}


def _bounce(ctx: PlantContext, rng: np.random.Generator, f: int, last: int, m: float) -> Planted:
    p = ctx.pick_product(rng, f, last)
    ctx.effects.bounce[f : last + 1, p] += m
    return ctx.claim_sku(p), {}


def _bundle(ctx: PlantContext, rng: np.random.Generator, f: int, last: int, m: float) -> Planted:
    prods = ctx.shop.products
    e0, e1 = f + ctx.exp.offset, last + 1 + ctx.exp.offset
    score = ctx.exp.buyers[e0:e1].sum(axis=(0, 2)) * prods.attach * prods.price[np.maximum(prods.partner, 0)]
    for p in range(len(score)):
        if prods.partner[p] < 0 or ("sku", str(prods.sku[p])) in ctx.taken:
            score[p] = -1
    p = int(np.argmax(score))
    ctx.effects.attach[f : last + 1, p] *= 1 + m
    return ctx.claim_sku(p), {"bundle_sku": str(prods.sku[prods.partner[p]])}


def _agent(ctx: PlantContext, rng: np.random.Generator, f: int, last: int, m: float) -> Planted:
    agents = ctx.shop.agents
    free = [a for a in range(len(agents)) if ("agent", str(agents.name[a])) not in ctx.taken]
    a = free[int(rng.integers(len(free)))]
    ctx.effects.skill[f : last + 1, a] *= 1 + m
    ctx.effects.response[f : last + 1, a] *= 1 - 1.5 * m
    ctx.effects.store_cvr[f : last + 1] *= 1 + ASSISTED_SHARE * m / len(agents)
    ctx.taken.add(("agent", str(agents.name[a])))
    return str(agents.name[a]), {}


def _campaign(ctx: PlantContext, rng: np.random.Generator, f: int, last: int, m: float) -> Planted:
    n = last - f + 1
    dip_last = min(ctx.days - 1, last + 2 * n)
    eff = ctx.effects
    eff.source_visitors[f : last + 1, CAMPAIGN] *= 1 + 0.5 * m / 0.04
    eff.store_cvr[f : last + 1] *= 1 + 0.5 * m
    eff.discount[f : last + 1] = np.maximum(eff.discount[f : last + 1], 0.1)
    eff.store_cvr[last + 1 : dip_last + 1] *= 1 - 0.3 * m
    cid = f"S{ctx.shop.index + 1}-{(ctx.start + timedelta(days=f)).strftime('%Y%m%d')}"
    eff.campaigns.append(StoreCampaign(cid, f, last, dip_last, m))
    ctx.taken.add(("source", "campaign"))
    return source_names(ctx.shop.lang)[CAMPAIGN], {
        "source_code": "campaign",
        "campaign_id": cid,
        "campaign_end": (ctx.start + timedelta(days=last)).isoformat(),
        "pull_forward_days": dip_last - last,
    }


def _copycat(ctx: PlantContext, rng: np.random.Generator, f: int, last: int, m: float) -> Planted:
    p = ctx.pick_product(rng, f, last)
    comp = ctx.shop.competitors
    peers = [c for c, k in enumerate(comp.kinds) if k == "peer" and ("competitor", comp.names[c]) not in ctx.taken]
    c = peers[int(rng.integers(len(peers)))] if peers else 2
    share = -m
    listing = f"C{c + 1}99{int(rng.integers(10**6, 10**7))}"
    price = int(ctx.shop.products.price[p] * rng.uniform(0.75, 0.88))
    ctx.effects.copycats.append(CopycatListing(c, p, f, last, price, listing, share))
    eff = ctx.effects
    eff.visitors[f : last + 1, p, SEARCH] *= 1 - share
    eff.visitors[f : last + 1, p, RECOMMEND] *= 1 - share
    eff.cvr[f : last + 1, p] *= 1 - share / 3
    ctx.taken.add(("competitor", comp.names[c]))
    return comp.names[c], {"sku": ctx.claim_sku(p), "listing_id": listing}


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario(
            "search_rank_drop",
            Cause.SEARCH_RANK_DROP,
            10,
            (-0.6, -0.35),
            "relative change of the product's natural-search impressions",
            _rank_drop,
        ),
        Scenario(
            "paid_cpc_spike",
            Cause.PAID_CPC_SPIKE,
            10,
            (0.4, 0.9),
            "relative change of rivals' bids, so of the keyword's CPC",
            _cpc_spike,
        ),
        Scenario(
            "main_image_ctr_fall",
            Cause.MAIN_IMAGE_CTR_FALL,
            12,
            (-0.5, -0.3),
            "relative change of the product's search and ad click-through rate",
            _image_ctr,
        ),
        Scenario(
            "negative_reviews",
            Cause.NEGATIVE_REVIEWS,
            12,
            (0.5, 0.7),
            "share of 1–2-star reviews among the bad batch's reviews (usually ~4 %)",
            _bad_reviews,
        ),
        Scenario(
            "stockout", Cause.STOCKOUT, 6, (-1.0, -1.0), "relative change of the hero's stock (−1 = none)", _stockout
        ),
        Scenario(
            "competitor_undercut",
            Cause.COMPETITOR_UNDERCUT,
            10,
            (-0.25, -0.15),
            "the competitor's price relative to ours, minus 1",
            _undercut,
        ),
        Scenario(
            "detail_page_bounce",
            Cause.DETAIL_PAGE_BOUNCE,
            10,
            (0.12, 0.22),
            "bounce-rate points added on the product's detail page",
            _bounce,
        ),
        Scenario(
            "bundle_removed",
            Cause.BUNDLE_REMOVED,
            12,
            (-1.0, -0.85),
            "relative change of the bundle's attach rate",
            _bundle,
        ),
        Scenario(
            "agent_slump",
            Cause.AGENT_SLUMP,
            10,
            (-0.5, -0.3),
            "relative change of the agent's inquiry → payment conversion",
            _agent,
        ),
        Scenario(
            "campaign_pull_forward",
            Cause.CAMPAIGN_PULL_FORWARD,
            3,
            (0.5, 1.0),
            "planned GMV uplift while the campaign runs (the dip after is −0.3 × it)",
            _campaign,
        ),
        Scenario(
            "copycat_listing",
            Cause.COPYCAT_LISTING,
            12,
            (-0.45, -0.3),
            "relative change of our product's search and feed visitors taken by the copy",
            _copycat,
        ),
    )
}
SCENARIO_NAMES: tuple[str, ...] = (*SCENARIOS, CLEAN)

assert {s.cause for s in SCENARIOS.values()} == set(Cause), "every cause has a scenario"
assert all(CAUSES[s.cause].subject_kind for s in SCENARIOS.values())


def window(
    req: ScenarioRequest, scenario: Scenario, start: date, days: int, rng: np.random.Generator
) -> tuple[int, int]:
    """Day indices (first, last) of an event; no date means a random start in the last third of the period."""
    length = req.days or scenario.default_days
    if req.start is None:
        lo = days - days // 3
        first = int(rng.integers(lo, max(lo + 1, days - 3)))
    else:
        first = (req.start - start).days
        if not 0 <= first < days:
            end = start + timedelta(days=days - 1)
            raise BadScenario(
                spec=f"{req.name}@{req.start}",
                reason=f"it starts outside the period {start} … {end}",
                valid=", ".join(SCENARIO_NAMES),
            )
    return first, min(days - 1, first + length - 1)
