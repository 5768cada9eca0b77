"""Diagnosis rules, declared as data, and the one registry every rule — built in or added — goes through.

A declared ``Rule`` names the kind of subject it looks at (the store, a traffic source, a product, a keyword, an
agent, a competitor's listing), the view column it reports, and ``levels``: (severity, conditions) pairs tried in
order, the first whose conditions all hold deciding the finding's severity. Conditions come from one closed
vocabulary:

* ``Threshold(metric, op, value)`` — the view's value against a number;
* ``Change(metric, direction, z, min_change)`` — the metric moved against its calendar-aware baseline by at least
  ``z`` robust standard errors and ``min_change`` (relative); the view supplies ``<metric>_base`` and ``<metric>_z``;
* ``MinSample(metric, at_least)`` — enough data to judge (visitors, clicks, inquiries …);
* ``Top(metric, n)`` — the subject is among the store's ``n`` largest by the metric (the top-5 traffic products).

A value may be a number or the name of one of the rule's ``params``; params are what a store may override
(``thresholds.toml`` in the workspace, see ``overrides``). Logic that does not fit the vocabulary is a plain
function registered with ``function_rule`` — same registry, same params, same documentation table.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from shopops.diagnose.model import Finding, Severity, SubjectKind

if TYPE_CHECKING:
    from shopops.diagnose.context import DayContext

Op = Literal["<", "<=", ">", ">="]
Number = float | int | str  # a literal or the name of one of the rule's params
Cadence = Literal["daily", "weekly"]
OPS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


@dataclass(frozen=True)
class Threshold:
    metric: str
    op: Op
    value: Number

    def holds(self, row: Mapping[str, Any], params: Mapping[str, float]) -> bool:
        x = _num(row.get(self.metric))
        return x is not None and OPS[self.op](x, resolve(self.value, params))

    def describe(self) -> str:
        return f"{self.metric} {self.op} {self.value}"


@dataclass(frozen=True)
class Change:
    metric: str
    direction: Literal["down", "up"]
    z: Number = 3.0
    min_change: Number = 0.0  # relative move of the metric against its baseline, e.g. 0.25 = 25 %

    def holds(self, row: Mapping[str, Any], params: Mapping[str, float]) -> bool:
        value, base, z = (_num(row.get(k)) for k in (self.metric, f"{self.metric}_base", f"{self.metric}_z"))
        if value is None or base is None or z is None or base == 0:
            return False
        move = value / base - 1
        need_z, need_move = resolve(self.z, params), resolve(self.min_change, params)
        if self.direction == "down":
            return z <= -need_z and move <= -need_move
        return z >= need_z and move >= need_move

    def describe(self) -> str:
        arrow = "↓" if self.direction == "down" else "↑"
        return f"{self.metric} {arrow} (z ≥ {self.z}, ≥ {self.min_change} vs baseline)"


@dataclass(frozen=True)
class MinSample:
    metric: str
    at_least: Number

    def holds(self, row: Mapping[str, Any], params: Mapping[str, float]) -> bool:
        x = _num(row.get(self.metric))
        return x is not None and x >= resolve(self.at_least, params)

    def describe(self) -> str:
        return f"{self.metric} ≥ {self.at_least} (sample)"


@dataclass(frozen=True)
class Top:
    metric: str
    n: Number

    def holds(self, row: Mapping[str, Any], params: Mapping[str, float]) -> bool:
        rank = _num(row.get(f"{self.metric}_rank"))
        return rank is not None and rank <= resolve(self.n, params)

    def describe(self) -> str:
        return f"top {self.n} by {self.metric}"


Condition = Threshold | Change | MinSample | Top


def numbers(cond: Condition) -> tuple[Number, ...]:
    """The condition's values that may name a param."""
    match cond:
        case Threshold():
            return (cond.value,)
        case Change():
            return (cond.z, cond.min_change)
        case MinSample():
            return (cond.at_least,)
        case Top():
            return (cond.n,)


@dataclass(frozen=True)
class Level:
    severity: Severity
    when: tuple[Condition, ...]


def resolve(value: Number, params: Mapping[str, float]) -> float:
    return float(params[value]) if isinstance(value, str) else float(value)


def _num(x: Any) -> float | None:
    if x is None or isinstance(x, str):
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


@dataclass(frozen=True)
class RuleInfo:
    """What every rule declares, declared or function: the documentation table is rendered from this."""

    name: str
    code: str  # a cause code (shopops.schema.causes) or the rule's own code
    subject: SubjectKind
    metric: str
    en: str  # what it checks, one line
    zh: str
    source: str  # where the rule of thumb comes from
    actions: tuple[str, ...] = ()  # playbook action names (shopops.act.playbook)
    evidence: tuple[str, ...] = ()  # view columns shown with the finding
    params: Mapping[str, float] = field(default_factory=dict)
    cadence: Cadence = "daily"

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))


@dataclass(frozen=True)
class Rule:
    """A declared rule: evaluated on every row of its subject's view by the one engine (``engine.evaluate``)."""

    info: RuleInfo
    levels: tuple[Level, ...]
    require: tuple[Condition, ...] = ()  # scope: all must hold before any level is tried
    impact: str | None = None  # view column: money per day the problem costs
    rows: tuple[str, ...] = ("history",)  # evidence row sets (shopops.diagnose.evidence.EVIDENCE)
    message_en: str = ""  # formatted with the row and the params
    message_zh: str = ""

    @property
    def name(self) -> str:
        return self.info.name

    def conditions(self) -> tuple[Condition, ...]:
        return self.require + tuple(c for lv in self.levels for c in lv.when)


RuleFunc = Callable[["DayContext", Mapping[str, float]], list[Finding]]


@dataclass(frozen=True)
class FunctionRule:
    """A rule whose logic is a function of the day's context and its (overridable) params."""

    info: RuleInfo
    func: RuleFunc

    @property
    def name(self) -> str:
        return self.info.name


AnyRule = Rule | FunctionRule
RULES: dict[str, AnyRule] = {}


def register(rule: AnyRule) -> AnyRule:
    """Add a rule to the registry; built-ins go through here exactly as an add-on would."""
    if rule.name in RULES:
        raise ValueError(f"rule {rule.name} is registered twice")
    if isinstance(rule, Rule):
        for cond in rule.conditions():
            for value in numbers(cond):
                if isinstance(value, str) and value not in rule.info.params:
                    raise ValueError(f"rule {rule.name}: '{value}' is neither a number nor one of its params")
    RULES[rule.name] = rule
    return rule


def function_rule(**info: Any) -> Callable[[RuleFunc], RuleFunc]:
    """Decorator: ``@function_rule(name=…, code=…, subject=…, metric=…, en=…, zh=…, source=…, params={…})``."""

    def wrap(func: RuleFunc) -> RuleFunc:
        register(FunctionRule(RuleInfo(**info), func))
        return func

    return wrap
