"""``shopops run-daily``: what cron or a systemd timer runs every morning (see docs/schedule.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from shopops.cli import app, handles_errors, out, state


@app.command("run-daily")
@handles_errors
def run_daily_command(
    date: Annotated[
        str | None, typer.Option("--date", "-d", help="The day to report, YYYY-MM-DD (default: yesterday).")
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="Settings file (default: <workspace>/shopops.toml).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run's summary as JSON.")] = False,
) -> None:
    """Import new files from the inbox, diagnose, write the reports and send alerts — safe to run twice."""
    from dataclasses import asdict

    from shopops.report.daily import parse_date
    from shopops.report.schedule import run_daily
    from shopops.warehouse import workspace_path

    day = parse_date(date) if date else None
    summary = run_daily(workspace_path(state.workspace), day=day, config=config)
    if as_json:
        print(json.dumps(asdict(summary), ensure_ascii=False, indent=2, default=str))
    else:
        for f in summary.files:
            colour = {"failed": "red", "skipped": "yellow"}.get(f.status, "green")
            out.print(f"[{colour}]{f.status:>9}[/] {f.file} {f.detail}")
        for s in summary.stores:
            sent = sum(a.status == "sent" for a in s.alerts)
            failed = [a for a in s.alerts if a.status == "failed"]
            out.print(
                f"[bold]{s.store_id}[/] {s.date}: {len(s.reports)} report file(s), {s.rewritten} changed, "
                f"{s.findings} finding(s), {sent} alert(s) sent" + (f" — {s.note}" if s.note else "")
            )
            for a in failed:
                out.print(f"  [red]alert to {a.channel} failed:[/] {a.detail}")
    if summary.failed:
        raise typer.Exit(1)
