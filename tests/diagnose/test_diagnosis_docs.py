"""docs/diagnosis.md carries the rules table and the playbook generated from their declarations."""

from __future__ import annotations

import os

from testpaths import ROOT

DOC = ROOT / "docs" / "diagnosis.md"
UPDATE = os.environ.get("SHOPOPS_UPDATE_SNAPSHOTS") == "1"


def _check(render) -> None:
    text = DOC.read_text(encoding="utf-8")
    expected = render(text)
    if UPDATE:
        DOC.write_text(expected, encoding="utf-8")
    assert text == expected, "docs/diagnosis.md is stale: regenerate it (SHOPOPS_UPDATE_SNAPSHOTS=1 make test)"


def test_rules_table_matches_the_registry():
    from shopops.diagnose.docs import render_doc

    _check(render_doc)


def test_playbook_table_matches_the_playbook():
    from shopops.act.playbook import PLAYBOOK_END, PLAYBOOK_START, playbook_markdown

    def render(text: str) -> str:
        head, _, rest = text.partition(PLAYBOOK_START)
        _, _, tail = rest.partition(PLAYBOOK_END)
        return head + playbook_markdown() + tail

    _check(render)


def test_every_rule_and_param_is_documented():
    from shopops.diagnose import RULES

    text = DOC.read_text(encoding="utf-8")
    for rule in RULES.values():
        assert f"`{rule.name}`" in text
        for param in rule.info.params:
            assert f"`{param}`=" in text
