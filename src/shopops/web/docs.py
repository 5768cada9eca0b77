"""The generated parts of ``docs/dashboard.md``: the role matrix and the settings table, from ``roles.MATRIX`` and
``settings.SETTINGS``. A test keeps the document in step, so a new permission or setting cannot go undocumented."""

from __future__ import annotations

import re

from shopops.web.roles import matrix_markdown
from shopops.web.settings import SETTINGS


def settings_markdown() -> str:
    lines = ["| setting | default | what it does |", "|---|---|---|"]
    lines += [f"| `{s.name}` | `{s.default}` | {s.help} |" for s in SETTINGS]
    return "\n".join(lines) + "\n"


SECTIONS = {"roles": matrix_markdown, "settings": settings_markdown}


def render(text: str) -> str:
    """``text`` with each ``<!-- NAME:start -->…<!-- NAME:end -->`` section regenerated."""
    for name, make in SECTIONS.items():
        begin, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
        pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
        text = pattern.sub(f"{begin}\n{make()}{end}".replace("\\", "\\\\"), text)
    return text
