"""A ``Report`` as JSON and Markdown — reading the result object only. Both are byte-identical on re-run: no clock,
fixed key order, floats cut to 10 significant digits (``render._j``)."""

from __future__ import annotations

from typing import Any

from shopops.metrics.catalog import CATALOG
from shopops.report.grid import Grid
from shopops.report.health import VERDICT_TEXT
from shopops.report.i18n import Lang, fmt_change, fmt_money, fmt_value, metric_label
from shopops.report.periodic import Report
from shopops.report.render import _effect, _j, effect_header, effect_rows, kpi_rows
from shopops.report.render import to_json as morning_json
from shopops.report.render import to_markdown as morning_markdown
from shopops.report.words import w

# ---------------------------------------------------------------- cells shared by Markdown, HTML and the terminal


def cell(v: Any, unit: str) -> str:
    if unit == "text":
        return "—" if v is None else " ".join(str(v).split())  # one line: newlines and tabs from data collapse
    return fmt_value(v, unit)


def grid_rows(g: Grid, lang: str) -> list[tuple[str, ...]]:
    rows = [tuple(cell(v, c.unit) for v, c in zip(r, g.cols, strict=True)) for r in g.rows]
    if g.total is not None:
        first = w("total_row", lang)
        rows.append((first, *(cell(v, c.unit) for v, c in zip(g.total[1:], g.cols[1:], strict=True))))
    return rows


def title(report: Report, lang: str) -> str:
    return w(f"title_{report.kind}", lang)


def value_label(report: Report, lang: str) -> str:
    return w("today" if report.kind == "daily" else "this_period", lang)


def heading(report: Report, lang: str) -> str:
    return (
        f"{w('store', lang)} {report.store_id} · {w('period', lang)} {report.period.label()} · "
        f"{w('base_period', lang)} {report.base.label()}"
    )


def finding_rows(report: Report, lang: str) -> list[tuple[str, ...]]:
    return [
        (
            w(f.severity, lang) if f.severity in ("info", "warning", "critical") else f.severity,
            f.subject_label or f.subject,
            f.sentence(lang),
            "—" if f.impact is None else fmt_money(f.impact),
        )
        for f in report.diagnosis.findings
    ]


def task_rows(report: Report, lang: str) -> list[tuple[str, ...]]:
    return [
        (t.title(lang), t.role or "—", t.priority or "—", t.due.isoformat() if t.due else "—")
        for t in report.diagnosis.tasks
    ]


def health_rows(report: Report, lang: str) -> list[tuple[str, ...]]:
    if report.health is None:
        return []
    out = []
    for c in report.health.checks:
        unit = {"bounce_rate": "rate"}.get(c.threshold.key, "ratio")
        label = c.threshold.zh if lang == "zh" else c.threshold.en
        verdict = VERDICT_TEXT[c.verdict][1 if lang == "zh" else 0]
        out.append((label, fmt_value(c.value, unit), fmt_value(c.base, unit), verdict))
    return out


def evaluation_rows(report: Report, lang: str) -> list[tuple[str, ...]]:
    out = []
    for a in report.evaluation:
        name = a.aspect.zh if lang == "zh" else a.aspect.en
        for m, v, b, trend, phases in a.rows:
            unit = CATALOG[m].unit
            out.append(
                (
                    name,
                    metric_label(m, lang),  # type: ignore[arg-type]
                    fmt_value(v, unit),
                    fmt_value(b, unit),
                    fmt_change(v, b, unit),
                    w(trend, lang),
                    " / ".join(fmt_value(x, unit) for x in phases),
                )
            )
    return out


def evaluation_header(lang: str) -> tuple[str, ...]:
    return (
        w("aspect", lang),
        w("metric", lang),
        w("month", lang),
        w("prev_month", lang),
        w("change", lang),
        w("verdict", lang),
        w("chart_phases", lang),
    )


# ---------------------------------------------------------------- JSON


def to_dict(report: Report, lang: Lang = "en") -> dict[str, Any]:
    if report.morning is not None:
        out = morning_json(report.morning, lang)
    else:
        out = {
            "date": report.date.isoformat(),
            "store": report.store_id,
            "lang": lang,
            "kpis": {k.name: _j(k.value) for k in report.kpis},
            "kpis_base": {k.name: _j(k.base) for k in report.kpis},
            "labels": {k.name: metric_label(k.name, lang) for k in report.kpis},
            "decomposition": [_effect(e) for e in report.decomposition.sources],
            "decomposition_total": _effect(report.decomposition.total),
        }
    out["report"] = report.kind
    out |= {
        "period": {"start": report.period.start.isoformat(), "end": report.period.end.isoformat()},
        "base_period": {"start": report.base.start.isoformat(), "end": report.base.end.isoformat()},
        "ledger": report.ledger.to_dict(),
        "shopops_version": report.ledger.version,
        "store_summary": report.summary.to_dict(_j),
        "top_products": report.products.to_dict(_j),
        "campaign_results": report.campaigns.to_dict(_j),
        "paid_sources": report.paid_sources.to_dict(_j),
        "ad_campaigns": report.ad_campaigns.to_dict(_j),
        "diagnosis": {"available": report.diagnosis.available, "note": report.diagnosis.note},
        "findings": [{k: _j(v) for k, v in f.to_dict().items()} for f in report.diagnosis.findings],
        "tasks": [{k: _j(v) for k, v in t.to_dict().items()} for t in report.diagnosis.tasks],
    }
    if report.health is not None:
        h = report.health
        out["page_health"] = {
            "checks": [{k: _j(v) for k, v in c.to_dict().items()} for c in h.checks],
            "main_sku": h.main_sku,
            "main_title": h.main_title,
            "main_revenue_per_buyer": _j(h.main_rpb),
            "fix_pages_first": h.fix_pages_first,
        }
    if report.kind == "monthly":
        out["phases"] = [{"start": p.start.isoformat(), "end": p.end.isoformat()} for p in report.phases]
        out["evaluation"] = [a.to_dict(_j) for a in report.evaluation]
        out["proposals"] = [{"code": p.code, "role": p.role, "text": p.text(lang)} for p in report.proposals]
        p = report.pacing
        out["month_target"] = (
            None
            if p is None
            else {
                "month": p.month,
                "month_target": _j(p.month_target),
                "mtd": _j(p.mtd),
                "mtd_target": _j(p.mtd_target),
                "mtd_attainment": _j(p.mtd_attainment),
                "needed_per_day": _j(p.needed_per_day),
            }
        )
    return out


# ---------------------------------------------------------------- Markdown


def md_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    def esc(c: str) -> str:
        return " ".join(c.split()).replace("|", "\\|")

    lines = ["| " + " | ".join(map(esc, header)) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(map(esc, r)) + " |" for r in rows]
    return "\n".join(lines)


def _grid_md(g: Grid, lang: str, key: str | None = None) -> list[str]:
    body = md_table(tuple(c.label(lang) for c in g.cols), grid_rows(g, lang)) if g.rows else w("none", lang)
    return [f"## {w(key, lang) if key else g.title(lang)}", "", body, ""]


def to_markdown(report: Report, lang: Lang = "en") -> str:
    meta = report.ledger.line(lang)
    if report.morning is not None:
        head, _, rest = morning_markdown(report.morning, lang).partition("\n## ")
        parts = [head.rstrip("\n"), "", meta, "", "## " + rest.rstrip("\n"), ""]
    else:
        parts = [f"# {title(report, lang)}", "", heading(report, lang), "", meta, ""]
        parts += [f"## {w('kpis', lang)}", ""]
        parts += [
            md_table(
                (w("metric", lang), value_label(report, lang), w("base", lang), w("change", lang)),
                kpi_rows(report, lang),
            ),
            "",
        ]  # type: ignore[arg-type]
        parts += [f"## {w('decomposition', lang)}", "", md_table(effect_header(lang), effect_rows(report, lang)), ""]  # type: ignore[arg-type]
        parts += [w("decomposition_note", lang), ""]
    parts += [f"## {w('findings', lang)}", ""]
    if not report.diagnosis.available:
        parts += [w(report.diagnosis.note, lang), ""]
    elif report.diagnosis.findings:
        header = (w("severity", lang), w("subject", lang), w("finding", lang), w("impact", lang))
        parts += [md_table(header, finding_rows(report, lang)), ""]
    else:
        parts += [w("no_findings", lang), ""]
    if report.diagnosis.available:
        parts += [f"## {w('tasks', lang)}", ""]
        header = (w("task", lang), w("role", lang), w("priority", lang), w("due", lang))
        parts += [md_table(header, task_rows(report, lang)) if report.diagnosis.tasks else w("no_tasks", lang), ""]
    if report.health is not None:
        h = report.health
        parts += [f"## {w('health', lang)}", ""]
        header = (w("check", lang), value_label(report, lang), w("base", lang), w("verdict", lang))
        parts += [md_table(header, health_rows(report, lang)), ""]
        if h.main_sku:
            label = metric_label("product_revenue_per_buyer", lang)  # type: ignore[arg-type]
            name = " ".join(f"{h.main_sku} {h.main_title or ''}".split())
            parts += [f"{w('main_product', lang)}: {name} · {label} {fmt_value(h.main_rpb, 'money')}", ""]
        parts += [w("fix_pages_first" if h.fix_pages_first else "pages_ok", lang), "", w("health_note", lang), ""]
    if report.kind == "monthly":
        parts += [f"## {w('evaluation', lang)}", ""]
        phases = " · ".join(p.label() for p in report.phases)
        parts += [f"{w('chart_phases', lang)}: {phases}", ""]
        parts += [md_table(evaluation_header(lang), evaluation_rows(report, lang)), ""]
        if report.pacing is not None:
            p = report.pacing
            pct = "—" if p.mtd_attainment is None else f"{p.mtd_attainment * 100:.1f}%"
            parts += [
                f"{w('target_month', lang)} {fmt_money(p.month_target)} · {w('mtd', lang)} {fmt_money(p.mtd)} / {fmt_money(p.mtd_target)} ({pct})",
                "",
            ]
        parts += [f"## {w('proposals', lang)}", ""]
        parts += [f"{i}. **{p.role}** — {p.text(lang)}" for i, p in enumerate(report.proposals, 1)] + [""]
    parts += _grid_md(report.products, lang, "top_products")
    parts += _grid_md(report.summary, lang, "summary")
    parts += _grid_md(report.campaigns, lang, "campaigns")
    parts += _grid_md(report.paid_sources, lang, "resources")
    parts += _grid_md(report.ad_campaigns, lang, "ad_campaigns")
    parts += ["---", "", w("generated_from", lang).format(files=report.ledger.files, sha=report.ledger.sha256), ""]
    return "\n".join(parts).rstrip("\n") + "\n"
