"""A ``Report`` as one self-contained HTML file: ECharts inlined (no CDN, no network), the numbers as tables and
charts — trend, sources, a decomposition waterfall, top products — then findings, tasks and the kind's sections."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from shopops.report.grid import Grid
from shopops.report.html import CSS, echarts_js, echarts_version
from shopops.report.html import _table as table
from shopops.report.i18n import Lang, fmt_value, metric_label
from shopops.report.output import (
    evaluation_header,
    evaluation_rows,
    finding_rows,
    grid_rows,
    heading,
    health_rows,
    task_rows,
    title,
    value_label,
)
from shopops.report.periodic import Report
from shopops.report.render import effect_header, effect_rows, gap_sentence, kpi_rows, pacing_rows
from shopops.report.words import w

HEADLINE = (
    "gmv",
    "visitors",
    "conversion_rate",
    "revenue_per_buyer",
    "bounce_rate",
    "pages_per_visitor",
    "ad_cost",
    "roas",
)
EXTRA_CSS = """
.cards{display:flex;flex-wrap:wrap;gap:.6rem;margin:1rem 0}.card{border:1px solid #e5e5e5;border-radius:6px;
padding:.5rem .8rem;min-width:8.5rem}.card .v{font-size:1.3em;font-weight:600}.card .l{color:#666;font-size:.85em}
.meta{color:#666;font-size:.85em;font-family:ui-monospace,monospace}.sev-critical{color:#b00020;font-weight:600}
.sev-warning{color:#b35c00;font-weight:600}.v-fail{color:#b00020;font-weight:600}.v-good,.v-strong{color:#11772d}
td{white-space:nowrap}.grid2{display:grid;grid-template-columns:1fr 1fr;gap:1rem}details{margin:.5rem 0 1rem}
"""

SCRIPT = """
const D = JSON.parse(document.getElementById('report-data').textContent);
function chart(id, option) {
  const el = document.getElementById(id);
  if (!el) return;
  const c = echarts.init(el);
  option.title = Object.assign({left:0, textStyle:{fontSize:14}}, option.title);
  c.setOption(Object.assign({animation:false, tooltip:{trigger:'axis'}}, option));
  window.shopopsCharts = (window.shopopsCharts || []).concat([c]);
}
chart('chart-trend', {title:{text:D.trend.title}, legend:{top:0, right:10}, grid:{top:70},
  xAxis:{type:'category', data:D.trend.dates},
  yAxis:[{type:'value', name:D.trend.labels[0]}, {type:'value', name:D.trend.labels[1]}],
  series:[{name:D.trend.labels[0], type:'line', data:D.trend.gmv},
          {name:D.trend.labels[1], type:'bar', yAxisIndex:1, data:D.trend.visitors, itemStyle:{opacity:.45}}]});
chart('chart-sources', {title:{text:D.sources.title}, tooltip:{trigger:'item'},
  series:[{type:'pie', radius:['35%','65%'], top:30, data:D.sources.data}]});
const wf = D.waterfall;
chart('chart-waterfall', {title:{text:wf.title}, grid:{top:60},
  xAxis:{type:'category', data:wf.names, axisLabel:{interval:0, rotate:30}}, yAxis:{type:'value'},
  series:[{type:'bar', stack:'w', itemStyle:{color:'transparent'}, emphasis:{disabled:true}, data:wf.helper},
          {type:'bar', stack:'w', name:wf.label, data:wf.bars}]});
chart('chart-effects', {title:{text:D.effects.title}, legend:{top:0, right:10}, grid:{top:70},
  xAxis:{type:'category', data:D.effects.sources}, yAxis:{type:'value'},
  series:D.effects.series.map(s=>({name:s.name, type:'bar', stack:'e', data:s.data}))});
chart('chart-products', {title:{text:D.products.title}, grid:{left:160, top:40},
  xAxis:{type:'value'}, yAxis:{type:'category', inverse:true, data:D.products.names},
  series:[{type:'bar', name:D.products.label, data:D.products.values}]});
if (D.pacing) chart('chart-pacing', {title:{text:D.pacing.title}, legend:{top:0, right:10}, grid:{top:70},
  xAxis:{type:'category', data:D.pacing.dates}, yAxis:{type:'value'},
  series:[{name:D.pacing.labels[0], type:'line', data:D.pacing.actual},
          {name:D.pacing.labels[1], type:'line', lineStyle:{type:'dashed'}, data:D.pacing.plan}]});
if (D.phases) chart('chart-phases', {title:{text:D.phases.title}, legend:{top:0, right:10}, grid:{top:70},
  xAxis:{type:'category', data:D.phases.names},
  yAxis:[{type:'value'}, {type:'value', axisLabel:{formatter: v => (v*100).toFixed(1)+'%'}}],
  series:[{name:D.phases.labels[0], type:'bar', data:D.phases.gmv},
          {name:D.phases.labels[1], type:'line', yAxisIndex:1, data:D.phases.conversion}]});
"""


def _f(v: Any) -> float | None:
    return None if v is None else round(float(v), 6)


def _waterfall(report: Report, lang: Lang) -> dict:
    d = report.decomposition
    total = d.total
    names = [w("base_gmv", lang), *(e.source for e in d.sources), w("gmv", lang)]
    helper, bars = [0.0], [{"value": float(total.base_gmv), "itemStyle": {"color": "#8c8c8c"}}]
    running = float(total.base_gmv)
    for e in d.sources:
        delta = float(e.delta_gmv)
        if delta >= 0:
            helper.append(round(running, 2))
            bars.append({"value": round(delta, 2), "itemStyle": {"color": "#2f9e44"}})
        else:
            helper.append(round(running + delta, 2))
            bars.append({"value": round(-delta, 2), "itemStyle": {"color": "#e03131"}})
        running += delta
    helper.append(0.0)
    bars.append({"value": float(total.gmv), "itemStyle": {"color": "#1c7ed6"}})
    return {
        "title": w("chart_waterfall", lang),
        "names": names,
        "helper": helper,
        "bars": bars,
        "label": w("delta_gmv", lang),
    }


def chart_data(report: Report, lang: Lang) -> dict:
    records = report.summary.records()
    sources = report.decomposition.sources
    top = report.products.records()
    data: dict[str, Any] = {
        "trend": {
            "title": w("chart_trend", lang),
            "dates": [r["date"].isoformat() for r in records],  # type: ignore[union-attr]
            "gmv": [_f(r.get("gmv")) for r in records],
            "visitors": [_f(r.get("visitors")) for r in records],
            "labels": [metric_label("gmv", lang), metric_label("visitors", lang)],
        },
        "sources": {
            "title": w("chart_sources", lang),
            "data": [
                {"name": e.source, "value": e.visitors} for e in sorted(sources, key=lambda e: (-e.visitors, e.source))
            ],
        },
        "waterfall": _waterfall(report, lang),
        "effects": {
            "title": w("chart_effects", lang),
            "sources": [e.source for e in sources],
            "series": [
                {"name": w(k, lang), "data": [float(getattr(e, k)) for e in sources]}
                for k in ("traffic_effect", "conversion_effect", "aov_effect")
            ],
        },
        "products": {
            "title": w("chart_products", lang),
            "names": [" ".join(f"{r['sku']} {r['title'] or ''}".split())[:40] for r in top],
            "values": [_f(r["product_gmv"]) for r in top],
            "label": metric_label("product_gmv", lang),
        },
        "pacing": None,
        "phases": None,
    }
    if report.morning is not None and report.morning.mtd_series:
        s = report.morning.mtd_series
        data["pacing"] = {
            "title": w("chart_pacing", lang),
            "dates": [d.isoformat() for d, _, _ in s],
            "actual": [_f(a) for _, a, _ in s],
            "plan": [_f(p) for _, _, p in s],
            "labels": [w("actual", lang), w("plan", lang)],
        }
    if report.phases:
        per = {a.aspect.key: {m: ph for m, _, _, _, ph in a.rows} for a in report.evaluation}
        conv = per.get("conversion", {})
        data["phases"] = {
            "title": w("chart_phases", lang),
            "names": [p.label() for p in report.phases],
            "gmv": [_f(v) for v in conv.get("gmv", ())],
            "conversion": [_f(v) for v in conv.get("conversion_rate", ())],
            "labels": [metric_label("gmv", lang), metric_label("conversion_rate", lang)],
        }
    return data


def _h(text: str, level: int = 2) -> str:
    return f"<h{level}>{escape(text)}</h{level}>"


def _grid(g: Grid, lang: Lang, key: str) -> str:
    body = table(tuple(c.label(lang) for c in g.cols), grid_rows(g, lang), total_last=g.total is not None)
    return _h(w(key, lang)) + (body if g.rows else f"<p>{escape(w('none', lang))}</p>")


def _cards(report: Report, lang: Lang) -> str:
    from shopops.metrics.catalog import CATALOG
    from shopops.report.i18n import fmt_change

    out = []
    for name in HEADLINE:
        k = report.kpi(name)
        if k.value is None and k.base is None:
            continue
        unit = CATALOG[name].unit
        out.append(
            f"<div class='card'><div class='l'>{escape(metric_label(name, lang))}</div>"
            f"<div class='v'>{escape(fmt_value(k.value, unit))}</div>"
            f"<div class='l'>{escape(fmt_change(k.value, k.base, unit))}</div></div>"
        )
    return f"<div class='cards'>{''.join(out)}</div>"


def _findings(report: Report, lang: Lang) -> str:
    parts = [_h(w("findings", lang))]
    dx = report.diagnosis
    if not dx.available:
        return "".join(parts) + f"<p class='note'>{escape(w(dx.note, lang))}</p>"
    if dx.findings:
        rows = finding_rows(report, lang)
        items = [
            f"<li><span class='sev-{escape(f.severity)}'>{escape(r[0])}</span> · {escape(r[1])} — {escape(r[2])}"
            + ("" if r[3] == "—" else f" <span class='note'>({escape(w('impact', lang))} {escape(r[3])})</span>")
            + "</li>"
            for f, r in zip(dx.findings, rows, strict=True)
        ]
        parts.append(f"<ul id='findings'>{''.join(items)}</ul>")
    else:
        parts.append(f"<p>{escape(w('no_findings', lang))}</p>")
    parts.append(_h(w("tasks", lang)))
    if dx.tasks:
        parts.append(
            table((w("task", lang), w("role", lang), w("priority", lang), w("due", lang)), task_rows(report, lang))
        )
    else:
        parts.append(f"<p>{escape(w('no_tasks', lang))}</p>")
    return "".join(parts)


def _health(report: Report, lang: Lang) -> str:
    h = report.health
    if h is None:
        return ""
    rows = health_rows(report, lang)
    head = (w("check", lang), value_label(report, lang), w("base", lang), w("verdict", lang))
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(x)}</td>" for x in r[:3]) + f"<td class='v-{c.verdict}'>{escape(r[3])}</td></tr>"
        for r, c in zip(rows, h.checks, strict=True)
    )
    advice = w("fix_pages_first" if h.fix_pages_first else "pages_ok", lang)
    return (
        _h(w("health", lang))
        + f"<table id='health'><thead><tr>{''.join(f'<th>{escape(x)}</th>' for x in head)}</tr></thead><tbody>{body}</tbody></table>"
        + f"<p class='gap'>{escape(advice)}</p><p class='note'>{escape(w('health_note', lang))}</p>"
    )


def _monthly(report: Report, lang: Lang) -> str:
    if report.kind != "monthly":
        return ""
    items = "".join(f"<li><b>{escape(p.role)}</b> — {escape(p.text(lang))}</li>" for p in report.proposals)
    return (
        _h(w("evaluation", lang))
        + '<div id="chart-phases" class="chart"></div>'
        + table(evaluation_header(lang), evaluation_rows(report, lang))
        + _h(w("proposals", lang))
        + f"<ol id='proposals'>{items}</ol>"
    )


def to_html(report: Report, lang: Lang = "en") -> str:
    data = json.dumps(chart_data(report, lang), ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    name = title(report, lang)
    parts = [
        "<!doctype html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        f"<title>{escape(name)} {escape(report.store_id)} {report.date.isoformat()}</title>",
        f"<style>{CSS}{EXTRA_CSS}</style></head><body>",
        f"<h1 id='title'>{escape(name)}</h1><p class='sub'>{escape(heading(report, lang))}</p>",
        f"<p class='meta' id='ledger'>{escape(report.ledger.line(lang))}</p>",
        _cards(report, lang),
    ]
    if report.morning is not None:
        parts.append(_h(w("target", lang)))
        if report.morning.pacing is not None:
            parts.append(table((w("metric", lang), w("today", lang)), pacing_rows(report.morning, lang)))
            parts.append('<div id="chart-pacing" class="chart"></div>')
        parts.append(f"<p class='gap'>{escape(gap_sentence(report.morning, lang))}</p>")
    parts += [_h(w("trend", lang)), '<div id="chart-trend" class="chart"></div>']
    parts += [_h(w("decomposition", lang)), "<div class='grid2'>"]
    parts += ['<div id="chart-waterfall" class="chart"></div>', '<div id="chart-sources" class="chart"></div></div>']
    parts.append('<div id="chart-effects" class="chart"></div>')
    parts.append(table(effect_header(lang), effect_rows(report, lang), total_last=True))  # type: ignore[arg-type]
    parts.append(f"<p class='note'>{escape(w('decomposition_note', lang))}</p>")
    parts.append(_findings(report, lang))
    parts.append(_health(report, lang))
    parts.append(_monthly(report, lang))
    parts += [_h(w("top_products", lang)), '<div id="chart-products" class="chart"></div>']
    parts.append(table(tuple(c.label(lang) for c in report.products.cols), grid_rows(report.products, lang)))
    parts.append(_h(w("kpis", lang)))
    parts.append(
        "<details open><summary>"
        + escape(w("kpis", lang))
        + "</summary>"
        + table(
            (w("metric", lang), value_label(report, lang), w("base", lang), w("change", lang)), kpi_rows(report, lang)
        )  # type: ignore[arg-type]
        + "</details>"
    )
    parts.append(_grid(report.summary, lang, "summary"))
    parts.append(_grid(report.campaigns, lang, "campaigns"))
    parts.append(_grid(report.paid_sources, lang, "resources"))
    parts.append(_grid(report.ad_campaigns, lang, "ad_campaigns"))
    parts.append(
        f"<p class='meta'>{escape(w('generated_from', lang).format(files=report.ledger.files, sha=report.ledger.sha256))}"
        f" · shopops {escape(report.ledger.version)} · ECharts {escape(echarts_version())} (Apache-2.0), inlined.</p>"
    )
    parts.append(f'<script type="application/json" id="report-data">{data}</script>')
    parts.append(f"<script>{echarts_js()}</script>")
    parts.append(f"<script>{SCRIPT}</script>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
