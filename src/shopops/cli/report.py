"""``shopops report daily``: the morning report in the terminal, Markdown, JSON or self-contained HTML."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from shopops.cli import app, handles_errors, out, state

report_app = typer.Typer(help="Reports: the daily morning report.", no_args_is_help=True)
app.add_typer(report_app, name="report")

FORMATS = ("terminal", "md", "json", "html")
SUFFIXES = {".md": "md", ".json": "json", ".html": "html", ".htm": "html"}


@report_app.command("daily")
@handles_errors
def daily(
    date: Annotated[str, typer.Option("--date", "-d", help="The day to report, YYYY-MM-DD (usually yesterday).")],
    store: Annotated[
        str | None, typer.Option("--store", "-s", help="Store id (needed when there are several).")
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="terminal (default), md, json or html; --out's suffix decides otherwise."),
    ] = None,
    out_file: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of the terminal.")
    ] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="zh or en (default: $SHOPOPS_LANG, else en).")] = None,
    compare: Annotated[
        str, typer.Option("--compare", help="Base to compare with: prev_day, same_weekday or mean_7d.")
    ] = "prev_day",
) -> None:
    """Did the day make its share of the month's target? Where did GMV go — traffic, conversion or 客单价, by source?"""
    from shopops.errors import current_lang
    from shopops.metrics.errors import UnknownOutputFormat
    from shopops.report.daily import (
        COMPARES,
        base_dates,
        build_daily_report,
        parse_date,
        render_terminal,
        to_html,
        to_json,
        to_markdown,
    )
    from shopops.report.i18n import LANGS
    from shopops.warehouse import Workspace

    kind = fmt or (SUFFIXES.get(out_file.suffix.lower(), "md") if out_file else "terminal")
    if kind not in FORMATS:
        raise UnknownOutputFormat(name=kind, valid=", ".join(FORMATS))
    language = lang or current_lang()
    if language not in LANGS:
        raise UnknownOutputFormat(name=f"--lang {language}", valid="zh, en")
    day = parse_date(date)
    base_dates(day, compare)  # a bad --compare fails before the workspace is opened
    assert compare in COMPARES
    with Workspace(state.workspace, create=False, read_only=True) as ws:
        report = build_daily_report(ws.con, date=day, store_id=store, compare=compare)
    if kind == "terminal":
        if out_file is None:
            render_terminal(report, out, lang=language)  # type: ignore[arg-type]
            return
        from rich.console import Console

        with out_file.open("w", encoding="utf-8") as f:
            render_terminal(report, Console(file=f, width=140, no_color=True), lang=language)  # type: ignore[arg-type]
        return
    if kind == "json":
        text = json.dumps(to_json(report, language), ensure_ascii=False, indent=2) + "\n"  # type: ignore[arg-type]
    elif kind == "md":
        text = to_markdown(report, language)  # type: ignore[arg-type]
    else:
        text = to_html(report, language)  # type: ignore[arg-type]
    if out_file is None:
        print(text, end="")
    else:
        out_file.write_text(text, encoding="utf-8")
        out.print(f"[green]✓[/] {kind} report written to {out_file}")
