"""A ``Report`` as an Excel workbook (xlsxwriter): the operator's own summary tables, made from the result object.

Sheets: overview (key figures, findings, tasks, page health, evaluation, proposals), 全店运营数据汇总表 (a row per
day, totals, conditional formats, a GMV/visitors chart), traffic sources, top products, 店铺活动销售成果汇报表,
淘客资源汇总表 and the paid-search campaigns. Numbers are written as numbers and dates as dates (with number
formats), every sheet has a frozen header and an autofilter, and every text cell from data goes through
``excel_safe.neutralise``. Values are the JSON report's values (``render._j``), so both always agree.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import xlsxwriter

from shopops.metrics.catalog import CATALOG
from shopops.report.excel_safe import neutralise
from shopops.report.grid import Col, Grid
from shopops.report.i18n import Lang, metric_label
from shopops.report.output import heading, title
from shopops.report.periodic import Report
from shopops.report.render import _j
from shopops.report.words import w

HEADER_ROW = 3  # rows 0–2: title, store and period, ledger; data starts on the row after the header
NUMBER_FORMATS = {
    "money": "#,##0.00",
    "count": "#,##0",
    "rate": "0.00%",
    "ratio": "0.00",
    "pages": "0.00",
    "stars": "0.00",
    "days": "0.0",
    "date": "yyyy-mm-dd",
    "text": "@",
}
SOURCE_COLS = (
    Col("source", "Source", "流量来源", "text"),
    Col("gmv", "GMV", "支付金额", "money"),
    Col("base_gmv", "GMV, base", "对比期支付金额", "money"),
    Col("delta_gmv", "Δ GMV", "金额变化", "money"),
    Col("traffic_effect", "Traffic effect", "流量影响", "money"),
    Col("conversion_effect", "Conversion effect", "转化影响", "money"),
    Col("aov_effect", "客单价 effect", "客单价影响", "money"),
    Col("visitors", "Visitors", "访客数", "count"),
    Col("base_visitors", "Visitors, base", "对比期访客数", "count"),
    Col("conversion", "Conversion rate", "支付转化率", "rate"),
    Col("base_conversion", "Conversion, base", "对比期转化率", "rate"),
    Col("revenue_per_buyer", "Revenue per buyer", "客单价", "money"),
    Col("cost", "Paid cost", "推广花费", "money"),
)


def sources_grid(report: Report) -> Grid:
    d = report.decomposition
    rows = tuple(tuple(getattr(e, c.key) for c in SOURCE_COLS) for e in d.sources)
    total = tuple(None if c.key == "source" else getattr(d.total, c.key) for c in SOURCE_COLS)
    return Grid("sources", "Traffic sources", "流量来源", SOURCE_COLS, rows, total)


def sheet_grids(report: Report) -> tuple[tuple[str, Grid], ...]:
    """(key, grid) per data sheet, in workbook order; the JSON report holds the same grids under the same keys."""
    return (
        ("store_summary", report.summary),
        ("sources", sources_grid(report)),
        ("top_products", report.products),
        ("campaign_results", report.campaigns),
        ("paid_sources", report.paid_sources),
        ("ad_campaigns", report.ad_campaigns),
    )


class _Writer:
    def __init__(self, wb: xlsxwriter.Workbook, report: Report, lang: Lang) -> None:
        self.wb, self.report, self.lang = wb, report, lang
        self.fmt = {u: wb.add_format({"num_format": f}) for u, f in NUMBER_FORMATS.items()}
        self.total = {u: wb.add_format({"num_format": f, "bold": True, "top": 1}) for u, f in NUMBER_FORMATS.items()}
        self.head = wb.add_format(
            {"bold": True, "bg_color": "#F2F2F2", "bottom": 1, "text_wrap": True, "valign": "top"}
        )
        self.h1 = wb.add_format({"bold": True, "font_size": 14})
        self.note = wb.add_format({"font_color": "#666666"})
        self.bold = wb.add_format({"bold": True})

    def put(self, ws, row: int, col: int, value: Any, unit: str, total: bool = False) -> None:
        fmt = (self.total if total else self.fmt).get(unit, self.fmt["text"])
        value = _j(value) if not isinstance(value, dt.date) else value
        if value is None:
            ws.write_blank(row, col, None, fmt)
        elif isinstance(value, dt.date):
            ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt)
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value, fmt)
        elif isinstance(value, int | float) and unit != "text":
            ws.write_number(row, col, value, fmt)
        else:
            ws.write_string(row, col, neutralise(str(value)), fmt)

    def text(self, ws, row: int, col: int, value: str, fmt=None) -> None:
        ws.write_string(row, col, neutralise(value), fmt)

    def preamble(self, ws, name: str) -> None:
        r = self.report
        self.text(ws, 0, 0, name, self.h1)
        self.text(ws, 1, 0, heading(r, self.lang))
        self.text(ws, 2, 0, r.ledger.line(self.lang), self.note)

    def grid(self, name: str, g: Grid) -> Any:
        ws = self.wb.add_worksheet(name)
        self.preamble(ws, f"{g.title(self.lang)} · {title(self.report, self.lang)}")
        for c, col in enumerate(g.cols):
            self.text(ws, HEADER_ROW, c, col.label(self.lang), self.head)
            ws.set_column(c, c, 12 if col.unit != "text" else 18)
        for i, row in enumerate(g.rows):
            for c, (v, col) in enumerate(zip(row, g.cols, strict=True)):
                self.put(ws, HEADER_ROW + 1 + i, c, v, col.unit)
        last = HEADER_ROW + len(g.rows)
        if g.total is not None:
            self.text(ws, last + 1, 0, w("total_row", self.lang), self.total["text"])
            for c, (v, col) in enumerate(zip(g.total, g.cols, strict=True)):
                if c:
                    self.put(ws, last + 1, c, v, col.unit, total=True)
        ws.freeze_panes(HEADER_ROW + 1, 1)
        ws.autofilter(HEADER_ROW, 0, max(last, HEADER_ROW), len(g.cols) - 1)
        ws.set_row(HEADER_ROW, 32)
        return ws

    def summary(self, name: str, g: Grid) -> None:
        ws = self.grid(name, g)
        if not g.rows:
            return
        first, last = HEADER_ROW + 1, HEADER_ROW + len(g.rows)
        keys = [c.key for c in g.cols]
        red = self.wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
        green = self.wb.add_format({"bg_color": "#C6EFCE", "font_color": "#006100"})
        rules = {
            "bounce_rate": [(">=", 0.70, red), ("<", 0.60, green)],  # the operator's pass mark and good mark
            "pages_per_visitor": [("<", 2.5, red), (">=", 3.5, green)],
            "roas": [("<", 1.0, red)],
        }
        for key, conds in rules.items():
            if key in keys:
                c = keys.index(key)
                for op, value, fmt in conds:
                    ws.conditional_format(
                        first, c, last, c, {"type": "cell", "criteria": op, "value": value, "format": fmt}
                    )
        for key in ("gmv", "conversion_rate"):
            if key in keys:
                c = keys.index(key)
                ws.conditional_format(first, c, last, c, {"type": "data_bar", "bar_solid": True})
        if "gmv" in keys and "visitors" in keys:
            self._chart(ws, name, keys, first, last, len(keys) + 1)

    def _chart(self, ws, sheet: str, keys: list[str], first: int, last: int, at_col: int) -> None:
        gmv, uv = keys.index("gmv"), keys.index("visitors")
        line = self.wb.add_chart({"type": "line"})
        line.add_series(
            {
                "name": metric_label("gmv", self.lang),
                "categories": [sheet, first, 0, last, 0],
                "values": [sheet, first, gmv, last, gmv],
                "marker": {"type": "circle", "size": 4},
            }
        )
        bars = self.wb.add_chart({"type": "column"})
        bars.add_series(
            {
                "name": metric_label("visitors", self.lang),
                "categories": [sheet, first, 0, last, 0],
                "values": [sheet, first, uv, last, uv],
                "y2_axis": True,
                "fill": {"color": "#9DC3E6"},
            }
        )
        line.combine(bars)
        line.set_title({"name": w("chart_trend", self.lang)})
        line.set_x_axis({"date_axis": True, "num_format": "mm-dd"})
        line.set_y_axis({"name": metric_label("gmv", self.lang), "num_format": "#,##0"})
        bars.set_y2_axis({"name": metric_label("visitors", self.lang)})
        line.set_size({"width": 900, "height": 360})
        ws.insert_chart(HEADER_ROW, at_col, line)

    def overview(self) -> None:
        r, lang = self.report, self.lang
        ws = self.wb.add_worksheet(w("overview", lang))
        self.preamble(ws, title(r, lang))
        ws.set_column(0, 0, 28)
        ws.set_column(1, 1, 16)
        ws.set_column(2, 3, 14)
        row = HEADER_ROW
        for c, h in enumerate((w("metric", lang), "key", w("this_period", lang), w("base", lang))):
            self.text(ws, row, c, h, self.head)
        ws.freeze_panes(row + 1, 1)
        ws.autofilter(row, 0, row + len(r.kpis), 3)
        for k in r.kpis:
            row += 1
            unit = CATALOG[k.name].unit
            self.text(ws, row, 0, metric_label(k.name, lang))
            self.text(ws, row, 1, k.name, self.note)
            self.put(ws, row, 2, k.value, unit)
            self.put(ws, row, 3, k.base, unit)
        row += 2
        row = self._block(
            ws,
            row,
            w("findings", lang),
            (w("severity", lang), w("subject", lang), w("finding", lang), w("impact", lang)),
            [(f.severity, f.subject_label or f.subject, f.sentence(lang), f.impact) for f in r.diagnosis.findings],
            ("text", "text", "text", "money"),
            w(r.diagnosis.note, lang) if not r.diagnosis.available else w("no_findings", lang),
        )
        row = self._block(
            ws,
            row,
            w("tasks", lang),
            (w("task", lang), w("role", lang), w("priority", lang), w("due", lang)),
            [(t.title(lang), t.role, t.priority, t.due) for t in r.diagnosis.tasks],
            ("text", "text", "text", "date"),
            w("no_tasks", lang),
        )
        if r.health is not None:
            rows = [
                ((c.threshold.zh if lang == "zh" else c.threshold.en), c.value, c.base, c.verdict)
                for c in r.health.checks
            ]
            row = self._block(
                ws,
                row,
                w("health", lang),
                (w("check", lang), w("this_period", lang), w("base", lang), w("verdict", lang)),
                rows,
                ("text", "ratio", "ratio", "text"),
                "",
            )
        if r.kind == "monthly":
            rows = [
                ((a.aspect.zh if lang == "zh" else a.aspect.en) + " · " + metric_label(m, lang), v, b, trend)
                for a in r.evaluation
                for m, v, b, trend, _ in a.rows
            ]
            row = self._block(
                ws,
                row,
                w("evaluation", lang),
                (w("metric", lang), w("month", lang), w("prev_month", lang), w("verdict", lang)),
                rows,
                ("text", "ratio", "ratio", "text"),
                "",
            )
            row = self._block(
                ws,
                row,
                w("proposals", lang),
                (w("role", lang), w("proposals", lang)),
                [(p.role, p.text(lang)) for p in r.proposals],
                ("text", "text"),
                "",
            )
        self.text(ws, row, 0, w("generated_from", lang).format(files=r.ledger.files, sha=r.ledger.sha256), self.note)

    def _block(self, ws, row: int, name: str, header, rows, units, empty: str) -> int:
        self.text(ws, row, 0, name, self.bold)
        row += 1
        if not rows:
            self.text(ws, row, 0, empty, self.note)
            return row + 2
        for c, h in enumerate(header):
            self.text(ws, row, c, h, self.head)
        for values in rows:
            row += 1
            for c, (v, unit) in enumerate(zip(values, units, strict=True)):
                self.put(ws, row, c, v, unit)
        return row + 2


def sheet_name(key: str, lang: Lang) -> str:
    names = {
        "store_summary": "summary",
        "sources": "sources",
        "top_products": "top_products",
        "campaign_results": "campaigns",
        "paid_sources": "resources",
        "ad_campaigns": "ad_campaigns",
    }
    return w(names[key], lang)[:31]


def to_xlsx(report: Report, lang: Lang = "en") -> bytes:
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buffer,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    # a fixed creation time: the same data gives the same file
    wb.set_properties(
        {
            "title": f"{title(report, lang)} {report.store_id} {report.date.isoformat()}",
            "author": "shopops",
            "comments": report.ledger.line(lang),
            "created": dt.datetime.combine(report.date, dt.time()),
        }
    )
    writer = _Writer(wb, report, lang)
    writer.overview()
    for key, grid in sheet_grids(report):
        if key == "store_summary":
            writer.summary(sheet_name(key, lang), grid)
        else:
            writer.grid(sheet_name(key, lang), grid)
    wb.close()
    return buffer.getvalue()


def write_xlsx(report: Report, path: str | Path, lang: Lang = "en") -> Path:
    path = Path(path)
    path.write_bytes(to_xlsx(report, lang))
    return path
