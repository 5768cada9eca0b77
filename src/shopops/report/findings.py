"""The findings and tasks sections, behind one small adapter onto the diagnosis (``diagnose``) and playbook (``act``).

Reports and alerts read only ``FindingLine`` / ``TaskLine``: plain frozen rows copied from the frozen ``Finding``
and ``Task`` objects, so renderers never import the diagnosis and a change there touches this module alone.
``run_diagnosis`` is the one place that calls the stages; when they are not installed the section says so.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from shopops.errors import ShopopsError

log = logging.getLogger(__name__)

SEVERITIES: tuple[str, ...] = ("info", "warning", "critical")


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else 0


@dataclass(frozen=True)
class FindingLine:
    code: str
    severity: str  # info | warning | critical
    subject_kind: str
    subject: str
    subject_label: str | None
    metric: str
    value: float | None
    baseline: float | None
    impact: float | None  # money per day
    en: str
    zh: str
    is_cause: bool = False

    @property
    def key(self) -> str:
        """What makes a finding the same problem on another day (alerts send each key once)."""
        return f"{self.code}:{self.subject_kind}:{self.subject}"

    def sentence(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__) | {"key": self.key}


@dataclass(frozen=True)
class TaskLine:
    title_en: str
    title_zh: str
    role: str | None  # who does it: 运营 / 推广 / 美工 / 客服 …
    priority: str | None
    due: dt.date | None
    finding: str | None  # the finding key it answers

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__) | {"due": self.due.isoformat() if self.due else None}


@dataclass(frozen=True)
class Diagnosed:
    available: bool
    note: str  # why there is nothing, when not available
    findings: tuple[FindingLine, ...] = ()
    tasks: tuple[TaskLine, ...] = ()

    def alertable(self, minimum: str = "warning") -> tuple[FindingLine, ...]:
        return tuple(f for f in self.findings if severity_rank(f.severity) >= severity_rank(minimum))

    def to_dict(self) -> dict[str, Any]:
        return {
            "available": self.available,
            "note": self.note,
            "findings": [f.to_dict() for f in self.findings],
            "tasks": [t.to_dict() for t in self.tasks],
        }


NOT_INSTALLED = Diagnosed(False, "diagnosis not installed")


def from_finding(f: Any) -> FindingLine:
    """A ``shopops.diagnose.model.Finding`` as a report row."""
    return FindingLine(
        code=str(f.code),
        severity=str(f.severity),
        subject_kind=str(f.subject_kind),
        subject=str(f.subject),
        subject_label=f.subject_label,
        metric=str(f.metric),
        value=_num(f.value),
        baseline=_num(f.baseline),
        impact=_num(f.impact),
        en=f.en,
        zh=f.zh,
        is_cause=bool(getattr(f, "is_cause", False)),
    )


def from_task(t: Any) -> TaskLine:
    """A ``shopops.act`` task as a report row (its ``to_dict()`` when it has one, else its attributes)."""
    d = t.to_dict() if hasattr(t, "to_dict") else dict(vars(t))
    due = d.get("due")
    if isinstance(due, str):
        due = dt.date.fromisoformat(due[:10])
    finding = d.get("finding") or d.get("finding_key")
    return TaskLine(
        title_en=str(d.get("title_en") or d.get("en") or d.get("title") or ""),
        title_zh=str(d.get("title_zh") or d.get("zh") or d.get("title") or ""),
        role=d.get("role"),
        priority=None if d.get("priority") is None else str(d.get("priority")),
        due=due,
        finding=None if finding is None else str(finding),
    )


def from_diagnosis(findings: Iterable[Any], tasks: Iterable[Any] = ()) -> Diagnosed:
    rows = tuple(from_finding(f) for f in findings)
    ranked = tuple(
        sorted(rows, key=lambda f: -severity_rank(f.severity))
    )  # stable: keeps the diagnosis's order within a severity
    return Diagnosed(True, "", ranked, tuple(from_task(t) for t in tasks))


def run_diagnosis(engine: Any, store_id: str, day: dt.date) -> Diagnosed:
    """Diagnose the store's day (``engine``: a metrics ``Engine``) and plan its tasks, when those stages exist."""
    try:
        diagnose_mod = importlib.import_module("shopops.diagnose")
    except ImportError:
        return NOT_INSTALLED
    diagnose = getattr(diagnose_mod, "diagnose", None)
    if diagnose is None:
        return NOT_INSTALLED
    try:
        diagnosis = diagnose(engine, day, store_id=store_id)
    except ShopopsError as exc:  # e.g. no data the diagnosis can use on that day: the report still stands
        log.warning("diagnosis of %s on %s: %s", store_id, day, exc.message("en"))
        return Diagnosed(False, exc.message("en"))
    tasks: tuple[Any, ...] = ()
    try:
        act = importlib.import_module("shopops.act")
        plan = getattr(act, "plan_tasks", None)
        if plan is not None:
            tasks = tuple(plan(diagnosis))
    except ImportError:
        log.info("shopops.act not installed: findings without tasks")
    return from_diagnosis(diagnosis.findings, tasks)


def _num(v: Any) -> float | None:
    return None if v is None else float(v)
