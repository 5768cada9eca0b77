"""The monthly phased evaluation (阶段性评估): traffic, inquiries, conversion and promotion effect, month against
the month before and week by week inside the month, then proposals drawn from what the evaluation shows.

Aspects and proposals are declared as data; every number is a catalog metric. A metric counts as better or worse
when it moved more than ``STEADY`` of its base in its good or bad direction (catalog ``direction``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from shopops.metrics.catalog import CATALOG
from shopops.metrics.compiler import MetricQuery
from shopops.metrics.engine import Engine
from shopops.metrics.frame import Value
from shopops.report.health import PageHealth
from shopops.report.spec import Period

STEADY = 0.03  # moves within ±3 % of the base are noise for a month

Trend = Literal["better", "worse", "steady", "no_data"]


@dataclass(frozen=True)
class Aspect:
    key: str
    en: str
    zh: str
    metrics: tuple[str, ...]


ASPECTS: tuple[Aspect, ...] = (
    Aspect(
        "traffic",
        "Traffic",
        "流量",
        ("visitors", "page_views", "pages_per_visitor", "bounce_rate", "paid_traffic_share"),
    ),
    Aspect("inquiries", "Inquiries", "咨询量", ("inquiries", "inquiry_conversion_rate")),
    Aspect(
        "conversion",
        "Conversion",
        "转化",
        ("conversion_rate", "buyers", "revenue_per_buyer", "add_to_cart_rate", "gmv"),
    ),
    Aspect(
        "promotion", "Promotion effect", "推广效果", ("ad_cost", "ad_gmv", "roas", "ctr", "cpc", "paid_traffic_cost")
    ),
)
PHASE_METRICS: tuple[str, ...] = tuple(dict.fromkeys(m for a in ASPECTS for m in a.metrics))


def trend(metric: str, value: Value, base: Value) -> Trend:
    if value is None or base is None:
        return "no_data"
    a, b = float(value), float(base)  # type: ignore[arg-type]
    direction = CATALOG[metric].direction
    if b == 0 or direction == "neutral":
        return (
            "steady"
            if a == b or direction == "neutral"
            else ("better" if (a > b) == (direction == "higher") else "worse")
        )
    change = (a - b) / abs(b)
    if abs(change) <= STEADY:
        return "steady"
    return "better" if (change > 0) == (direction == "higher") else "worse"


@dataclass(frozen=True)
class AspectResult:
    aspect: Aspect
    rows: tuple[tuple[str, Value, Value, Trend, tuple[Value, ...]], ...]  # metric, month, base, trend, per phase
    verdict: Trend  # better | worse | steady | no_data, by majority of its metrics

    def to_dict(self, j: Callable[[Any], Any]) -> dict[str, Any]:
        return {
            "aspect": self.aspect.key,
            "verdict": self.verdict,
            "metrics": [
                {"metric": m, "value": j(v), "base": j(b), "trend": t, "phases": [j(x) for x in ph]}
                for m, v, b, t, ph in self.rows
            ],
        }


def phases_of(period: Period) -> tuple[Period, ...]:
    """The month in weeks: days 1–7, 8–14, 15–21, 22–28, 29–end, cut at the report date."""
    out = []
    for first, last in ((1, 7), (8, 14), (15, 21), (22, 28), (29, 31)):
        if first > period.end.day:
            break
        end = period.start + dt.timedelta(days=last - 1)
        out.append(Period(period.start.replace(day=first), min(end, period.end)))
    return tuple(out)


def evaluate(
    engine: Engine, store: str, period: Period, now: dict[str, Value], base: dict[str, Value]
) -> tuple[tuple[Period, ...], tuple[AspectResult, ...]]:
    phases = phases_of(period)
    per_phase = [engine.run(MetricQuery(PHASE_METRICS, (), p.start, p.end, store)).one() for p in phases]
    results = []
    for a in ASPECTS:
        rows = tuple(
            (m, now.get(m), base.get(m), trend(m, now.get(m), base.get(m)), tuple(ph.get(m) for ph in per_phase))
            for m in a.metrics
            if now.get(m) is not None or base.get(m) is not None
        )
        results.append(AspectResult(a, rows, _verdict([r[3] for r in rows])))
    return phases, tuple(results)


def _verdict(trends: list[Trend]) -> Trend:
    known = [t for t in trends if t != "no_data"]
    if not known:
        return "no_data"
    better, worse = known.count("better"), known.count("worse")
    return "better" if better > worse else "worse" if worse > better else "steady"


# ---------------------------------------------------------------- proposals


@dataclass(frozen=True)
class Evaluation:
    """What proposals look at."""

    now: dict[str, Value]
    base: dict[str, Value]
    health: PageHealth | None
    mtd_attainment: float | None  # month to date ÷ the plan to date, when a target is set
    needed_per_day: float | None

    def value(self, metric: str) -> float | None:
        v = self.now.get(metric)
        return None if v is None else float(v)  # type: ignore[arg-type]

    def change(self, metric: str) -> float | None:
        a, b = self.now.get(metric), self.base.get(metric)
        if a is None or b is None or float(b) == 0:  # type: ignore[arg-type]
            return None
        return float(a) / float(b) - 1  # type: ignore[arg-type]


@dataclass(frozen=True)
class Proposal:
    code: str
    role: str  # who acts: 运营 operator, 推广 promotion, 美工 designer, 客服 service
    when: Callable[[Evaluation], bool]
    en: str
    zh: str
    facts: Callable[[Evaluation], dict[str, str]] = lambda e: {}

    def text(self, e: Evaluation, lang: str) -> str:
        return (self.zh if lang == "zh" else self.en).format(**self.facts(e))


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:+.1f}%"


def _below(e: Evaluation, metric: str, drop: float) -> bool:
    c = e.change(metric)
    return c is not None and c <= -drop


def _fails(e: Evaluation, *keys: str) -> bool:
    return e.health is not None and any(e.health.check(k).verdict == "fail" for k in keys)


PROPOSALS: tuple[Proposal, ...] = (
    Proposal(
        "fix_pages_first",
        "美工",
        lambda e: _fails(e, "bounce_rate", "pages_per_visitor"),
        "Fix the detail pages before buying more traffic: bounce rate {bounce} and {depth} pages per visitor miss "
        "the pass marks (70 %, 2.5) — more promotion would lose money.",
        "先调整页面再加大推广:跳失率 {bounce}、访问深度 {depth} 未达及格线(70%、2.5),此时加推广只会亏钱。",
        lambda e: {
            "bounce": "—" if e.value("bounce_rate") is None else f"{e.value('bounce_rate') * 100:.1f}%",  # type: ignore[operator]
            "depth": "—" if e.value("pages_per_visitor") is None else f"{e.value('pages_per_visitor'):.2f}",
        },
    ),
    Proposal(
        "bundle_best_seller",
        "运营",
        lambda e: _fails(e, "rpb_vs_main"),
        "Build bundles and cross-sells around the best seller: the store's 客单价 is only {ratio}× the best "
        "seller's (aim for 1.3× or more).",
        "围绕主打款做关联搭配和套餐:全店客单价仅为主打款的 {ratio} 倍(应至少 1.3 倍)。",
        lambda e: {
            "ratio": "—"
            if e.health is None or e.health.check("rpb_vs_main").value is None
            else f"{e.health.check('rpb_vs_main').value:.2f}"
        },
    ),
    Proposal(
        "recover_traffic",
        "推广",
        lambda e: _below(e, "visitors", 0.10),
        "Visitors fell {change} on last month: find the sources that lost them (search rank, paid budget, "
        "campaigns) and register for the next platform events.",
        "访客数比上月下降 {change}:查明流失的来源(搜索排名、推广预算、活动),并报名接下来的平台活动。",
        lambda e: {"change": _pct(e.change("visitors"))},
    ),
    Proposal(
        "recover_conversion",
        "运营",
        lambda e: _below(e, "conversion_rate", 0.10),
        "Conversion fell {change}: check the main products' bad reviews, copycat listings and prices, and have "
        "the designer test a new main image.",
        "转化率下降 {change}:检查主推款的中差评、同款和价格,并让美工测试新主图。",
        lambda e: {"change": _pct(e.change("conversion_rate"))},
    ),
    Proposal(
        "tune_paid_search",
        "推广",
        lambda e: (e.value("roas") is not None and e.value("roas") < 1.0) or _below(e, "roas", 0.15),  # type: ignore[operator]
        "Paid search returns {roas} per unit spent ({change} on last month): drop keywords without sales, lower "
        "bids on dear ones, move budget to the best.",
        "直通车投产比 {roas}(比上月 {change}):删除无成交的关键词,降低高价词出价,把预算集中到表现好的词。",
        lambda e: {
            "roas": "—" if e.value("roas") is None else f"{e.value('roas'):.2f}",
            "change": _pct(e.change("roas")),
        },
    ),
    Proposal(
        "coach_service",
        "客服",
        lambda e: _below(e, "inquiry_conversion_rate", 0.10),
        "Inquiry conversion fell {change}: agents below the team average learn from the best, and the reply "
        "scripts are reviewed.",
        "询单转化率下降 {change}:低于平均水平的客服向最好的客服学习,并复盘话术。",
        lambda e: {"change": _pct(e.change("inquiry_conversion_rate"))},
    ),
    Proposal(
        "catch_up_target",
        "运营",
        lambda e: e.mtd_attainment is not None and e.mtd_attainment < 0.95,
        "The month is at {attainment} of its plan to date: {needed} a day is needed for the rest of the month.",
        "本月进度为计划的 {attainment}:剩余每天需完成 {needed}。",
        lambda e: {
            "attainment": "—" if e.mtd_attainment is None else f"{e.mtd_attainment * 100:.1f}%",
            "needed": "—" if e.needed_per_day is None else f"{e.needed_per_day:,.2f}",
        },
    ),
)
STEADY_PROPOSAL = Proposal(
    "keep_course",
    "运营",
    lambda e: True,
    "No aspect slipped: keep the plan, and test one improvement at a time (main image, bundle, keyword).",
    "各项指标平稳:保持当前节奏,每次只测试一项改进(主图、套餐、关键词)。",
)


def propose(e: Evaluation) -> tuple[Proposal, ...]:
    fired = tuple(p for p in PROPOSALS if p.when(e))
    return fired or (STEADY_PROPOSAL,)
