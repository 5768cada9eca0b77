"""Render the catalog as Markdown (docs/schema.md is this output; a test keeps the two equal).

Run ``python -m shopops.schema.docs > docs/schema.md`` after changing the catalog.
"""

from __future__ import annotations

from shopops.schema.tables import TABLES


def schema_markdown() -> str:
    lines = [
        "# The canonical schema",
        "",
        "Generated from `src/shopops/schema/tables.py` by `python -m shopops.schema.docs`; do not edit by hand.",
        "Every table has `store_id`; rows merge on the natural key. Headers match case-, width- and",
        "spacing-insensitively against the column name, its zh and en labels and its aliases.",
        "",
    ]
    for t in TABLES.values():
        lines += [f"## `{t.name}` — {t.zh} / {t.en}", ""]
        if t.description:
            lines += [t.description, ""]
        lines += [f"Natural key: {', '.join(f'`{k}`' for k in t.key)}."]
        if t.synthetic:
            lines += [
                f"Rows without `{t.synthetic.column}` get one from a hash of "
                f"{', '.join(f'`{c}`' for c in t.synthetic.identity)} plus the row's occurrence among equal rows."
            ]
        lines += ["", "| column | type | zh | en | also matches | required | range |", "|---|---|---|---|---|---|---|"]
        for c in t.columns:
            rng = ""
            if c.minimum is not None or c.maximum is not None:
                lo = "" if c.minimum is None else f"{c.minimum:g}"
                hi = "" if c.maximum is None else f"{c.maximum:g}"
                rng = f"{lo} … {hi}".strip()
            aliases = ", ".join(c.aliases)
            lines.append(
                f"| `{c.name}` | {c.type} | {c.zh} | {c.en} | {aliases} | {'yes' if c.required else ''} | {rng} |"
            )
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(schema_markdown(), end="")
