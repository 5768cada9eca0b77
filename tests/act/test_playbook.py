"""Task texts carry the numbers the staff member acts on."""

from __future__ import annotations

import datetime as dt

from shopops.act.playbook import PLAYBOOK, text
from shopops.diagnose.model import Finding, Severity


def test_the_coach_task_names_the_team_rate_it_is_judged_against():
    """agent_below_team compares an agent with the rest of the team (the agent's own usual rate may be missing)."""
    finding = Finding(
        store_id="s1",
        date=dt.date(2025, 6, 2),
        code="agent_below_team",
        rule="agent_below_team",
        severity=Severity.INFO,
        subject_kind="agent",
        subject="小王",
        metric="conversion_7d",
        value=0.21,
        baseline=None,
        en="",
        zh="",
        facts={"team_conversion_7d": 0.34},
    )
    en, zh = text(PLAYBOOK["coach_agent"], finding, "en"), text(PLAYBOOK["coach_agent"], finding, "zh")
    assert "21%" in en and "34%" in en and "team" in en
    assert "21%" in zh and "34%" in zh and "团队" in zh
