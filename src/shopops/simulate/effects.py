"""Planted effects as multipliers over [day, …] arrays: the one place scenarios write and the engine reads.

A clean run leaves every multiplier at 1 (or every offset at 0). Each scenario changes only its own subject inside
its window, so a planted run and a clean run with the same seed agree everywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class CopycatListing:
    competitor: int
    product: int
    first: int  # first day index it is listed
    last: int  # last day index (taken down after a complaint)
    price: int  # cents
    listing: str
    share: float  # share of our product's search traffic it takes


@dataclass(frozen=True)
class PriceCut:
    listing: int  # competitor listing index
    first: int
    last: int
    ratio: float  # its price relative to our matched product's price while the cut lasts


@dataclass(frozen=True)
class StoreCampaign:
    campaign_id: str
    first: int
    last: int
    pull_forward_last: int
    uplift: float


@dataclass
class Effects:
    """Mutable while scenarios plant into it; the engine only reads it."""

    days: int
    products: int
    sources: int
    keywords: int
    agents: int
    impressions: np.ndarray = field(init=False)  # [d, p] natural-search impressions
    rank: np.ndarray = field(init=False)  # [d, p] reported search rank (×, higher is worse)
    ctr: np.ndarray = field(init=False)  # [d, p] search and ad click-through
    visitors: np.ndarray = field(init=False)  # [d, p, s]
    cvr: np.ndarray = field(init=False)  # [d, p]
    bounce: np.ndarray = field(init=False)  # [d, p] added to the bounce rate
    attach: np.ndarray = field(init=False)  # [d, p] bundle attach rate
    cpc: np.ndarray = field(init=False)  # [d, k] rivals' bids, so CPC
    skill: np.ndarray = field(init=False)  # [d, a] inquiry → payment
    response: np.ndarray = field(init=False)  # [d, a] response time
    source_visitors: np.ndarray = field(init=False)  # [d, s]
    source_cvr: np.ndarray = field(init=False)  # [d, s]
    store_cvr: np.ndarray = field(init=False)  # [d]
    discount: np.ndarray = field(init=False)  # [d] extra order discount rate
    bad_batch: np.ndarray = field(init=False)  # [d, p] share of ≤2-star reviews for orders paid that day (0 = usual)
    stock_holds: list[tuple[int, int, int]] = field(default_factory=list)  # (product, first, last)
    price_cuts: list[PriceCut] = field(default_factory=list)
    copycats: list[CopycatListing] = field(default_factory=list)
    new_images: list[tuple[int, int]] = field(default_factory=list)  # (product, from day)
    campaigns: list[StoreCampaign] = field(default_factory=list)

    def __post_init__(self) -> None:
        D, P, S, K, A = self.days, self.products, self.sources, self.keywords, self.agents
        self.impressions = np.ones((D, P))
        self.rank = np.ones((D, P))
        self.ctr = np.ones((D, P))
        self.visitors = np.ones((D, P, S))
        self.cvr = np.ones((D, P))
        self.bounce = np.zeros((D, P))
        self.attach = np.ones((D, P))
        self.cpc = np.ones((D, K))
        self.skill = np.ones((D, A))
        self.response = np.ones((D, A))
        self.source_visitors = np.ones((D, S))
        self.source_cvr = np.ones((D, S))
        self.store_cvr = np.ones(D)
        self.discount = np.zeros(D)
        self.bad_batch = np.zeros((D, P))
