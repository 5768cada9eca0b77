"""Commands of the simulator: ``simulate`` (write a believable shop with planted causes) and ``demo``."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer

from shopops.cli import _dump, app, err, handles_errors, out, state
from shopops.errors import current_lang


def _date(value: str | None, option: str) -> date | None:
    from shopops.simulate.config import BadSimOption

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadSimOption(option=option, value=value, reason="write a date as YYYY-MM-DD") from None


@app.command()
@handles_errors
def simulate(
    out_dir: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the export files, truth.json and manifest.json.")
    ],
    seed: Annotated[int, typer.Option("--seed", help="Same seed → byte-identical files.")] = 7,
    days: Annotated[int, typer.Option("--days", help="Length of the period in days.")] = 90,
    start: Annotated[
        str | None, typer.Option("--start", help="First day, YYYY-MM-DD (default: the period ends 2025-10-14).")
    ] = None,
    stores: Annotated[int, typer.Option("--stores", help="Number of shops.")] = 1,
    products: Annotated[int, typer.Option("--products", help="Products per shop.")] = 24,
    visitors_per_day: Annotated[int, typer.Option("--visitors-per-day", help="Visitors on a normal day.")] = 5000,
    scenario: Annotated[
        list[str] | None,
        typer.Option(
            "--scenario",
            help="NAME[@YYYY-MM-DD[:DAYS]], repeatable; 'clean' plants nothing; none given plants two random causes.",
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="canonical, sycm, shopify or amazon.")] = "canonical",
    encoding: Annotated[str, typer.Option("--encoding", help="utf-8 or gbk.")] = "utf-8",
    sessions: Annotated[
        bool, typer.Option("--sessions", help="Also write visitor-level sessions (scale mode).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the files and planted events as JSON.")] = False,
) -> None:
    """Simulate a shop with planted causes: export files that 'shopops import' reads, plus truth.json."""
    from shopops.simulate import SimConfig, parse_scenarios
    from shopops.simulate import simulate as run
    from shopops.simulate.config import DEFAULT_END

    first = _date(start, "--start")
    cfg = SimConfig(
        seed=seed,
        days=days,
        end=first + timedelta(days=days - 1) if first else DEFAULT_END,
        stores=stores,
        products=products,
        visitors_per_day=visitors_per_day,
        scenarios=parse_scenarios(scenario),
        format=fmt,  # type: ignore[arg-type]  # checked against the valid layouts by SimConfig
        encoding=encoding,  # type: ignore[arg-type]
        sessions=sessions,
    )
    from rich.progress import Progress

    with Progress(console=err, transient=True, disable=not err.is_terminal) as bar:  # big runs take minutes
        task = bar.add_task("simulating", total=cfg.days * cfg.stores)
        result = run(cfg, out_dir, progress=lambda done, _total: bar.update(task, completed=done))
    if as_json:
        _dump({"files": [f.to_dict() for f in result.files], "events": [e.to_dict() for e in result.events]})
        return
    rows = sum(f.rows for f in result.files)
    out.print(
        f"[green]✓[/] {cfg.stores} shop(s) × {cfg.days} days ({cfg.start} … {cfg.end}) → {out_dir}: "
        f"{len(result.files)} files, {rows:,} rows"
    )
    for f in result.files:
        store = f" --store {f.store}" if f.store else ""
        out.print(f"   {f.file:<34} {f.rows:>10,}  [dim]{f.format}{store}[/]")
    _print_events(result.events)
    out.print(f"[dim]import with: shopops import {out_dir}/*.csv   (platform files need their --store)[/]")


def _print_events(events) -> None:
    from shopops.schema.causes import CAUSES

    zh = current_lang() == "zh"
    if not events:
        out.print("[bold]planted[/]: nothing (clean)")
        return
    out.print("[bold]planted[/] (truth.json):")
    for e in events:
        info = CAUSES[e.cause]
        label = info.zh if zh else info.en
        out.print(
            f"   {e.start} … {e.end}  [bold]{e.cause}[/] ({label}) — {e.subject_kind} [cyan]{e.subject}[/]"
            f" in {e.store}, magnitude {e.magnitude:+.2f}" + (f" [dim]{dict(e.detail)}[/]" if e.detail else "")
        )


@app.command()
@handles_errors
def demo(
    day: Annotated[str | None, typer.Option("--date", help="The report's day = the last simulated day.")] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Another seed, another shop and other causes (default 2034).")
    ] = None,
    scenario: Annotated[
        list[str] | None, typer.Option("--scenario", help="Plant these instead of two random causes.")
    ] = None,
) -> None:
    """Simulate a 90-day shop with two planted causes, import it, and print the morning report of its last day."""
    from shopops.simulate import parse_scenarios
    from shopops.simulate.config import DEFAULT_END
    from shopops.simulate.demo import DEMO_SEED, demo_config, run_demo
    from shopops.warehouse import Workspace

    end = _date(day, "--date") or DEFAULT_END
    cfg = demo_config(end, DEMO_SEED if seed is None else seed, parse_scenarios(scenario))
    with Workspace(state.workspace) as ws:
        result = run_demo(ws, cfg)
        sim = result.sim
        store = sim.plan.stores[0].shop
        verb = "imported" if result.imported else "already imported"
        out.print(
            f"[bold]shopops demo[/] — {store.name} ({store.store_id}, {store.platform}), {cfg.start} … {cfg.end}: "
            f"{len(sim.files)} files {verb} into {ws.root} ({result.rows:,} rows"
            + (", earlier demo shop replaced" if result.reset else "")
            + ")\n"
        )
        _report(ws, store.store_id, cfg.end)
    out.print()
    _print_events(sim.events)
    out.print(f"[dim]demo took {result.seconds:.1f} s; files in {Path(ws.root) / 'demo-input'}[/]")


def _report(ws, store: str, day: date) -> None:
    """The morning report of the demo's last day, then its diagnosis and the afternoon's tasks."""
    from shopops.act import TaskBook, plan
    from shopops.cli.diagnose import _print_diagnosis
    from shopops.diagnose import diagnose, load_overrides
    from shopops.metrics.engine import Engine
    from shopops.report.daily import build_daily_report, render_terminal
    from shopops.simulate.demo import COMPARE

    lang = current_lang()
    render_terminal(build_daily_report(ws.con, date=day, store_id=store, compare=COMPARE), out, lang=lang)
    diagnosis = diagnose(Engine.duckdb(ws.con), day, store, load_overrides(ws.root))
    out.print()
    _print_diagnosis(diagnosis, TaskBook(ws.con).save(plan(diagnosis)), lang)
