"""Exact GMV decomposition: GMV_s = visitors_s × conversion_s × 客单价_s, per traffic source, by Shapley value.

Shapley (not LMDI) because it needs no logarithms, so zeros, and sources that appear or disappear, are ordinary
cases. The value of a coalition of factors is the GMV with those factors at today's level and the rest at the
base level; the full coalition is today's actual GMV and the empty one the base's, so the three effects add up to
the change exactly (efficiency), in rational arithmetic. They are then rounded to cents by largest remainder,
twice: sources' changes to the store's change, then each source's effects to its change — so every sum in the
report holds to the cent.

A factor that is undefined in one period (conversion with no visitors, 客单价 with no buyers) takes the other
period's value, so a disappearing source's whole loss is a traffic effect.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from itertools import combinations

Number = int | Decimal | Fraction | float

CENT = Fraction(1, 100)


@dataclass(frozen=True)
class Funnel:
    """One source in one period. Values may be means (Fractions) when the base is a 7-day mean."""

    visitors: Fraction
    buyers: Fraction
    gmv: Fraction

    @classmethod
    def of(cls, visitors: Number | None, buyers: Number | None, gmv: Number | None) -> Funnel:
        return cls(_frac(visitors), _frac(buyers), _frac(gmv))

    @property
    def conversion(self) -> Fraction | None:
        return self.buyers / self.visitors if self.visitors else None

    @property
    def revenue_per_buyer(self) -> Fraction | None:
        return self.gmv / self.buyers if self.buyers else None


ZERO = Funnel(Fraction(0), Fraction(0), Fraction(0))


def _frac(x: Number | None) -> Fraction:
    if x is None:
        return Fraction(0)
    if isinstance(x, float):
        return Fraction(Decimal(repr(x)))
    return Fraction(x)


@dataclass(frozen=True)
class SourceEffect:
    source: str
    gmv: Decimal
    base_gmv: Decimal
    delta_gmv: Decimal
    traffic_effect: Decimal
    conversion_effect: Decimal
    aov_effect: Decimal  # the 客单价 (revenue per buyer) effect
    visitors: float
    base_visitors: float
    conversion: float | None
    base_conversion: float | None
    revenue_per_buyer: float | None
    base_revenue_per_buyer: float | None
    cost: Decimal | None = None  # paid traffic cost of the source, today and base
    base_cost: Decimal | None = None


@dataclass(frozen=True)
class Decomposition:
    sources: tuple[SourceEffect, ...]  # largest absolute change first
    total: SourceEffect  # the store: sums of the sources, to the cent


def shapley(base: Funnel, now: Funnel) -> tuple[Fraction, Fraction, Fraction]:
    """Exact (traffic, conversion, 客单价) effects; they sum to now.gmv − base.gmv."""
    f0 = (base.visitors, _or(base.conversion, now.conversion), _or(base.revenue_per_buyer, now.revenue_per_buyer))
    f1 = (now.visitors, _or(now.conversion, base.conversion), _or(now.revenue_per_buyer, base.revenue_per_buyer))

    def value(coalition: frozenset[int]) -> Fraction:
        if len(coalition) == 3:
            return now.gmv
        if not coalition:
            return base.gmv
        x, y, z = (f1[i] if i in coalition else f0[i] for i in range(3))
        return x * y * z

    n = 3
    effects = []
    for i in range(n):
        others = [j for j in range(n) if j != i]
        phi = Fraction(0)
        for size in range(n):
            weight = Fraction(math.factorial(size) * math.factorial(n - size - 1), math.factorial(n))
            for s in combinations(others, size):
                phi += weight * (value(frozenset((*s, i))) - value(frozenset(s)))
        effects.append(phi)
    return effects[0], effects[1], effects[2]


def _or(a: Fraction | None, b: Fraction | None) -> Fraction:
    return a if a is not None else (b if b is not None else Fraction(0))


def apportion(total_cents: int, parts: Sequence[Fraction]) -> list[int]:
    """Round exact parts to whole cents that add up to ``total_cents`` (largest remainder)."""
    cents = [p / CENT for p in parts]
    floors = [math.floor(c) for c in cents]
    left = total_cents - sum(floors)
    order = sorted(range(len(parts)), key=lambda i: (cents[i] - floors[i], -i), reverse=left >= 0)
    step = 1 if left >= 0 else -1
    for k in range(abs(left) if order else 0):  # |left| ≤ len(parts) when the parts sum to about the total
        floors[order[k % len(order)]] += step
    return floors


def _money(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def _round_cents(x: Fraction) -> int:
    return round(x / CENT)  # half to even


def _float(x: Fraction | None) -> float | None:
    return None if x is None else float(x)


def decompose(
    now: Mapping[str, Funnel],
    base: Mapping[str, Funnel],
    cost: Mapping[str, tuple[Number | None, Number | None]] | None = None,
) -> Decomposition:
    """Per-source effects of today (``now``) against ``base``; ``cost`` maps source → (today, base) ad cost."""
    names = sorted(set(now) | set(base))
    exact = {s: shapley(base.get(s, ZERO), now.get(s, ZERO)) for s in names}
    deltas = {s: now.get(s, ZERO).gmv - base.get(s, ZERO).gmv for s in names}
    total_cents = _round_cents(sum(deltas.values(), Fraction(0)))
    source_cents = dict(zip(names, apportion(total_cents, [deltas[s] for s in names]), strict=True))
    rows = []
    for s in names:
        t, c, a = apportion(source_cents[s], list(exact[s]))
        n, b = now.get(s, ZERO), base.get(s, ZERO)
        gmv_cents = _round_cents(n.gmv)
        today_cost, base_cost = (cost or {}).get(s, (None, None))
        rows.append(
            SourceEffect(
                source=s,
                gmv=_money(gmv_cents),
                base_gmv=_money(gmv_cents - source_cents[s]),
                delta_gmv=_money(source_cents[s]),
                traffic_effect=_money(t),
                conversion_effect=_money(c),
                aov_effect=_money(a),
                visitors=float(n.visitors),
                base_visitors=float(b.visitors),
                conversion=_float(n.conversion),
                base_conversion=_float(b.conversion),
                revenue_per_buyer=_float(n.revenue_per_buyer),
                base_revenue_per_buyer=_float(b.revenue_per_buyer),
                cost=None if today_cost is None else Decimal(str(today_cost)),
                base_cost=None if base_cost is None else Decimal(str(base_cost)),
            )
        )
    rows.sort(key=lambda r: (-abs(r.delta_gmv), r.source))
    return Decomposition(tuple(rows), _total(rows, now, base))


def _total(rows: Iterable[SourceEffect], now: Mapping[str, Funnel], base: Mapping[str, Funnel]) -> SourceEffect:
    rows = list(rows)
    n = Funnel(*(sum((getattr(f, k) for f in now.values()), Fraction(0)) for k in ("visitors", "buyers", "gmv")))
    b = Funnel(*(sum((getattr(f, k) for f in base.values()), Fraction(0)) for k in ("visitors", "buyers", "gmv")))

    def add(attr: str) -> Decimal:
        return sum((getattr(r, attr) for r in rows), Decimal("0.00"))

    def add_cost(attr: str) -> Decimal | None:
        values = [getattr(r, attr) for r in rows if getattr(r, attr) is not None]
        return sum(values, Decimal("0.00")) if values else None

    return SourceEffect(
        source="*",
        gmv=add("gmv"),
        base_gmv=add("base_gmv"),
        delta_gmv=add("delta_gmv"),
        traffic_effect=add("traffic_effect"),
        conversion_effect=add("conversion_effect"),
        aov_effect=add("aov_effect"),
        visitors=float(n.visitors),
        base_visitors=float(b.visitors),
        conversion=_float(n.conversion),
        base_conversion=_float(b.conversion),
        revenue_per_buyer=_float(n.revenue_per_buyer),
        base_revenue_per_buyer=_float(b.revenue_per_buyer),
        cost=add_cost("cost"),
        base_cost=add_cost("base_cost"),
    )
