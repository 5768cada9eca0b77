"""Render the rule registry as the rules table of docs/diagnosis.md (a test keeps the two equal).

Regenerate with ``SHOPOPS_UPDATE_SNAPSHOTS=1 make test`` (or ``python -m shopops.diagnose.docs``) after changing a rule.
"""

from __future__ import annotations

from typing import Any

import shopops.diagnose.builtin  # noqa: F401
import shopops.diagnose.functions  # noqa: F401
from shopops.diagnose.rules import RULES, Rule

START, END = "<!-- rules:start -->", "<!-- rules:end -->"


def rule_rows() -> list[dict[str, Any]]:
    rows = []
    for r in RULES.values():
        row: dict[str, Any] = {
            "name": r.name,
            "code": str(r.info.code),
            "subject": r.info.subject,
            "metric": r.info.metric,
            "cadence": r.info.cadence,
            "en": r.info.en,
            "zh": r.info.zh,
            "source": r.info.source,
            "params": dict(r.info.params),
            "actions": list(r.info.actions),
            "evidence": list(r.info.evidence),
            "kind": "declared" if isinstance(r, Rule) else "function",
        }
        if isinstance(r, Rule):
            row["levels"] = [
                {"severity": str(lv.severity), "when": [c.describe() for c in (*r.require, *lv.when)]}
                for lv in r.levels
            ]
            row["impact"] = r.impact
        rows.append(row)
    return rows


def rules_markdown() -> str:
    lines = [
        START,
        "| rule | code | subject | when (severity: conditions) | params (overridable) | actions |",
        "|---|---|---|---|---|---|",
    ]
    for row in rule_rows():
        if row["kind"] == "declared":
            when = "<br>".join(f"**{lv['severity']}**: {' ∧ '.join(lv['when']) or 'always'}" for lv in row["levels"])
        else:
            when = f"function: {row['en']}"
        params = ", ".join(f"`{k}`={v:g}" for k, v in row["params"].items()) or "—"
        cadence = " (weekly)" if row["cadence"] == "weekly" else ""
        lines.append(
            f"| `{row['name']}`{cadence}<br>{row['en']}<br>{row['zh']} | `{row['code']}` | {row['subject']} | "
            f"{when} | {params} | {', '.join(f'`{a}`' for a in row['actions']) or '—'} |"
        )
    lines.append(END)
    return "\n".join(lines)


def render_doc(text: str) -> str:
    """``text`` with the part between the rules markers replaced by the current table."""
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    return head + rules_markdown() + tail


if __name__ == "__main__":
    print(rules_markdown())
