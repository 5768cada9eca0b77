"""The README's formats table, generated from the registry (a test keeps README and registry equal).

Run ``python -m shopops.ingest.formats.docs`` to rewrite the table between the ``formats:`` markers in README.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

from shopops.ingest.formats.base import formats

START, END = "<!-- formats:start -->", "<!-- formats:end -->"


def formats_table() -> str:
    rows = ["| format | what | platform | fills | sample |", "|---|---|---|---|---|"]
    canonical = [f for f in formats().values() if f.name.startswith("canonical:")]
    if canonical:
        rows.append(
            "| `canonical:<table>` | 通用格式 / the canonical CSV or xlsx of any table, headed by column names or "
            "their zh/en labels | generic | that table | `canonical/<table>.csv` |"
        )
    for f in sorted(formats().values(), key=lambda f: f.name):
        if f.name.startswith("canonical:"):
            continue
        sample = f"`{f.sample}`" if f.sample else ""
        rows.append(f"| `{f.name}` | {f.zh} / {f.en} | {f.platform} | {', '.join(f.tables)} | {sample} |")
    return "\n".join(rows)


def render_readme(text: str) -> str:
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{formats_table()}\n{END}{tail}"


if __name__ == "__main__":
    readme = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    readme.write_text(render_readme(readme.read_text(encoding="utf-8")), encoding="utf-8")
