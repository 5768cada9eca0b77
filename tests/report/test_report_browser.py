"""The HTML reports in headless Chromium: every chart draws (canvas with a size), the Chinese text shows, no errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from simshop import END, sim_shop

from shopops.report.page import to_html
from shopops.report.periodic import build_report
from shopops.report.spec import ReportSpec

CHARTS = {
    "daily": ("chart-trend", "chart-waterfall", "chart-sources", "chart-effects", "chart-products", "chart-pacing"),
    "weekly": ("chart-trend", "chart-waterfall", "chart-sources", "chart-effects", "chart-products"),
    "monthly": ("chart-trend", "chart-waterfall", "chart-sources", "chart-effects", "chart-products", "chart-phases"),
}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"  # git-ignored
TITLES = {"daily": "运营晨报", "weekly": "运营周报", "monthly": "运营月报"}


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    from shopops.warehouse import Workspace

    shop = sim_shop(tmp_path_factory)
    folder = tmp_path_factory.mktemp("html")
    out = {}
    with Workspace(shop.ws, create=False, read_only=True) as ws:
        for kind in CHARTS:
            path = folder / f"{kind}.html"
            path.write_text(to_html(build_report(ws.con, ReportSpec(kind, END)), "zh"), encoding="utf-8")
            out[kind] = path
    return out


@pytest.mark.parametrize("kind", list(CHARTS))
def test_charts_draw_and_chinese_shows(page, pages, kind):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(pages[kind].as_uri())
    page.wait_for_function("(window.shopopsCharts || []).length > 0")
    assert page.inner_text("#title") == TITLES[kind]
    sizes = page.evaluate(
        """ids => ids.map(id => {
            const c = document.querySelector('#' + id + ' canvas');
            return c ? [c.width, c.height] : null; })""",
        list(CHARTS[kind]),
    )
    for chart_id, size in zip(CHARTS[kind], sizes, strict=True):
        assert size is not None and size[0] > 100 and size[1] > 100, (chart_id, size)
    # Chinese renders with a CJK font: the title is wider than the same number of Latin boxes would fall back to
    width = page.evaluate("() => document.getElementById('title').getBoundingClientRect().width")
    assert width > 60
    assert "支付金额变化拆解" in page.content() and "输入台账" in page.inner_text("#ledger")
    assert not errors and not page.console_errors, errors + page.console_errors
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"report-{kind}-zh.png"), full_page=True)


def test_html_is_self_contained(pages):
    for path in pages.values():
        text = path.read_text(encoding="utf-8")
        assert "<script src" not in text and "http://" not in text.split("<script>")[0]
        assert "echarts.init" in text
