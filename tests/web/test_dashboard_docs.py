"""docs/dashboard.md follows the code: the role matrix, the settings, and every /api route are in it."""

from __future__ import annotations

import os
from pathlib import Path

from test_authorisation import app_routes

DOC = Path(__file__).resolve().parents[2] / "docs" / "dashboard.md"


def test_generated_sections_are_current():
    from shopops.web.docs import render

    text = DOC.read_text(encoding="utf-8")
    if os.environ.get("SHOPOPS_UPDATE_SNAPSHOTS") == "1":
        DOC.write_text(render(text), encoding="utf-8")
        text = DOC.read_text(encoding="utf-8")
    assert render(text) == text, "docs/dashboard.md is stale: regenerate it (SHOPOPS_UPDATE_SNAPSHOTS=1)"


def test_every_setting_and_permission_is_documented():
    from shopops.web.roles import Permission
    from shopops.web.settings import SETTINGS

    text = DOC.read_text(encoding="utf-8")
    assert [s.name for s in SETTINGS if f"`{s.name}`" not in text] == []
    assert [p.value for p in Permission if f"`{p.value}`" not in text] == []


def test_every_api_route_is_documented(web):
    text = DOC.read_text(encoding="utf-8")
    paths = {path.replace("{store_id}", "{store}") for _, path in app_routes(web.app) if path.startswith("/api")}
    assert sorted(p for p in paths if p not in text) == []
