"""Docs are tested like code: the schema reference, the formats table and the command list follow the source."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

UPDATE = os.environ.get("SHOPOPS_UPDATE_SNAPSHOTS") == "1"


def _check(path, expected: str) -> None:
    if UPDATE:
        path.write_text(expected, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == expected, (
        f"{path.relative_to(ROOT)} is stale: regenerate it (SHOPOPS_UPDATE_SNAPSHOTS=1 make test)"
    )


def test_schema_reference_matches_catalog():
    from shopops.schema.docs import schema_markdown

    _check(ROOT / "docs" / "schema.md", schema_markdown())


def test_readme_formats_table_matches_registry():
    from shopops.ingest.formats.docs import render_readme

    readme = ROOT / "README.md"
    _check(readme, render_readme(readme.read_text(encoding="utf-8")))


def test_every_format_has_a_committed_sample():
    from shopops.ingest.formats import formats

    missing = [
        f.name for f in formats().values() if not f.sample or not (ROOT / "tests/fixtures/formats" / f.sample).is_file()
    ]
    assert not missing, f"formats without a committed sample: {missing}"


def test_every_command_is_in_the_readme():
    from shopops.cli import _load_commands, app

    _load_commands()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = []
    for info in app.registered_commands:
        names.append(info.name or info.callback.__name__)
    for group in app.registered_groups:
        names.append(group.name)
    undocumented = [n for n in names if f"shopops {n}" not in readme]
    assert not undocumented, f"commands missing from README.md: {undocumented}"
