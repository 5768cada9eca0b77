"""``shopops report daily|weekly|monthly``: the reports in the terminal, Markdown, JSON, self-contained HTML or an
Excel workbook of the operator's summary tables."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from shopops.cli import app, handles_errors, out

report_app = typer.Typer(
    help="Reports: the daily morning report, the weekly review, the monthly evaluation.", no_args_is_help=True
)
app.add_typer(report_app, name="report")

FORMATS = ("terminal", "md", "json", "html", "xlsx")
SUFFIXES = {".md": "md", ".json": "json", ".html": "html", ".htm": "html", ".xlsx": "xlsx"}

DateOpt = Annotated[str, typer.Option("--date", "-d", help="The report's (last) day, YYYY-MM-DD.")]
StoreOpt = Annotated[str | None, typer.Option("--store", "-s", help="Store id (needed when there are several).")]
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format", "-f", help="terminal (default), md, json, html or xlsx; --out's suffix decides otherwise."
    ),
]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file instead of the terminal.")]
LangOpt = Annotated[str | None, typer.Option("--lang", help="zh or en (default: $SHOPOPS_LANG, else en).")]


def _options(fmt: str | None, out_file: Path | None, lang: str | None) -> tuple[str, str]:
    from shopops.errors import current_lang
    from shopops.metrics.errors import UnknownOutputFormat
    from shopops.report.i18n import LANGS
    from shopops.report.spec import OutputNeeded

    kind = fmt or (SUFFIXES.get(out_file.suffix.lower(), "md") if out_file else "terminal")
    if kind not in FORMATS:
        raise UnknownOutputFormat(name=kind, valid=", ".join(FORMATS))
    language = lang or current_lang()
    if language not in LANGS:
        raise UnknownOutputFormat(name=f"--lang {language}", valid="zh, en")
    if kind == "xlsx" and out_file is None:
        raise OutputNeeded(format=kind)
    return kind, language


def _run(
    kind: str,
    date: str,
    store: str | None,
    fmt: str | None,
    out_file: Path | None,
    lang: str | None,
    compare: str = "prev_day",
) -> None:
    from contextlib import closing

    from shopops.cli import open_warehouse
    from shopops.metrics.engine import Engine
    from shopops.report.daily import base_dates, parse_date
    from shopops.report.periodic import build_report
    from shopops.report.spec import ReportSpec

    output, language = _options(fmt, out_file, lang)
    day = parse_date(date)
    base_dates(day, compare)  # a bad --compare fails before the workspace is opened
    spec = ReportSpec(kind, day, store, compare)  # type: ignore[arg-type]
    with closing(open_warehouse(create=False, read_only=True)) as wh:
        report = build_report(Engine.of(wh.ibis()), spec)
    emit(report, output, language, out_file)


def emit(report, output: str, language: str, out_file: Path | None) -> None:
    from shopops.report.output import to_dict, to_markdown
    from shopops.report.page import to_html
    from shopops.report.workbook import write_xlsx

    if output == "terminal":
        _terminal(report, language, out_file)
        return
    if output == "xlsx":
        assert out_file is not None
        write_xlsx(report, out_file, language)  # type: ignore[arg-type]
        out.print(f"[green]✓[/] xlsx report written to {out_file}")
        return
    if output == "json":
        text = json.dumps(to_dict(report, language), ensure_ascii=False, indent=2) + "\n"  # type: ignore[arg-type]
    elif output == "md":
        text = to_markdown(report, language)  # type: ignore[arg-type]
    else:
        text = to_html(report, language)  # type: ignore[arg-type]
    if out_file is None:
        print(text, end="")
    else:
        out_file.write_text(text, encoding="utf-8")
        out.print(f"[green]✓[/] {output} report written to {out_file}")


def _terminal(report, language: str, out_file: Path | None) -> None:
    from rich.console import Console
    from rich.markdown import Markdown

    from shopops.report.output import to_markdown
    from shopops.report.render import render_terminal

    def draw(console: Console) -> None:
        if report.morning is not None:
            render_terminal(report.morning, console, lang=language)  # type: ignore[arg-type]
        else:
            console.print(Markdown(to_markdown(report, language)))  # type: ignore[arg-type]

    if out_file is None:
        draw(out)
        return
    with out_file.open("w", encoding="utf-8") as f:
        draw(Console(file=f, width=140, no_color=True))


@report_app.command("daily")
@handles_errors
def daily(
    date: DateOpt,
    store: StoreOpt = None,
    fmt: FormatOpt = None,
    out_file: OutOpt = None,
    lang: LangOpt = None,
    compare: Annotated[
        str, typer.Option("--compare", help="Base to compare with: prev_day, same_weekday or mean_7d.")
    ] = "prev_day",
) -> None:
    """Did the day make its share of the month's target? Where did GMV go — traffic, conversion or 客单价, by source?"""
    _run("daily", date, store, fmt, out_file, lang, compare)


@report_app.command("weekly")
@handles_errors
def weekly(
    date: DateOpt, store: StoreOpt = None, fmt: FormatOpt = None, out_file: OutOpt = None, lang: LangOpt = None
) -> None:
    """The 7 days ending on --date against the 7 before, with the page-health review (bounce, depth, 客单价)."""
    _run("weekly", date, store, fmt, out_file, lang)


@report_app.command("monthly")
@handles_errors
def monthly(
    date: DateOpt, store: StoreOpt = None, fmt: FormatOpt = None, out_file: OutOpt = None, lang: LangOpt = None
) -> None:
    """The month up to --date: phased evaluation of traffic, inquiries, conversion and promotion, with proposals."""
    _run("monthly", date, store, fmt, out_file, lang)
