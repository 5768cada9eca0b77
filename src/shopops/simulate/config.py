"""What to simulate: a frozen config parsed from the command line, and the errors a user can make there."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from shopops.errors import UsageError

OutputFormat = Literal["canonical", "sycm", "shopify", "amazon"]
OUTPUT_FORMATS: tuple[OutputFormat, ...] = ("canonical", "sycm", "shopify", "amazon")
Encoding = Literal["utf-8", "gbk"]

DEFAULT_END = date(2025, 10, 14)  # a normal Tuesday: after golden week, before the 双11 presale
_SPEC = re.compile(r"^(?P<name>[a-z_]+)(@(?P<start>\d{4}-\d{2}-\d{2})(:(?P<days>\d+))?)?$")


class BadScenario(UsageError):
    en = "bad --scenario '{spec}': {reason}; write NAME[@YYYY-MM-DD[:DAYS]] with NAME one of {valid}"
    zh = "--scenario '{spec}' 有误:{reason};格式为 名称[@YYYY-MM-DD[:天数]],名称可选 {valid}"


class BadSimOption(UsageError):
    en = "bad option {option}={value}: {reason}"
    zh = "参数 {option}={value} 有误:{reason}"


@dataclass(frozen=True)
class ScenarioRequest:
    """One ``--scenario``: a name, and optionally when it starts and how many days it lasts."""

    name: str
    start: date | None = None
    days: int | None = None

    @classmethod
    def parse(cls, spec: str, valid: tuple[str, ...]) -> ScenarioRequest:
        m = _SPEC.match(spec.strip())
        listed = ", ".join(valid)
        if not m:
            raise BadScenario(spec=spec, reason="cannot read it", valid=listed)
        name = m["name"]
        if name not in valid:
            raise BadScenario(spec=spec, reason=f"unknown scenario '{name}'", valid=listed)
        start = None
        if m["start"]:
            try:
                start = date.fromisoformat(m["start"])
            except ValueError:
                raise BadScenario(spec=spec, reason=f"'{m['start']}' is not a date", valid=listed) from None
        days = int(m["days"]) if m["days"] else None
        if days is not None and days < 1:
            raise BadScenario(spec=spec, reason="DAYS must be at least 1", valid=listed)
        return cls(name, start, days)


@dataclass(frozen=True)
class SimConfig:
    seed: int = 7
    days: int = 90
    end: date = DEFAULT_END
    stores: int = 1
    products: int = 24
    visitors_per_day: int = 5000
    scenarios: tuple[ScenarioRequest, ...] | None = None  # None: two random causes; (): clean
    format: OutputFormat = "canonical"
    encoding: Encoding = "utf-8"
    sessions: bool = False  # write visitor-level session rows (scale mode)
    store_prefix: str = "shop"

    def __post_init__(self) -> None:
        checks = (
            ("--days", self.days, self.days >= 14, "at least 14 days"),
            ("--stores", self.stores, 1 <= self.stores <= 50, "between 1 and 50"),
            ("--products", self.products, 6 <= self.products <= 2000, "between 6 and 2000"),
            ("--visitors-per-day", self.visitors_per_day, 200 <= self.visitors_per_day <= 20_000_000, "200 … 20M"),
            ("--seed", self.seed, 0 <= self.seed < 2**63, "a non-negative integer"),
        )
        for option, value, ok, reason in checks:
            if not ok:
                raise BadSimOption(option=option, value=value, reason=f"must be {reason}")
        if self.format not in OUTPUT_FORMATS:
            raise BadSimOption(option="--format", value=self.format, reason=f"valid: {', '.join(OUTPUT_FORMATS)}")
        if self.encoding not in ("utf-8", "gbk"):
            raise BadSimOption(option="--encoding", value=self.encoding, reason="valid: utf-8, gbk")

    @property
    def start(self) -> date:
        return self.end - timedelta(days=self.days - 1)

    @classmethod
    def from_start(cls, start: date, days: int, **kw) -> SimConfig:
        return cls(days=days, end=start + timedelta(days=days - 1), **kw)
