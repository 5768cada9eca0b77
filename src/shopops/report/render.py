"""Render a ``DailyReport`` as JSON, Markdown or a rich terminal view — reading the object only, never the database.

JSON and Markdown are byte-identical on re-run: fixed key order, and floats cut to 10 significant digits so a
parallel sum's last bit cannot show.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from shopops.metrics.catalog import CATALOG
from shopops.metrics.decompose import SourceEffect
from shopops.metrics.drilldown import Mover
from shopops.report.i18n import Lang, fmt_change, fmt_money, fmt_signed, fmt_value, metric_label, t

if TYPE_CHECKING:
    from rich.console import Console

    from shopops.report.daily import DailyReport

EFFECTS = ("delta_gmv", "traffic_effect", "conversion_effect", "aov_effect")


def _j(v: Any) -> Any:
    """A JSON-safe, stable value."""
    if v is None or isinstance(v, bool | int | str):
        return v
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, float):
        return float(f"{v:.10g}")
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def _effect(e: SourceEffect) -> dict[str, Any]:
    return {
        "source": e.source,
        **{k: _j(getattr(e, k)) for k in EFFECTS},
        "gmv": _j(e.gmv),
        "base_gmv": _j(e.base_gmv),
        "visitors": _j(e.visitors),
        "base_visitors": _j(e.base_visitors),
        "conversion": _j(e.conversion),
        "base_conversion": _j(e.base_conversion),
        "revenue_per_buyer": _j(e.revenue_per_buyer),
        "base_revenue_per_buyer": _j(e.base_revenue_per_buyer),
        "cost": _j(e.cost),
        "base_cost": _j(e.base_cost),
    }


def _mover(m: Mover) -> dict[str, Any]:
    out = {
        "key": m.key,
        "title": m.title,
        "value": _j(m.value),
        "base": _j(m.base),
        "delta": _j(m.delta),
    }
    if m.kind == "product":
        out |= {"visitors": _j(m.visitors), "base_visitors": _j(m.base_visitors)}
    else:
        out |= {
            "clicks": _j(m.visitors),
            "base_clicks": _j(m.base_visitors),
            "cost": _j(m.cost),
            "base_cost": _j(m.base_cost),
            "roas": _j(m.roas),
        }
    return out


def to_json(report: DailyReport, lang: Lang = "en") -> dict[str, Any]:
    p = report.pacing
    target = None
    if p is not None and report.plan is not None:
        target = {
            "month": p.month,
            "month_target": _j(p.month_target),
            "day_target": _j(p.day_target),
            "day_actual": _j(p.day_actual),
            "attainment": _j(p.attainment),
            "mtd": _j(p.mtd),
            "mtd_target": _j(p.mtd_target),
            "mtd_attainment": _j(p.mtd_attainment),
            "day_gap": _j(p.day_gap),
            "mtd_gap": _j(p.mtd_gap),
            "days_left": p.days_left,
            "needed_per_day": _j(p.needed_per_day),
            "extra_visitors": p.extra_visitors,
            "extra_conversion_pp": _j(p.extra_conversion_pp),
            "event": p.event,
            "weight": _j(p.weight),
            "weekday_factors": [_j(w) for w in report.plan.weekday_factors],
            "event_factors": [{"event": e, "factor": _j(f), "seen": n} for e, f, n in report.plan.event_factors],
            "history_days": report.plan.history_days,
            "plan": [
                {
                    "date": d.date.isoformat(),
                    "weight": _j(d.weight),
                    "weekday_factor": _j(d.weekday_factor),
                    "event": d.event,
                    "event_factor": _j(d.event_factor),
                    "target": _j(d.target),
                }
                for d in report.plan.days
            ],
        }
    return {
        "report": "daily",
        "date": report.date.isoformat(),
        "store": report.store_id,
        "compare": report.compare,
        "base_dates": [d.isoformat() for d in report.base_dates],
        "lang": lang,
        "kpis": {k.name: _j(k.value) for k in report.kpis},
        "kpis_base": {k.name: _j(k.base) for k in report.kpis},
        "labels": {k.name: metric_label(k.name, lang) for k in report.kpis},
        "target": target,
        "decomposition": [_effect(e) for e in report.decomposition.sources],
        "decomposition_total": _effect(report.decomposition.total),
        "top_movers": {
            "products": [_mover(m) for m in report.products],
            "keywords": [_mover(m) for m in report.keywords],
        },
    }


# ---------------------------------------------------------------- shared rows for Markdown, terminal and HTML


def kpi_rows(report: DailyReport, lang: Lang) -> list[tuple[str, str, str, str]]:
    rows = []
    for k in report.kpis:
        if k.value is None and k.base is None:
            continue  # a metric this store's exports cannot give
        unit = CATALOG[k.name].unit
        rows.append(
            (
                metric_label(k.name, lang),
                fmt_value(k.value, unit),
                fmt_value(k.base, unit),
                fmt_change(k.value, k.base, unit),
            )
        )
    return rows


def pacing_rows(report: DailyReport, lang: Lang) -> list[tuple[str, str]]:
    p = report.pacing
    if p is None:
        return []
    pct = lambda x: "—" if x is None else f"{x * 100:.1f}%"  # noqa: E731
    rows = [
        (t("month_target", lang), fmt_money(p.month_target)),
        (t("day_target", lang), fmt_money(p.day_target)),
        (t("day_actual", lang), fmt_money(p.day_actual)),
        (t("attainment", lang), pct(p.attainment)),
        (t("mtd", lang), fmt_money(p.mtd)),
        (t("mtd_target", lang), fmt_money(p.mtd_target)),
        (t("attainment", lang) + " (MTD)", pct(p.mtd_attainment)),
        (t("needed_per_day", lang), fmt_money(p.needed_per_day)),
        (t("weight", lang), f"{p.weight * 100:.2f}%"),
    ]
    if p.event:
        rows.append((t("event", lang), p.event))
    return rows


def gap_sentence(report: DailyReport, lang: Lang) -> str:
    p = report.pacing
    if p is None:
        return t("no_target", lang).format(month=report.month)
    if p.day_gap <= 0:
        return t("on_target", lang)
    if p.extra_visitors is None:
        return ""
    pp = "—" if p.extra_conversion_pp is None else f"{p.extra_conversion_pp:.2f}"
    return t("close_gap", lang).format(gap=fmt_money(p.day_gap), visitors=f"{p.extra_visitors:,}", pp=pp)


def effect_rows(report: DailyReport, lang: Lang) -> list[tuple[str, ...]]:
    rows = []
    for e in (*report.decomposition.sources, report.decomposition.total):
        name = t("total", lang) if e.source == "*" else e.source
        cost = "—" if e.cost is None else f"{fmt_money(e.cost)} ({fmt_signed((e.cost or 0) - (e.base_cost or 0))})"
        rows.append(
            (
                name,
                fmt_money(e.gmv),
                *(fmt_signed(getattr(e, k)) for k in EFFECTS),
                f"{e.visitors:,.0f} / {e.base_visitors:,.1f}",
                cost,
            )
        )
    return rows


def effect_header(lang: Lang) -> tuple[str, ...]:
    return (t("source", lang), t("gmv", lang), *(t(k, lang) for k in EFFECTS), t("visitors", lang), t("cost", lang))


def mover_rows(movers: tuple[Mover, ...]) -> list[tuple[str, ...]]:
    rows = []
    for m in movers:
        name = f"{m.key} {m.title}" if m.title else m.key
        extra = (
            (f"{m.visitors:,.0f}",)
            if m.kind == "product"
            else (fmt_money(m.cost), fmt_signed((m.cost or 0) - (m.base_cost or 0)), fmt_value(m.roas, "ratio"))
        )
        rows.append((name, fmt_money(m.value), fmt_money(m.base), fmt_signed(m.delta), *extra))
    return rows


def mover_header(kind: str, lang: Lang) -> tuple[str, ...]:
    if kind == "product":
        return (t("sku", lang), t("gmv", lang), t("base", lang), t("change", lang), t("visitors", lang))
    return (
        t("keyword", lang),
        t("ad_gmv", lang),
        t("base", lang),
        t("change", lang),
        t("cost", lang),
        "Δ",
        t("roas", lang),
    )


def heading(report: DailyReport, lang: Lang) -> str:
    base = ", ".join(d.isoformat() for d in report.base_dates[:1]) + (
        f" … {report.base_dates[-1].isoformat()}" if len(report.base_dates) > 1 else ""
    )
    return f"{t('store', lang)} {report.store_id} · {report.date.isoformat()} · {t('compare', lang)} {t(report.compare, lang)} ({base})"


# ---------------------------------------------------------------- Markdown


def _md_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    def esc(c: str) -> str:
        return c.replace("|", "\\|")

    lines = ["| " + " | ".join(map(esc, header)) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(map(esc, r)) + " |" for r in rows]
    return "\n".join(lines)


def to_markdown(report: DailyReport, lang: Lang = "en") -> str:
    parts = [f"# {t('title', lang)}", "", heading(report, lang), ""]
    parts += [f"## {t('target', lang)}", ""]
    if report.pacing is not None:
        parts += [_md_table((t("metric", lang), t("today", lang)), pacing_rows(report, lang)), ""]
    parts += [gap_sentence(report, lang), ""]
    parts += [f"## {t('decomposition', lang)}", "", _md_table(effect_header(lang), effect_rows(report, lang)), ""]
    parts += [t("decomposition_note", lang), ""]
    parts += [f"## {t('kpis', lang)}", ""]
    parts += [
        _md_table((t("metric", lang), t("today", lang), t("base", lang), t("change", lang)), kpi_rows(report, lang))
    ]
    for kind, movers in (("products", report.products), ("keywords", report.keywords)):
        parts += ["", f"## {t(kind, lang)}", ""]
        parts += [_md_table(mover_header(kind[:-1], lang), mover_rows(movers)) if movers else t("none", lang)]
    return "\n".join(parts) + "\n"


# ---------------------------------------------------------------- terminal


def render_terminal(report: DailyReport, console: Console, lang: Lang = "en") -> None:
    from rich.table import Table

    console.print(f"[bold]{t('title', lang)}[/]  {heading(report, lang)}")
    if report.pacing is not None:
        p = report.pacing
        colour = "green" if p.day_gap <= 0 else "red"
        table = Table(title=t("target", lang), box=None, show_header=False)
        table.add_column()
        table.add_column(justify="right")
        for label, value in pacing_rows(report, lang):
            table.add_row(label, value)
        console.print(table)
        console.print(f"[{colour}]{gap_sentence(report, lang)}[/]")
    else:
        console.print(f"[dim]{gap_sentence(report, lang)}[/]")

    effects = Table(title=t("decomposition", lang))
    for i, h in enumerate(effect_header(lang)):
        effects.add_column(h, justify="left" if i == 0 else "right")
    rows = effect_rows(report, lang)
    for i, row in enumerate(rows):
        effects.add_row(*row, style="bold" if i == len(rows) - 1 else None)
    console.print(effects)
    console.print(f"[dim]{t('decomposition_note', lang)}[/]")

    kpis = Table(title=t("kpis", lang))
    for i, h in enumerate((t("metric", lang), t("today", lang), t("base", lang), t("change", lang))):
        kpis.add_column(h, justify="left" if i == 0 else "right")
    for k, row in zip(
        (k for k in report.kpis if k.value is not None or k.base is not None), kpi_rows(report, lang), strict=True
    ):
        kpis.add_row(*row[:3], _coloured_change(k.name, k.value, k.base, row[3]))
    console.print(kpis)

    for kind, movers in (("products", report.products), ("keywords", report.keywords)):
        if not movers:
            continue
        table = Table(title=t(kind, lang))
        for i, h in enumerate(mover_header(kind[:-1], lang)):
            table.add_column(h, justify="left" if i == 0 else "right")
        for row in mover_rows(movers):
            table.add_row(*row)
        console.print(table)


def _coloured_change(name: str, value: Any, base: Any, text: str) -> str:
    direction = CATALOG[name].direction
    if value is None or base is None or value == base or direction == "neutral":
        return text
    better = (float(value) > float(base)) == (direction == "higher")
    return f"[{'green' if better else 'red'}]{text}[/]"
