"""Commands of diagnosis and action: ``diagnose``, ``rules``, ``tasks list`` and ``tasks done``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from shopops.cli import _dump, app, handles_errors, out, state
from shopops.errors import current_lang

tasks_app = typer.Typer(
    help="The team's tasks from diagnoses: list them by role, mark them done.", no_args_is_help=True
)
app.add_typer(tasks_app, name="tasks")

SEVERITY_STYLE = {"critical": "bold red", "warning": "yellow", "info": "cyan"}


def _date(value: str) -> dt.date:
    from shopops.metrics.errors import BadDate

    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadDate(value=value) from None


@app.command()
@handles_errors
def diagnose(
    date: Annotated[str, typer.Option("--date", "-d", help="The day to diagnose, YYYY-MM-DD (usually yesterday).")],
    store: Annotated[
        str | None, typer.Option("--store", "-s", help="Store id (needed when there are several).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help='Print {"findings": [...], "tasks": [...]} as JSON.')] = False,
    save_tasks: Annotated[
        bool, typer.Option("--tasks/--no-tasks", help="Save the day's tasks in the workspace.")
    ] = True,
) -> None:
    """What went wrong (or unusually well) on the day, why, with the evidence — and the tasks for the team.

    Thresholds can be overridden per store in <workspace>/thresholds.toml (see docs/diagnosis.md).
    """
    from contextlib import closing

    from shopops.act import TaskBook, plan
    from shopops.cli import open_warehouse
    from shopops.diagnose import diagnose as run
    from shopops.diagnose import load_overrides
    from shopops.metrics.engine import Engine
    from shopops.warehouse import Workspace
    from shopops.warehouse.backends.duck import DuckDBWarehouse

    day = _date(date)
    lang = current_lang()
    with closing(open_warehouse(create=False, read_only=not save_tasks)) as wh:
        overrides = load_overrides(wh.folder.root)
        diagnosis = run(Engine.of(wh.ibis()), day, store, overrides)
        tasks = plan(diagnosis)
        if save_tasks and isinstance(wh, DuckDBWarehouse):
            tasks = TaskBook(wh.con).save(tasks)
        elif save_tasks:  # tasks are the team's state, kept in the workspace's own DuckDB whatever the warehouse
            with Workspace(wh.folder.root) as ws:
                tasks = TaskBook(ws.con).save(tasks)
    if as_json:
        payload = diagnosis.to_dict(lang)
        payload["tasks"] = [t.to_dict(lang) for t in tasks]
        _dump(payload)
        return
    _print_diagnosis(diagnosis, tasks, lang)


def _print_diagnosis(diagnosis, tasks, lang: str) -> None:
    s = diagnosis.summary
    zh = lang == "zh"
    head = f"[bold]{diagnosis.store_id} {diagnosis.date}[/]"
    if s.gmv is not None:
        head += f"  GMV {s.gmv:,.2f}"
        if s.expected_gmv is not None:
            head += f" ({'预期' if zh else 'expected'} {s.expected_gmv:,.0f}, {'正常区间' if zh else 'normal'} {s.low:,.0f} … {s.high:,.0f})"
        if s.target is not None:
            head += f", {'日目标' if zh else 'target'} {s.target:,.0f}"
    if s.event:
        head += f"  [dim]{s.event}[/]"
    out.print(head, soft_wrap=True)
    if not diagnosis.findings:
        out.print("[green]✓[/] " + ("没有发现问题。" if zh else "nothing to report."))
        return
    for i, f in enumerate(diagnosis.findings, 1):
        style = SEVERITY_STYLE[str(f.severity)]
        money = []
        if f.impact is not None:
            money.append(f"{'影响' if zh else 'impact'} {f.impact:,.0f}/{'天' if zh else 'day'}")
        if f.share_of_gap is not None:
            money.append(f"{'占缺口' if zh else 'share of gap'} {f.share_of_gap:.0%}")
        tail = f"  [dim]({', '.join(money)})[/]" if money else ""
        out.print(
            f"{i:>2}. [{style}]{f.severity}[/] [bold]{f.code}[/] · {f.subject_label or f.subject}", soft_wrap=True
        )
        out.print(f"    {f.sentence(lang)}{tail}", soft_wrap=True)
    if tasks:
        out.print(f"\n[bold]{'下午的任务' if zh else 'tasks for the afternoon'}[/]")
        _print_tasks(tasks, lang)


def _print_tasks(tasks, lang: str) -> None:
    from shopops.act.playbook import ROLE_ZH

    for t in tasks:
        role = ROLE_ZH[t.role] if lang == "zh" else str(t.role)
        done = " [green]✓[/]" if t.status == "done" else ""
        out.print(
            f" • [bold]{role}[/] [dim]{'截止' if lang == 'zh' else 'due'} {t.due} · {t.task_id}[/] "
            f"[{SEVERITY_STYLE[str(t.severity)]}]{t.severity}[/]{done}",
            soft_wrap=True,
        )
        out.print(f"   {t.title(lang)}", soft_wrap=True)


@app.command()
@handles_errors
def rules(as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False) -> None:
    """Every diagnosis rule: what it checks, its cause code, its params (overridable per store) and actions."""
    from shopops.diagnose import RULES
    from shopops.diagnose.docs import rule_rows

    if as_json:
        _dump(rule_rows())
        return
    lang = current_lang()
    for r in RULES.values():
        params = ", ".join(f"{k}={v:g}" for k, v in r.info.params.items())
        text = r.info.zh if lang == "zh" else r.info.en
        out.print(f"[bold]{r.name}[/] ({r.info.code}, {r.info.subject}, {r.info.cadence}) {text}", soft_wrap=True)
        if params:
            out.print(f"   [dim]params: {params}[/]", soft_wrap=True)


@tasks_app.command("list")
@handles_errors
def tasks_list(
    role: Annotated[
        str | None, typer.Option("--role", "-r", help="operator, promotion, design, service or content.")
    ] = None,
    status: Annotated[str, typer.Option("--status", help="open (default), done or all.")] = "open",
    store: Annotated[str | None, typer.Option("--store", "-s", help="Only this store's tasks.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """The tasks diagnoses created, by due date and severity."""
    from shopops.act import TaskBook
    from shopops.warehouse import Workspace

    lang = current_lang()
    with Workspace(state.workspace, create=False) as ws:
        tasks = TaskBook(ws.con).list(role=role, status=status, store_id=store)
    if as_json:
        _dump([t.to_dict(lang) for t in tasks])
        return
    if not tasks:
        out.print("没有任务。" if lang == "zh" else "no tasks.")
        return
    _print_tasks(tasks, lang)


@tasks_app.command("done")
@handles_errors
def tasks_done(
    task_id: Annotated[str, typer.Argument(help="The task's id (see 'shopops tasks list').")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the task as JSON.")] = False,
) -> None:
    """Mark a task done."""
    from shopops.act import TaskBook
    from shopops.warehouse import Workspace

    with Workspace(state.workspace, create=False) as ws:
        task = TaskBook(ws.con).done(task_id)
    if as_json:
        _dump(task.to_dict(current_lang()))
        return
    out.print(f"[green]✓[/] {task.task_id} done: {task.title(current_lang())}", soft_wrap=True)
