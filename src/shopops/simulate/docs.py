"""The generated parts of ``docs/simulator.md``: the scenario and traffic-source tables, from the same data the
simulator and the diagnosis read (``SCENARIOS``, ``CAUSES``, ``SOURCES``). A test keeps the document in step."""

from __future__ import annotations

import re

from shopops.schema.causes import CAUSES
from shopops.simulate.scenarios import SCENARIOS
from shopops.simulate.sources import SOURCES

BEGIN = "<!-- generated:scenarios -->"
END = "<!-- /generated:scenarios -->"


def scenarios_markdown() -> str:
    lines = [
        "| scenario = cause code | 中文 | metric it moves | subject | default days | magnitude (range: meaning) |",
        "|---|---|---|---|---|---|",
    ]
    for s in SCENARIOS.values():
        info = CAUSES[s.cause]
        lo, hi = s.magnitude
        span = f"{lo:+g}" if lo == hi else f"{lo:+g} … {hi:+g}"
        lines.append(
            f"| `{s.name}` | {info.zh} | {info.metric} ({info.direction.replace('_', ' ')}) | {info.subject_kind} "
            f"| {s.default_days} | {span}: {s.magnitude_means} |"
        )
    lines += ["", "What each cause is, and where its evidence lies:", ""]
    for s in SCENARIOS.values():
        info = CAUSES[s.cause]
        lines.append(f"- **`{s.name}`** — {info.en}. {info.description} Evidence: {', '.join(info.evidence)}.")
    lines += ["", "Traffic sources (files carry the zh name for Taobao/Tmall shops, the en name otherwise):", ""]
    lines += [
        "| code | zh | en | share of visitors | conversion × | bounce | returning visitors | paid |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for src in SOURCES:
        lines.append(
            f"| `{src.code}` | {src.zh} | {src.en} | {src.share:.0%} | {src.cvr:g} | {src.bounce:.0%} "
            f"| {src.returning:.0%} | {'yes' if src.paid else 'no'} |"
        )
    return "\n".join(lines) + "\n"


def render(text: str) -> str:
    """``text`` with its generated section replaced by the current tables."""
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.S)
    return pattern.sub(lambda _: f"{BEGIN}\n{scenarios_markdown()}{END}", text)
