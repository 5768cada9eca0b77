"""The workbook read back with python-calamine equals the JSON report; its structure is what operators expect;
and no text from data can become a formula (a hypothesis property)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook
from simshop import END, sim_shop

from shopops.report.excel_safe import TRIGGERS, neutralise, restore
from shopops.report.grid import Col, Grid
from shopops.report.output import to_dict
from shopops.report.periodic import build_report
from shopops.report.spec import ReportSpec
from shopops.report.workbook import HEADER_ROW, sheet_grids, sheet_name, to_xlsx


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    from shopops.warehouse import Workspace

    shop = sim_shop(tmp_path_factory)
    with Workspace(shop.ws, create=False, read_only=True) as ws:
        return {k: build_report(ws.con, ReportSpec(k, END)) for k in ("daily", "weekly", "monthly")}


def _sheet(data: bytes, name: str) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(name).to_python()


def _same(cell, value) -> bool:
    if value is None:
        return cell == ""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and isinstance(cell, dt.date):
        return cell.isoformat() == value  # dates are written as dates
    if isinstance(value, int | float) and not isinstance(value, bool):
        return isinstance(cell, int | float) and cell == pytest.approx(value, rel=1e-12, abs=1e-12)
    return cell == value


@pytest.mark.parametrize("kind", ["daily", "weekly", "monthly"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_sheet_equals_the_json_numbers(reports, kind, lang):
    report = reports[kind]
    data, payload = to_xlsx(report, lang), to_dict(report, lang)
    for key, grid in sheet_grids(report):
        rows = _sheet(data, sheet_name(key, lang))
        assert rows[HEADER_ROW][: len(grid.cols)] == [c.label(lang) for c in grid.cols]
        body = rows[HEADER_ROW + 1 : HEADER_ROW + 1 + len(grid.rows)]
        expected = payload[key]["rows"] if key != "sources" else payload["decomposition"]
        assert len(body) == len(expected) == len(grid.rows), key
        for got, want in zip(body, expected, strict=True):
            for i, col in enumerate(grid.cols):
                assert _same(got[i], want[col.key]), (key, col.key, got[i], want[col.key])
        if key == "store_summary":
            total = rows[HEADER_ROW + 1 + len(grid.rows)]
            for i, col in enumerate(grid.cols[1:], 1):
                assert _same(total[i], payload[key]["total"][col.key]), col.key
    overview = _sheet(data, sheet_name_overview(lang))
    kpis = {r[1]: (r[2], r[3]) for r in overview[HEADER_ROW + 1 : HEADER_ROW + 1 + len(report.kpis)]}
    for name, value in payload["kpis"].items():
        assert _same(kpis[name][0], value), name
        assert _same(kpis[name][1], payload["kpis_base"][name]), name
    assert payload["ledger"]["sha256"][:16] in overview[2][0]


def sheet_name_overview(lang):
    from shopops.report.words import w

    return w("overview", lang)


def test_workbook_structure_and_rerun(reports):
    report = reports["monthly"]
    data = to_xlsx(report, "zh")
    assert to_xlsx(report, "zh") == data  # the same data gives the same file
    z = zipfile.ZipFile(io.BytesIO(data))
    names = z.namelist()
    summary_xml = z.read("xl/worksheets/sheet2.xml").decode()
    assert 'state="frozen"' in summary_xml and "<autoFilter" in summary_xml
    assert (
        'operator="greaterThanOrEqual"' in summary_xml and "<formula>0.7</formula>" in summary_xml
    )  # bounce ≥ 70 % red
    assert "dataBar" in summary_xml
    chart = z.read("xl/charts/chart1.xml").decode()
    assert "<c:lineChart>" in chart and "<c:barChart>" in chart
    assert any(n.startswith("xl/drawings/") for n in names)
    for n in names:
        if n.startswith("xl/worksheets/sheet"):
            assert "<f>" not in z.read(n).decode(), n  # numbers are values, never formulas
    rows = _sheet(data, "全店运营数据汇总表")
    first = rows[HEADER_ROW + 1]
    assert isinstance(first[0], dt.date) and all(isinstance(v, float) for v in first[1:] if v != "")


def test_neutralise_examples():
    assert neutralise('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert neutralise("-2+3") == "'-2+3" and neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise("\tcmd") == "'\tcmd" and neutralise("\r=1") == "'\r=1"
    assert neutralise("手淘搜索") == "手淘搜索" and neutralise("a=b") == "a=b"
    assert neutralise("'quoted") == "''quoted"


@given(st.text())
def test_neutralise_is_safe_and_reversible(text):
    safe = neutralise(text)
    assert not safe.startswith(TRIGGERS)
    assert restore(safe) == text
    if not text.startswith((*TRIGGERS, "'")):
        assert safe == text


# Text cells from data, including ones built to start with each trigger; no surrogates (not encodable in XML).
CELL = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
    st.builds(
        lambda t, s: t + s, st.sampled_from(TRIGGERS), st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
    ),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(CELL, CELL), min_size=1, max_size=5))
def test_no_text_from_data_becomes_a_formula(reports, cells):
    grid = Grid(
        "campaign_results",
        "Campaign results",
        "店铺活动销售成果汇报表",
        (Col("campaign_id", "Campaign ID", "活动ID", "text"), Col("name", "Campaign", "活动名称", "text")),
        tuple(cells),
    )
    report = dataclasses.replace(reports["weekly"], campaigns=grid)
    data = to_xlsx(report, "en")
    rows = _sheet(data, sheet_name("campaign_results", "en"))[HEADER_ROW + 1 :]
    for (a, b), got in zip(cells, rows, strict=True):
        for original, cell in ((a, got[0]), (b, got[1])):
            if original == "":
                continue
            assert not str(cell).startswith(TRIGGERS), cell
            assert restore(str(cell)) == original
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet5.xml").decode()  # campaign results
    assert "<f>" not in sheet and "<c " in sheet
