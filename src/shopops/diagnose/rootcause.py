"""From the rules' findings to a ranked list: walk the day's gap from the store down to its causes.

The store's gap is expected GMV (comparable days) minus actual. Each cause finding carries the money it costs per
day; its share of the gap is that over the gap. Symptoms a cause accounts for — a product's conversion drop under
its burst of bad reviews, the search source's dip under a product's lost rank, a store-wide dip after a campaign —
are folded into the cause (``explains``) instead of being listed again. Findings then rank by severity, causes
before symptoms, then by money at stake.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from shopops.diagnose.model import Finding, Severity
from shopops.schema.causes import Cause

CRITICAL_SHARE = 0.15  # a cause costing this share of the day's expected GMV is critical

# symptom code → the causes that can account for it, and how they must be related
_PRODUCT_CAUSES = {
    Cause.NEGATIVE_REVIEWS,
    Cause.DETAIL_PAGE_BOUNCE,
    Cause.STOCKOUT,
    Cause.SEARCH_RANK_DROP,
    Cause.MAIN_IMAGE_CTR_FALL,
    Cause.BUNDLE_REMOVED,
}
_COMPETITOR_CAUSES = {Cause.COMPETITOR_UNDERCUT, Cause.COPYCAT_LISTING}
_SEARCH_CAUSES = {Cause.SEARCH_RANK_DROP, Cause.MAIN_IMAGE_CTR_FALL, Cause.COPYCAT_LISTING, Cause.STOCKOUT}
_FOLDS: dict[str, str] = {
    "conversion_drop": "product",
    "bad_reviews": "same",
    "stock_cover_low": "same",
    "traffic_source_low": "source",
    "gmv_below_normal": "store",
}


def _sku_of(f: Finding) -> str | None:
    if f.subject_kind == "sku":
        return f.subject
    sku = f.facts.get("matched_sku") or f.facts.get("sku")
    return str(sku) if sku else None


def _explains(cause: Finding, symptom: Finding, gap: float | None) -> bool:
    how = _FOLDS.get(symptom.code)
    if how is None or not cause.is_cause:
        return False
    if how == "same":
        return _sku_of(cause) == symptom.subject and cause.code in (Cause.NEGATIVE_REVIEWS, Cause.STOCKOUT)
    if how == "product":
        return _sku_of(cause) == symptom.subject and cause.code in _PRODUCT_CAUSES | _COMPETITOR_CAUSES
    if how == "source":
        kind = symptom.facts.get("kind")
        if kind == "campaign":
            return cause.code == Cause.CAMPAIGN_PULL_FORWARD
        return kind in ("search", "recommend") and cause.code in _SEARCH_CAUSES
    if how == "store":
        return cause.code == Cause.CAMPAIGN_PULL_FORWARD or (
            gap is not None and gap > 0 and (cause.impact or 0) >= 0.3 * gap
        )
    return False


def merge(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per (code, subject): the most severe, then the costliest."""
    best: dict[tuple[str, str, str], Finding] = {}
    for f in findings:
        old = best.get(f.key)
        if old is None or (f.severity.rank, f.impact or 0) > (old.severity.rank, old.impact or 0):
            best[f.key] = f
    return list(best.values())


def rank(findings: Sequence[Finding], *, expected_gmv: float | None, gap: float | None) -> tuple[Finding, ...]:
    findings = merge(findings)
    causes = [f for f in findings if f.is_cause]
    kept: list[Finding] = []
    folded: dict[tuple[str, str, str], list[str]] = {}
    for f in findings:
        if f.is_cause:
            continue
        owners = [c for c in causes if _explains(c, f, gap)]
        if owners:
            owner = max(owners, key=lambda c: c.impact or 0)
            folded.setdefault(owner.key, []).append(f"{f.code}:{f.subject}")
        else:
            kept.append(f)
    out = []
    for f in [*causes, *kept]:
        changes: dict = {}
        if f.key in folded:
            changes["explains"] = tuple(sorted(set(f.explains) | set(folded[f.key])))
        if gap and gap > 0 and f.impact is not None and f.code != "gmv_below_normal":
            changes["share_of_gap"] = round(min(f.impact / gap, 1.0), 4)
        if (
            f.is_cause
            and expected_gmv
            and f.impact is not None
            and f.severity == Severity.WARNING
            and f.impact >= CRITICAL_SHARE * expected_gmv
        ):
            changes["severity"] = Severity.CRITICAL
        out.append(dataclasses.replace(f, **changes) if changes else f)
    out.sort(key=_order)
    return tuple(out)


def _order(f: Finding) -> tuple:
    return (-f.severity.rank, not f.is_cause, -(f.impact or 0.0), -(f.confidence or 0.0), f.code, f.subject)
