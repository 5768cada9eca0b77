"""docs/simulator.md follows the code: the scenario table is generated from the cause vocabulary, and every
cause, scenario, traffic source and command option is documented."""

from __future__ import annotations

import os
from pathlib import Path

from shopops.schema.causes import CAUSES, Cause, cause_info
from shopops.simulate import SCENARIOS
from shopops.simulate.docs import BEGIN, END, render
from shopops.simulate.sources import SOURCES

DOC = Path(__file__).resolve().parents[2] / "docs" / "simulator.md"


def test_generated_section_is_current():
    text = DOC.read_text(encoding="utf-8")
    fresh = render(text)
    if os.environ.get("SHOPOPS_UPDATE_SNAPSHOTS") == "1":
        DOC.write_text(fresh, encoding="utf-8")
        text = fresh
    assert BEGIN in text and END in text
    assert text == fresh, "docs/simulator.md is stale: regenerate it (SHOPOPS_UPDATE_SNAPSHOTS=1)"


def test_every_cause_scenario_and_source_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for code in Cause:
        info = cause_info(str(code))
        assert info is CAUSES[code] and info.code == code
        assert f"`{code}`" in text and info.zh in text and info.description in text
    assert set(SCENARIOS) == {str(c) for c in Cause}
    for src in SOURCES:
        assert src.zh in text and f"`{src.code}`" in text


def test_every_simulate_option_is_documented():
    import typer

    from shopops.cli import _load_commands, app

    _load_commands()
    text = DOC.read_text(encoding="utf-8")
    group = typer.main.get_command(app)
    options = [o for p in group.commands["simulate"].params for o in p.opts if o.startswith("--")]
    assert {"--out", "--seed", "--scenario", "--format", "--encoding", "--sessions"} <= set(options)
    missing = [o for o in options if f"`{o}" not in text]
    assert not missing, f"options missing from docs/simulator.md: {missing}"
