"""The morning report as one self-contained HTML file: tables plus two ECharts charts, ECharts inlined (no CDN).

ECharts is vendored from the npm package ``echarts`` (``dist/echarts.min.js``); its version, checksum and licence
sit beside it in ``static/``.
"""

from __future__ import annotations

import json
from functools import cache
from html import escape
from importlib import resources
from typing import TYPE_CHECKING

from shopops.report.i18n import Lang, t
from shopops.report.render import (
    effect_header,
    effect_rows,
    gap_sentence,
    heading,
    kpi_rows,
    mover_header,
    mover_rows,
    pacing_rows,
)

if TYPE_CHECKING:
    from shopops.report.daily import DailyReport

CSS = """
body{font-family:-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;margin:2rem auto;max-width:72rem;
color:#222;padding:0 1rem}
h1{margin-bottom:.2rem}.sub{color:#666;margin-top:0}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-variant-numeric:tabular-nums}
th,td{padding:.3rem .7rem;border-bottom:1px solid #e5e5e5;text-align:right}th{background:#fafafa}
td:first-child,th:first-child{text-align:left}tr.total td{font-weight:600}
.chart{width:100%;height:360px}.note{color:#666;font-size:.9em}.gap{font-size:1.1em}
"""


@cache
def echarts_js() -> str:
    return resources.files("shopops.report").joinpath("static/echarts.min.js").read_text(encoding="utf-8")


@cache
def echarts_version() -> str:
    text = resources.files("shopops.report").joinpath("static/ECHARTS_VERSION.txt").read_text(encoding="utf-8")
    return text.split()[1]


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]], total_last: bool = False) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = []
    for i, row in enumerate(rows):
        cls = ' class="total"' if total_last and i == len(rows) - 1 else ""
        body.append(f"<tr{cls}>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _charts(report: DailyReport, lang: Lang) -> dict:
    sources = report.decomposition.sources
    effects = {
        "title": t("chart_effects", lang),
        "sources": [e.source for e in sources],
        "series": [
            {"name": t(k, lang), "data": [float(getattr(e, k)) for e in sources]}
            for k in ("traffic_effect", "conversion_effect", "aov_effect")
        ],
    }
    pacing = {
        "title": t("chart_pacing", lang),
        "dates": [d.isoformat() for d, _, _ in report.mtd_series],
        "actual": [None if a is None else float(a) for _, a, _ in report.mtd_series],
        "plan": [float(p) for _, _, p in report.mtd_series],
        "labels": [t("actual", lang), t("plan", lang)],
    }
    return {"effects": effects, "pacing": pacing}


SCRIPT = """
const D = JSON.parse(document.getElementById('report-data').textContent);
const fx = echarts.init(document.getElementById('chart-effects'));
fx.setOption({title:{text:D.effects.title},tooltip:{trigger:'axis'},legend:{top:28},grid:{top:70},
  xAxis:{type:'category',data:D.effects.sources},yAxis:{type:'value'},
  series:D.effects.series.map(s=>({name:s.name,type:'bar',stack:'e',data:s.data}))});
if (D.pacing.dates.length) {
  const pc = echarts.init(document.getElementById('chart-pacing'));
  pc.setOption({title:{text:D.pacing.title},tooltip:{trigger:'axis'},legend:{top:28},grid:{top:70},
    xAxis:{type:'category',data:D.pacing.dates},yAxis:{type:'value'},
    series:[{name:D.pacing.labels[0],type:'line',data:D.pacing.actual},
            {name:D.pacing.labels[1],type:'line',lineStyle:{type:'dashed'},data:D.pacing.plan}]});
}
"""


def to_html(report: DailyReport, lang: Lang = "en") -> str:
    data = json.dumps(_charts(report, lang), ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    parts = [
        "<!doctype html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        f"<title>{escape(t('title', lang))} {report.store_id} {report.date.isoformat()}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{escape(t('title', lang))}</h1><p class='sub'>{escape(heading(report, lang))}</p>",
        f"<h2>{escape(t('target', lang))}</h2>",
    ]
    if report.pacing is not None:
        parts.append(_table((t("metric", lang), t("today", lang)), pacing_rows(report, lang)))
        parts.append('<div id="chart-pacing" class="chart"></div>')
    parts.append(f"<p class='gap'>{escape(gap_sentence(report, lang))}</p>")
    parts.append(f"<h2>{escape(t('decomposition', lang))}</h2>")
    parts.append('<div id="chart-effects" class="chart"></div>')
    parts.append(_table(effect_header(lang), effect_rows(report, lang), total_last=True))
    parts.append(f"<p class='note'>{escape(t('decomposition_note', lang))}</p>")
    parts.append(f"<h2>{escape(t('kpis', lang))}</h2>")
    parts.append(
        _table((t("metric", lang), t("today", lang), t("base", lang), t("change", lang)), kpi_rows(report, lang))
    )
    for kind, movers in (("products", report.products), ("keywords", report.keywords)):
        parts.append(f"<h2>{escape(t(kind, lang))}</h2>")
        parts.append(
            _table(mover_header(kind[:-1], lang), mover_rows(movers)) if movers else f"<p>{t('none', lang)}</p>"
        )
    parts.append(f"<p class='note'>ECharts {escape(echarts_version())} (Apache-2.0), inlined.</p>")
    parts.append(f'<script type="application/json" id="report-data">{data}</script>')
    parts.append(f"<script>{echarts_js()}</script>")
    parts.append(f"<script>{SCRIPT}</script>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
