"""The one engine that runs declared rules: every row of the rule's view, its scope, then its levels in order."""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import Any

from shopops.diagnose.context import DayContext
from shopops.diagnose.evidence import EVIDENCE
from shopops.diagnose.model import Evidence, Finding
from shopops.diagnose.rules import Rule
from shopops.diagnose.text import render

log = logging.getLogger(__name__)


def due_today(cadence: str, ctx: DayContext, params: Mapping[str, float]) -> bool:
    """Weekly rules run on the store's review weekday (param ``weekday``, 0 = Monday), as the operator reviews
    page health once a week; daily rules run every day."""
    return cadence == "daily" or ctx.day.weekday() == int(params.get("weekday", 0))


def evaluate(rule: Rule, ctx: DayContext, params: Mapping[str, float]) -> list[Finding]:
    if not due_today(rule.info.cadence, ctx, params):
        return []
    view = ctx.view(rule.info.subject)
    found = []
    for row in view.to_dict("records"):
        if not all(c.holds(row, params) for c in rule.require):
            continue
        level = next((lv for lv in rule.levels if all(c.holds(row, params) for c in lv.when)), None)
        if level is None:
            continue
        found.append(_finding(rule, ctx, params, row, level.severity))
    return found


def _finding(rule: Rule, ctx: DayContext, params: Mapping[str, float], row: dict[str, Any], severity) -> Finding:
    info = rule.info
    values = {**{k: _clean(v) for k, v in row.items()}, **params}
    facts = {c: _clean(row.get(c)) for c in (*info.evidence, "label") if c in row}
    evidence = [_numbers(rule, row)]
    for name in rule.rows:
        ev = EVIDENCE[name](ctx, info.subject, row)
        if ev is not None:
            evidence.append(ev)
    impact = _clean(row.get(rule.impact)) if rule.impact else None
    z = _clean(row.get(f"{info.metric}_z"))
    return Finding(
        store_id=ctx.store_id,
        date=ctx.day,
        code=info.code,
        rule=info.name,
        severity=severity,
        subject_kind=info.subject,
        subject=str(row["subject"]),
        subject_label=_clean(row.get("label")),
        metric=info.metric,
        value=_clean(row.get(info.metric)),
        baseline=_clean(row.get(f"{info.metric}_base")),
        en=render(rule.message_en, values),
        zh=render(rule.message_zh, values),
        impact=None if impact is None else round(max(float(impact), 0.0), 2),
        confidence=None if z is None else round(abs(float(z)), 2),
        evidence=tuple(evidence),
        facts=facts,
    )


def _numbers(rule: Rule, row: dict[str, Any]) -> Evidence:
    """The view's numbers behind the finding: the metric, its baseline and z, and the rule's evidence columns."""
    m = rule.info.metric
    names = dict.fromkeys((m, f"{m}_base", f"{m}_z", f"{m}_days", *rule.info.evidence))
    label = row.get("label") or row["subject"]
    rows = [(c, _clean(row.get(c))) for c in names if c in row]
    return Evidence.of(f"{rule.info.subject} view: {label}", "view", ("metric", "value"), rows)


def _clean(v: Any) -> Any:
    if v is None:
        return None
    if hasattr(v, "item") and not isinstance(v, str):
        v = v.item()
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    return v
