"""The weekly page-health review: the operator's three numbers for whether the pages, not the traffic, are the problem.

From the operator's rule of thumb: bounce rate under 70 % passes (under 60 % good, under 50 % strong — usually a
shop with many returning visitors); pages per visitor 2.5 passes (3.5 good, 4 strong); and the store's 客单价 should
be at least 1.3 × the best seller's (1.5 good), or the pages do not carry buyers on to other products. When these
fail, fix the pages before buying more traffic. The limits are the params of the diagnosis rules that flag the same
three checks (``diagnose/builtin.py``); the numbers come from the catalog.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from shopops.diagnose import builtin
from shopops.metrics.frame import Value

Verdict = Literal["strong", "good", "pass", "fail", "unknown"]
VERDICTS: tuple[str, ...] = ("strong", "good", "pass", "fail", "unknown")


@dataclass(frozen=True)
class Threshold:
    key: str
    en: str
    zh: str
    lower_is_better: bool
    passing: float
    good: float
    strong: float | None = None

    def verdict(self, value: float | None) -> Verdict:
        if value is None:
            return "unknown"
        ok = (lambda limit: value < limit) if self.lower_is_better else (lambda limit: value >= limit)
        if self.strong is not None and ok(self.strong):
            return "strong"
        if ok(self.good):
            return "good"
        return "pass" if ok(self.passing) else "fail"


def _from_rule(
    rule: str, key: str, en: str, zh: str, lower_is_better: bool, levels: tuple[str, str, str | None]
) -> Threshold:
    """A check whose levels are the params of the diagnosis rule that flags it: one declaration of each limit."""
    params = next(r.info.params for r in builtin.RULES if r.info.name == rule)
    passing, good, strong = levels
    return Threshold(key, en, zh, lower_is_better, params[passing], params[good], params[strong] if strong else None)


THRESHOLDS: tuple[Threshold, ...] = (
    _from_rule("bounce_rate_high", "bounce_rate", "Bounce rate", "跳失率", True, ("fail", "good", "good_returning")),
    _from_rule(
        "pages_per_visitor_low", "pages_per_visitor", "Pages per visitor", "访问深度", False, ("fail", "good", "strong")
    ),
    _from_rule(
        "revenue_per_buyer_vs_hero",
        "rpb_vs_main",
        "Store 客单价 ÷ best seller's",
        "全店客单价 ÷ 主打款客单价",
        False,
        ("ratio", "good", None),
    ),
)
VERDICT_TEXT: dict[str, tuple[str, str]] = {
    "strong": ("strong", "优秀"),
    "good": ("good", "良好"),
    "pass": ("passes", "及格"),
    "fail": ("fails", "不及格"),
    "unknown": ("no data", "无数据"),
}


@dataclass(frozen=True)
class Check:
    threshold: Threshold
    value: float | None
    base: float | None  # the week before
    verdict: Verdict

    def to_dict(self) -> dict[str, Any]:
        t = self.threshold
        return {
            "check": t.key,
            "value": self.value,
            "base": self.base,
            "verdict": self.verdict,
            "passing": t.passing,
            "good": t.good,
            "strong": t.strong,
            "lower_is_better": t.lower_is_better,
        }


@dataclass(frozen=True)
class PageHealth:
    checks: tuple[Check, ...]
    main_sku: str | None  # 主打款, the period's best seller
    main_title: str | None
    main_rpb: float | None
    fix_pages_first: bool  # a check fails: adjust the pages before adding promotion

    def check(self, key: str) -> Check:
        return next(c for c in self.checks if c.threshold.key == key)


def _f(v: Value) -> float | None:
    return None if v is None else float(v)  # type: ignore[arg-type]


def page_health(now: dict[str, Value], base: dict[str, Value], main: dict[str, Value] | None) -> PageHealth:
    """``now``/``base``: catalog values of the period and the one before; ``main``: the best seller's row."""
    main_rpb = _f(main.get("product_revenue_per_buyer")) if main else None
    values = {
        "bounce_rate": (_f(now.get("bounce_rate")), _f(base.get("bounce_rate"))),
        "pages_per_visitor": (_f(now.get("pages_per_visitor")), _f(base.get("pages_per_visitor"))),
        "rpb_vs_main": (_ratio(_f(now.get("revenue_per_buyer")), main_rpb), None),
    }
    checks = tuple(Check(t, *values[t.key], t.verdict(values[t.key][0])) for t in THRESHOLDS)
    return PageHealth(
        checks,
        None if main is None else str(main.get("sku")),
        None if main is None else main.get("title"),  # type: ignore[arg-type]
        main_rpb,
        any(c.verdict == "fail" for c in checks),
    )


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else round(a / b, 6)
