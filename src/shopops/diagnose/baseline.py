"""Robust baselines: how far a metric's recent days sit from what comparable days before them would predict.

Two kinds of series, both as [day × subject] matrices so one call scores every product (keyword, agent …) at once:

* **log series** (a share of the store's traffic, a search rank, a CPC, a response time): the baseline is the
  median of the comparable days before the episode, with a Theil–Sen trend when the product is growing or fading;
  the spread is 1.4826 × MAD of those days' residuals (never below ``floor``). Days of the episode are averaged.
* **rates** (click-through, bounce, conversion, attach rate): pooled successes ÷ trials over the episode against
  the pooled baseline, a binomial z with the overdispersion the baseline days themselves show.

The episode is scanned: for k = 1 … ``max_k`` the last k days are tested against the ``base_days`` comparable days
*before* them, and the strongest k wins. So a cause that started a week ago is measured against clean days, not
against days it already spoiled, and day one of a new problem still counts on its own. Days flagged in
``usable`` = False (calendar events) are left out of baselines.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

import numpy as np

MAD_TO_SD = 1.4826
_NORMAL = NormalDist()
Direction = Literal["down", "up"]


@dataclass(frozen=True)
class Shift:
    """Per subject: the episode's level, the baseline's, the z of the difference and the episode length."""

    value: np.ndarray
    baseline: np.ndarray
    z: np.ndarray
    days: np.ndarray  # k of the chosen episode (0 where there was nothing to test)
    today_z: np.ndarray  # z of the last day alone (k = 1)


def _nanmedian(a: np.ndarray, axis: int) -> np.ndarray:
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.nanmedian(a, axis=axis)


def theil_sen(y: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column-wise robust line through y [len(x) × s] (NaN = missing): (slope, intercept at x = 0)."""
    x = np.asarray(x, dtype=float)
    i, j = np.triu_indices(len(x), k=1)
    slopes = (y[j] - y[i]) / (x[j] - x[i])[:, None]
    slope = _nanmedian(slopes, axis=0)
    slope = np.where(np.isnan(slope), 0.0, slope)
    intercept = _nanmedian(y - slope[None, :] * x[:, None], axis=0)
    return slope, intercept


def _episodes(
    days: int, t: int, usable: np.ndarray | None, max_k: int, base_days: int, min_base: int
) -> Iterator[tuple[int, int, np.ndarray]]:
    """The episodes a scan tests: the last k days (k = 1 … max_k) ending at day ``t``, each with its first day and
    the usable days of the ``base_days`` before it — skipped when fewer than ``min_base`` are usable."""
    usable = np.ones(days, dtype=bool) if usable is None else usable
    for k in range(1, max_k + 1):
        lo = t - k + 1
        if lo < 1:
            return
        base_idx = np.arange(max(0, lo - base_days), lo)
        base_idx = base_idx[usable[base_idx]]
        if len(base_idx) >= min_base:
            yield k, lo, base_idx


def log_shift(
    y: np.ndarray,
    t: int,
    *,
    usable: np.ndarray | None = None,
    max_k: int = 7,
    base_days: int = 28,
    level_days: int = 7,
    min_base: int = 10,
    floor: float | np.ndarray = 0.03,
    direction: Direction = "down",
    require_today: bool = True,
) -> Shift:
    """Scan the log series ``y`` [day × subject] (already logged; NaN = no data) ending at day index ``t``.

    With ``require_today`` False a subject without data on the day (an agent's day off) is judged on the working
    days of the episode before it.

    The expected level is the median of the last ``level_days`` comparable days before the episode — close to it,
    so a product that grows or fades is judged against where it just was, never against a trend pushed forward
    (a launch that stops climbing is not a fall). The spread comes from day-to-day differences over the whole
    baseline, which a slow drift does not inflate.
    """
    sign = -1.0 if direction == "down" else 1.0
    best = _empty(y.shape[1])
    for k, lo, base_idx in _episodes(y.shape[0], t, usable, max_k, base_days, min_base):
        base = y[base_idx]
        level = _nanmedian(base[-level_days:], axis=0)
        diffs = np.diff(base, axis=0)
        noise = MAD_TO_SD * _nanmedian(np.abs(diffs - _nanmedian(diffs, 0)), axis=0) / np.sqrt(2)
        scale = np.maximum(noise, floor)
        ep = y[lo : t + 1]
        n = np.sum(~np.isnan(ep), axis=0)
        with np.errstate(all="ignore"):
            diff = _nanmean(ep, axis=0) - level
            # the episode mean and the level (a median of level_days) are both uncertain
            z = diff / (scale * np.sqrt(1 / np.maximum(n, 1) + 1.57 / level_days))
        # today must have data; an agent's day off inside the episode may not
        today_ok = ~np.isnan(y[t]) if require_today else n > 0
        valid = today_ok & (n >= (k + 1) // 2) & (np.sum(~np.isnan(base), axis=0) >= min_base)
        z = np.where(valid, z, np.nan)
        _keep(best, k, z, _nanmean(ep, axis=0), level, sign)
    return _shift(best)


def _nanmean(a: np.ndarray, axis: int) -> np.ndarray:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(a, axis=axis)


def rate_shift(
    num: np.ndarray,
    den: np.ndarray,
    t: int,
    *,
    usable: np.ndarray | None = None,
    max_k: int = 7,
    base_days: int = 28,
    min_base: int = 10,
    min_trials: float = 30,
    prior_weight: float = 0.0,
    direction: Direction = "down",
) -> Shift:
    """Scan the rate num/den (successes, trials per [day × subject]) ending at day ``t``; binomial z.

    With ``prior_weight`` > 0 each subject's baseline rate is shrunk toward the pooled rate of all subjects by that
    many trials' worth — for sparse counts such as a product's bad reviews, whose own baseline may rest on a few
    dozen reviews.
    """
    sign = -1.0 if direction == "down" else 1.0
    best = _empty(num.shape[1])
    for k, lo, base_idx in _episodes(num.shape[0], t, usable, max_k, base_days, min_base):
        bn, bd = num[base_idx], den[base_idx]
        base_trials = np.nansum(bd, axis=0)
        with np.errstate(all="ignore"):
            pooled = np.nansum(bn) / max(np.nansum(bd), 1e-12)
            p0 = (np.nansum(bn, axis=0) + prior_weight * pooled) / (base_trials + prior_weight)
            base_trials = base_trials + prior_weight
            phi = _overdispersion(bn, bd, p0)
            en, ed = np.nansum(num[lo : t + 1], axis=0), np.nansum(den[lo : t + 1], axis=0)
            p1 = en / ed
            var = p0 * (1 - p0) * (1 / ed + 1 / base_trials) * phi
            z = (p1 - p0) / np.sqrt(np.maximum(var, 1e-12))
            z = _small_counts(z, en, ed, p0, phi, sign)
        days_with_data = np.sum(den[base_idx] > 0, axis=0)
        valid = (ed >= min_trials) & (days_with_data >= min_base) & (p0 > 0) & (p0 < 1)
        z = np.where(valid, z, np.nan)
        _keep(best, k, z, p1, p0, sign)
    return _shift(best)


def _small_counts(
    z: np.ndarray, x: np.ndarray, n: np.ndarray, p0: np.ndarray, phi: np.ndarray, sign: float
) -> np.ndarray:
    """Where few successes are expected (a handful of bad reviews), the normal z overstates a small burst: use the
    exact binomial tail instead (scaled by the overdispersion), whichever is the more cautious."""
    out = z.copy()
    for j in np.flatnonzero(np.isfinite(z) & (n > 0) & (np.minimum(n * p0, n * (1 - p0)) < 30)):
        nj, pj = int(round(n[j])), float(p0[j])
        xj = min(max(int(round(x[j])), 0), nj)
        tail = _binomial_tail(xj, nj, pj, upper=sign > 0)
        exact = _NORMAL.inv_cdf(min(max(1 - tail, 1e-15), 1 - 1e-15)) * sign / np.sqrt(phi[j])
        out[j] = exact if abs(exact) < abs(z[j]) else z[j]
    return out


def _binomial_tail(x: int, n: int, p: float, *, upper: bool) -> float:
    """P(X ≥ x) (upper) or P(X ≤ x) for X ~ Binomial(n, p)."""
    if p <= 0 or p >= 1:
        return 1.0
    ks = np.arange(x, n + 1) if upper else np.arange(0, x + 1)
    logs = (
        np.array([math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1) for k in ks])
        + ks * math.log(p)
        + (n - ks) * math.log1p(-p)
    )
    return float(min(1.0, np.exp(logs).sum()))


def _overdispersion(bn: np.ndarray, bd: np.ndarray, p0: np.ndarray) -> np.ndarray:
    """How much more the baseline days' rates scatter than a binomial would (≥ 1): the median of the days' Pearson
    χ² over the median of χ²₁ (0.455) — a few odd days (the start of the very episode being tested) do not make
    every day look noisy."""
    with np.errstate(all="ignore"):
        expected = bd * p0[None, :]
        chi = (bn - expected) ** 2 / (expected * (1 - p0[None, :]))
        phi = _nanmedian(np.where(bd > 0, chi, np.nan), axis=0) / 0.455
    return np.clip(np.nan_to_num(phi, nan=1.0), 1.0, 25.0)


def _empty(S: int) -> dict[str, np.ndarray]:
    return {
        "z": np.full(S, np.nan),
        "value": np.full(S, np.nan),
        "baseline": np.full(S, np.nan),
        "days": np.zeros(S, dtype=int),
        "today": np.full(S, np.nan),
    }


def _keep(best: dict[str, np.ndarray], k: int, z, value, base, sign: float) -> None:
    if k == 1:
        best["today"] = z.copy()
    better = ~np.isnan(z) & (np.isnan(best["z"]) | (sign * z > sign * best["z"]))
    best["z"] = np.where(better, z, best["z"])
    best["value"] = np.where(better, value, best["value"])
    best["baseline"] = np.where(better, base, best["baseline"])
    best["days"] = np.where(better, k, best["days"])


def _shift(best: dict[str, np.ndarray]) -> Shift:
    return Shift(best["value"], best["baseline"], best["z"], best["days"], best["today"])


def robust_band(
    values: np.ndarray, today: float, *, k: float = 3.0, floor: float = 0.05
) -> tuple[float, float, float, float]:
    """Median and MAD band of comparable days' values, on the log scale: (expected, low, high, z of today)."""
    logs = np.log(values[values > 0])
    med = float(np.median(logs))
    scale = max(MAD_TO_SD * float(np.median(np.abs(logs - med))), floor)
    z = (np.log(today) - med) / scale if today > 0 else -np.inf
    return float(np.exp(med)), float(np.exp(med - k * scale)), float(np.exp(med + k * scale)), float(z)


def remove_common(y: np.ndarray, rounds: int = 4) -> np.ndarray:
    """Take out what moves every subject alike on a day (weekday, season, events, store-wide noise): Tukey's median
    polish of the [day × subject] log matrix, keeping each subject's own level. One product's surge moves the median
    subject little, so it does not make every other product look like it fell."""
    r = y.copy()
    for _ in range(rounds):
        r = r - _nanmedian(r, axis=1)[:, None].__array__()
        r = np.where(np.isnan(r), np.nan, r)
        col = _nanmedian(r, axis=0)
        r = r - np.where(np.isnan(col), 0.0, col)[None, :]
    return r + _nanmedian(y - r, axis=0)[None, :]
