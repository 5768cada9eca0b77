"""Tasks: the store's task board, one column per role, with assign and complete.

Tasks are ``shopops.act`` tasks (``TaskBook`` over the workspace's ``_tasks``), planned from the day's diagnosis
exactly as ``shopops diagnose`` plans them. Who a task is assigned to is the dashboard's own record
(``_web_task_assignees``): the playbook decides the role, the team decides the person, or moves the task to another
role. Every task id is looked up within the page's store first — an id of another store is "no such task".
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Query
from fastapi.responses import Response

from shopops.act import TaskBook, plan
from shopops.act.playbook import Role as TaskRole
from shopops.web import auth
from shopops.web.db import Reader, WebDB
from shopops.web.errors import BadRequest, Forbidden, NoData, NotFound
from shopops.web.roles import PERMISSION_TEXT, ROLE_LABELS, Permission
from shopops.web.schemas import AssignBody, documented
from shopops.web.scope import StoreRef
from shopops.web.views.base import Ctx, CtxDep, ok, page
from shopops.web.views.diagnosis import run as run_diagnosis
from shopops.web.views.overview import data_span

log = logging.getLogger(__name__)

Status = Literal["open", "done", "all"]
ASSIGNEES_DDL = """
CREATE TABLE IF NOT EXISTS _web_task_assignees (
    task_id VARCHAR PRIMARY KEY,
    assignee VARCHAR,               -- a user name, or NULL: the role's column as a whole
    role VARCHAR,                   -- the column the task was moved to, or NULL: the playbook's role
    assigned_by VARCHAR NOT NULL,
    assigned_at TIMESTAMP NOT NULL
)
"""


def ensure_schema(con: Any) -> None:
    TaskBook(con)  # creates _tasks
    con.execute(ASSIGNEES_DDL)


def _assignments(r: Reader, store: StoreRef) -> dict[str, tuple[str | None, str | None]]:
    rows = r.con.execute(
        "SELECT a.task_id, a.assignee, a.role FROM _web_task_assignees a JOIN _tasks t USING (task_id) "
        "WHERE t.store_id = ?",
        [store.store_id],
    ).fetchall()
    return {tid: (who, role) for tid, who, role in rows}


def store_users(r: Reader, store: StoreRef) -> list[dict[str, str]]:
    """Accounts that hold this store: the people a task can go to."""
    return [
        {"username": u.username, "role": u.role.value}
        for u in auth.list_users(r.con)
        if u.all_stores or store.store_id in u.stores
    ]


def task_in_store(r: Reader, store: StoreRef, task_id: str) -> Any:
    rows = r.con.execute(
        "SELECT task_id FROM _tasks WHERE task_id = ? AND store_id = ?", [task_id, store.store_id]
    ).fetchall()
    if not rows:
        raise NotFound(kind="task", key=task_id)
    return TaskBook(r.con).get(task_id)


def board(r: Reader, store: StoreRef, status: str, lang: str) -> dict[str, Any]:
    tasks = TaskBook(r.con).list(status=status, store_id=store.store_id)
    assigned = _assignments(r, store)
    columns: dict[str, list[dict[str, Any]]] = {role.value: [] for role in TaskRole}
    for task in tasks:
        who, moved = assigned.get(task.task_id, (None, None))
        role = moved or task.role.value
        columns.setdefault(role, []).append(
            task.to_dict(lang) | {"assignee": who, "column": role, "playbook_role": task.role.value}
        )
    labels = {role.value: ROLE_LABELS[role] for role in ROLE_LABELS}
    return {
        "store": store.to_dict(),
        "status": status,
        "count": len(tasks),
        "columns": [
            {"role": role, "label": labels[role][1 if lang == "zh" else 0], "tasks": items}
            for role, items in columns.items()
        ],
        "users": store_users(r, store),
    }


def may_complete(c: Ctx, task: Any, assignee: str | None, moved: str | None) -> bool:
    if c.scope.can(Permission.COMPLETE_ANY_TASK):
        return True
    mine = assignee == c.user.username or (moved or task.role.value) == c.user.role.value
    return c.scope.can(Permission.COMPLETE_OWN_TASK) and mine


def register(app: FastAPI) -> None:
    router = app.router  # routes straight on the app: app.routes lists every one (the authorisation test reads it)
    responses = documented()
    with app.state.db.write(invalidate=False) as ws:
        ensure_schema(ws.con)

    def cached_board(db: WebDB, store: StoreRef, status: str, lang: str) -> dict[str, Any]:
        def build() -> dict[str, Any]:
            with db.reader() as r:
                return board(r, store, status, lang)

        return db.cached(("tasks", store.store_id, status, lang), build)

    @router.get(
        "/api/stores/{store_id}/tasks", summary="The task board: tasks by role, with assignees", responses=responses
    )
    def tasks_json(store_id: str, c: CtxDep, status: Annotated[Status, Query()] = "open") -> Response:
        store = c.scope.store(store_id, Permission.READ_TASKS)
        return ok(cached_board(c.db, store, status, c.lang))

    @router.get("/stores/{store_id}/tasks", include_in_schema=False)
    def tasks_page(store_id: str, c: CtxDep, status: Status = "open") -> Response:
        store = c.scope.store(store_id, Permission.READ_TASKS)
        data = cached_board(c.db, store, status, c.lang) | {
            "can_assign": c.scope.can(Permission.ASSIGN_TASKS),
            "me": {"username": c.user.username, "role": c.user.role.value},
            "complete_any": c.scope.can(Permission.COMPLETE_ANY_TASK),
        }
        return page(c, "tasks.html", active="tasks", store=store, data=data)

    @router.post(
        "/api/stores/{store_id}/tasks/plan",
        summary="Plan tasks from the day's diagnosis (as `shopops diagnose` does)",
        responses=responses,
    )
    def plan_tasks(
        store_id: str,
        c: CtxDep,
        date: Annotated[dt.date | None, Query(description="The day (default: the last day with data)")] = None,
    ) -> Response:
        store = c.scope.store(store_id, Permission.ASSIGN_TASKS)
        with c.db.reader() as r:
            day = date or data_span(r, store)[1]
            if day is None:
                raise NoData(store=store.store_id)
            diagnosis = run_diagnosis(r, c.db.root, store, day)
        if diagnosis is None:
            raise BadRequest(field="date", reason="the diagnosis stage is not installed")
        with c.db.write() as ws:
            kept = TaskBook(ws.con).save(plan(diagnosis))
        log.info("%s planned %d tasks for %s on %s", c.user.username, len(kept), store.store_id, day)
        return ok({"store": store.store_id, "date": day, "tasks": [t.to_dict(c.lang) for t in kept]})

    @router.post(
        "/api/stores/{store_id}/tasks/{task_id}/assign",
        summary="Assign a task to a person or role",
        responses=responses,
    )
    def assign(store_id: str, task_id: str, body: AssignBody, c: CtxDep) -> Response:
        store = c.scope.store(store_id, Permission.ASSIGN_TASKS)
        with c.db.reader() as r:
            task = task_in_store(r, store, task_id)
            people = {u["username"] for u in store_users(r, store)}
        if body.assignee is not None and body.assignee not in people:
            raise NotFound(kind="user", key=body.assignee)  # the same for an account of another store
        with c.db.write() as ws:
            ws.con.execute(
                "INSERT INTO _web_task_assignees VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
                "assignee = excluded.assignee, role = excluded.role, assigned_by = excluded.assigned_by, "
                "assigned_at = excluded.assigned_at",
                [task.task_id, body.assignee, body.role, c.user.username, dt.datetime.now().replace(microsecond=0)],
            )
        return ok({"task": task.task_id, "assignee": body.assignee, "column": body.role or task.role.value})

    @router.post("/api/stores/{store_id}/tasks/{task_id}/complete", summary="Mark a task done", responses=responses)
    def complete(store_id: str, task_id: str, c: CtxDep) -> Response:
        store = c.scope.store(store_id, Permission.COMPLETE_OWN_TASK)
        with c.db.reader() as r:
            task = task_in_store(r, store, task_id)
            who, moved = _assignments(r, store).get(task.task_id, (None, None))
        if not may_complete(c, task, who, moved):
            zh = c.lang == "zh"
            raise Forbidden(
                role=ROLE_LABELS[c.user.role][1 if zh else 0],
                action=PERMISSION_TEXT[Permission.COMPLETE_ANY_TASK][1 if zh else 0],
            )
        with c.db.write() as ws:
            done = TaskBook(ws.con).done(task.task_id)
        return ok({"task": done.to_dict(c.lang)})
