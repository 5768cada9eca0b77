"""Commands of the metric stage: ``metrics list``, ``metrics show NAME --sql``, ``target set`` and ``target show``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table as RichTable

from shopops.cli import _dump, app, handles_errors, out, state

metrics_app = typer.Typer(help="The metric catalog: what each metric means and the SQL it runs.", no_args_is_help=True)
target_app = typer.Typer(help="Monthly GMV targets and their daily split.", no_args_is_help=True)
app.add_typer(metrics_app, name="metrics")
app.add_typer(target_app, name="target")


@metrics_app.command("list")
@handles_errors
def list_cmd(as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False) -> None:
    """Every metric, one per line: name, label (zh / en) and unit."""
    from shopops.metrics import CATALOG, valid_grains

    if as_json:
        _dump(
            [
                {
                    "name": m.name,
                    "zh": m.zh,
                    "en": m.en,
                    "unit": m.unit,
                    "direction": m.direction,
                    "definition": m.definition,
                    "variant": m.variant or None,
                    "grains": list(valid_grains([m])),
                }
                for m in CATALOG.values()
            ]
        )
        return
    for m in CATALOG.values():
        out.print(f"{m.name:<24} {m.zh} / {m.en}  [dim]({m.unit})[/]", soft_wrap=True)


@metrics_app.command("show")
@handles_errors
def show_cmd(
    name: Annotated[str, typer.Argument(help="Metric name (see 'shopops metrics list').")],
    sql: Annotated[bool, typer.Option("--sql", help="Print only the SQL the engine will run.")] = False,
    grain: Annotated[
        str, typer.Option("--grain", help="Group by: store, date, source, sku, keyword … (comma-separated).")
    ] = "date",
    dialect: Annotated[str, typer.Option("--dialect", help="SQL dialect: duckdb or clickhouse.")] = "duckdb",
) -> None:
    """A metric's definition, unit, direction and grains — or, with --sql, exactly the SQL it compiles to."""
    from shopops.errors import UsageError
    from shopops.metrics import MEASURES, MetricQuery, get_metric, parse_grain, show_sql, valid_grains

    metric = get_metric(name)
    if dialect not in ("duckdb", "clickhouse"):
        raise UsageError(detail=f"unknown dialect '{dialect}'; valid dialects: duckdb, clickhouse")
    query = MetricQuery((metric.name,), parse_grain(grain))
    text = show_sql(query, dialect)
    if sql:
        print(text)
        return
    table = RichTable(box=None, show_header=False)
    for label, value in (
        ("name", metric.name),
        ("label", f"{metric.zh} / {metric.en}"),
        ("definition", metric.definition),
        ("unit", metric.unit),
        ("direction", f"{metric.direction} is better" if metric.direction != "neutral" else "neutral"),
        ("variant", metric.variant or "—"),
        ("measures", ", ".join(f"{m} ({MEASURES[m].agg} on {MEASURES[m].fact})" for m in metric.measures)),
        ("grains", ", ".join(valid_grains([metric]))),
    ):
        table.add_row(f"[bold]{label}[/]", value)
    out.print(table)
    out.print(f"\n[bold]SQL ({dialect}, grain {grain})[/]")
    print(text)


def _store(ws, store: str | None) -> str:
    from shopops.metrics.engine import Engine
    from shopops.metrics.targets import resolve_store

    return resolve_store(Engine.duckdb(ws.con), store)


@target_app.command("set")
@handles_errors
def target_set(
    month: Annotated[str, typer.Option("--month", help="Month as YYYY-MM.")],
    gmv: Annotated[str, typer.Option("--gmv", help="The month's GMV target, e.g. 1200000.")],
    store: Annotated[
        str | None, typer.Option("--store", "-s", help="Store id (needed when there are several).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Set a month's GMV target; prints its daily split and the weights learned from history.

    Targets can also be imported as a file: a CSV with columns store_id, month, gmv_target (format canonical:targets).
    """
    from shopops.metrics.engine import Engine
    from shopops.metrics.pacing import parse_month
    from shopops.metrics.targets import month_plan, parse_amount, set_target
    from shopops.warehouse import Workspace

    parse_month(month)
    parse_amount(gmv)
    with Workspace(state.workspace) as ws:
        store_id = store if store is not None and _has_no_stores(ws) else _store(ws, store)
        set_target(ws, month=month, gmv=gmv, store_id=store_id)
        plan = month_plan(Engine.duckdb(ws.con), store_id, month)
    _print_plan(plan, as_json)


@target_app.command("show")
@handles_errors
def target_show(
    month: Annotated[str, typer.Option("--month", help="Month as YYYY-MM.")],
    store: Annotated[
        str | None, typer.Option("--store", "-s", help="Store id (needed when there are several).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """A month's target, split into days with the learned weekday and event weights."""
    from shopops.metrics.engine import Engine
    from shopops.metrics.errors import UsageError
    from shopops.metrics.pacing import parse_month
    from shopops.metrics.targets import month_plan
    from shopops.warehouse import Workspace

    parse_month(month)
    with Workspace(state.workspace, create=False, read_only=True) as ws:
        store_id = _store(ws, store)
        plan = month_plan(Engine.duckdb(ws.con), store_id, month)
    if plan is None:
        raise UsageError(
            detail=f"no target for store {store_id} in {month}; set one with: shopops target set --month {month} --gmv AMOUNT"
        )
    _print_plan(plan, as_json)


def _has_no_stores(ws) -> bool:
    return not ws.con.execute("SELECT 1 FROM stores LIMIT 1").fetchall()


def _print_plan(plan, as_json: bool) -> None:
    if as_json:
        _dump(
            {
                "store": plan.store_id,
                "month": plan.month,
                "gmv_target": float(plan.target),
                "weekday_factors": list(plan.weekday_factors),
                "event_factors": [{"event": e, "factor": f, "seen": n} for e, f, n in plan.event_factors],
                "history_days": plan.history_days,
                "days": [
                    {
                        "date": d.date.isoformat(),
                        "weekday_factor": d.weekday_factor,
                        "event": d.event,
                        "event_factor": d.event_factor,
                        "weight": round(d.weight, 8),
                        "target": float(d.target),
                    }
                    for d in plan.days
                ],
            }
        )
        return
    out.print(f"[green]✓[/] target {plan.store_id} {plan.month}: {plan.target:,.2f}")
    out.print(
        f"[dim]weekday factors Mon…Sun {', '.join(f'{w:.2f}' for w in plan.weekday_factors)} "
        f"(from {plan.history_days} ordinary days before the month)[/]"
    )
    table = RichTable("date", "weekday", "weekday factor", "event", "event factor", "weight", "target", box=None)
    for d in plan.days:
        table.add_row(
            d.date.isoformat(),
            d.date.strftime("%a"),
            f"{d.weekday_factor:.3f}",
            d.event or "",
            f"{d.event_factor:.2f}" if d.event else "",
            f"{d.weight * 100:.2f}%",
            f"{d.target:,.2f}",
        )
    out.print(table)
