"""Tasks: findings turned into dated work for a role, kept in the workspace (``_tasks``), never duplicated.

A task's id is a hash of (store, date, finding code, subject, action), so re-running a day inserts nothing new.
While a task for the same problem (store, code, subject, action) is still open, the next days' findings refresh
it (``last_seen``, its latest evidence) instead of adding another: one problem, one open task, until it is done.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from shopops.act.errors import UnknownRole, UnknownStatus, UnknownTask
from shopops.act.playbook import ROLE_ZH, Role, actions_for, task_id, text
from shopops.diagnose.model import Diagnosis, Finding, Severity

log = logging.getLogger(__name__)

Status = Literal["open", "done"]
STATUSES = ("open", "done", "all")

DDL = """
CREATE TABLE IF NOT EXISTS _tasks (
    task_id VARCHAR PRIMARY KEY,
    store_id VARCHAR NOT NULL,
    date DATE NOT NULL,            -- the day of the finding that created it
    code VARCHAR NOT NULL,
    subject_kind VARCHAR NOT NULL,
    subject VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,
    title_en VARCHAR NOT NULL,
    title_zh VARCHAR NOT NULL,
    finding_en VARCHAR NOT NULL,
    finding_zh VARCHAR NOT NULL,
    due DATE NOT NULL,
    impact DOUBLE,
    evidence VARCHAR NOT NULL,     -- JSON: the finding's evidence tables
    status VARCHAR NOT NULL,
    last_seen DATE NOT NULL,
    created_at TIMESTAMP NOT NULL,
    done_at TIMESTAMP
)
"""


@dataclass(frozen=True)
class Task:
    task_id: str
    store_id: str
    date: dt.date
    code: str
    subject_kind: str
    subject: str
    action: str
    role: Role
    severity: Severity
    title_en: str
    title_zh: str
    finding_en: str
    finding_zh: str
    due: dt.date
    impact: float | None
    evidence: tuple[dict[str, Any], ...]
    status: Status = "open"
    last_seen: dt.date | None = None

    def title(self, lang: str = "en") -> str:
        return self.title_zh if lang == "zh" else self.title_en

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        out = {
            "id": self.task_id,
            "store_id": self.store_id,
            "date": self.date.isoformat(),
            "code": self.code,
            "subject_kind": self.subject_kind,
            "subject": self.subject,
            "action": self.action,
            "role": str(self.role),
            "role_zh": ROLE_ZH[self.role],
            "severity": str(self.severity),
            "title_en": self.title_en,
            "title_zh": self.title_zh,
            "finding_en": self.finding_en,
            "finding_zh": self.finding_zh,
            "due": self.due.isoformat(),
            "impact": self.impact,
            "status": self.status,
            "last_seen": (self.last_seen or self.date).isoformat(),
            "evidence": list(self.evidence),
        }
        if lang is not None:
            out["title"] = self.title(lang)
        return out


def tasks_for(finding: Finding, actions: Sequence[str]) -> list[Task]:
    """The tasks one finding calls for, each with a due date, a role and the finding's evidence."""
    out = []
    for action in actions_for(finding, actions):
        out.append(
            Task(
                task_id=task_id(finding.store_id, finding.date, finding.code, finding.subject, action.name),
                store_id=finding.store_id,
                date=finding.date,
                code=finding.code,
                subject_kind=finding.subject_kind,
                subject=finding.subject,
                action=action.name,
                role=action.role,
                severity=finding.severity,
                title_en=text(action, finding, "en"),
                title_zh=text(action, finding, "zh"),
                finding_en=finding.en,
                finding_zh=finding.zh,
                due=finding.date + dt.timedelta(days=action.due_days),
                impact=finding.impact,
                evidence=tuple(e.to_dict() for e in finding.evidence),
                last_seen=finding.date,
            )
        )
    return out


def plan(diagnosis: Diagnosis) -> list[Task]:
    """The afternoon's tasks for a diagnosed day, in the findings' order."""
    from shopops.diagnose.rules import RULES

    tasks: list[Task] = []
    for f in diagnosis.findings:
        rule = RULES.get(f.rule)
        if rule is not None:
            tasks += tasks_for(f, rule.info.actions)
    return tasks


class TaskBook:
    """The ``_tasks`` table of a workspace connection (created on first use)."""

    def __init__(self, con: Any) -> None:
        self.con = con
        con.execute(DDL)

    def save(self, tasks: Iterable[Task]) -> list[Task]:
        """Store new tasks; returns the tasks as stored (an open task for the same problem is refreshed instead)."""
        kept: list[Task] = []
        for task in tasks:
            same = self.con.execute("SELECT task_id FROM _tasks WHERE task_id = ?", [task.task_id]).fetchall()
            if same:
                kept.append(self.get(task.task_id))
                continue
            open_ = self.con.execute(
                "SELECT task_id FROM _tasks WHERE store_id = ? AND code = ? AND subject = ? AND action = ? "
                "AND status = 'open' ORDER BY date LIMIT 1",
                [task.store_id, task.code, task.subject, task.action],
            ).fetchall()
            if open_:
                self.con.execute(
                    "UPDATE _tasks SET last_seen = greatest(last_seen, ?), evidence = ?, finding_en = ?, finding_zh = ? "
                    "WHERE task_id = ?",
                    [
                        task.date,
                        json.dumps(task.evidence, default=str, ensure_ascii=False),
                        task.finding_en,
                        task.finding_zh,
                        open_[0][0],
                    ],
                )
                kept.append(self.get(open_[0][0]))
                continue
            self.con.execute(
                "INSERT INTO _tasks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, NULL)",
                [
                    task.task_id,
                    task.store_id,
                    task.date,
                    task.code,
                    task.subject_kind,
                    task.subject,
                    task.action,
                    str(task.role),
                    str(task.severity),
                    task.title_en,
                    task.title_zh,
                    task.finding_en,
                    task.finding_zh,
                    task.due,
                    task.impact,
                    json.dumps(task.evidence, default=str, ensure_ascii=False),
                    task.date,
                    dt.datetime.now().replace(microsecond=0),
                ],
            )
            kept.append(task)
        log.info("tasks: %d kept", len(kept))
        return kept

    def get(self, tid: str) -> Task:
        rows = self.con.execute(f"SELECT {_COLS} FROM _tasks WHERE task_id = ?", [tid]).fetchall()
        if not rows:
            known = [
                r[0] for r in self.con.execute("SELECT task_id FROM _tasks ORDER BY due, task_id LIMIT 10").fetchall()
            ]
            raise UnknownTask(id=tid, valid=", ".join(known) or "(no tasks yet: run shopops diagnose --date …)")
        return _task(rows[0])

    def list(self, *, role: str | None = None, status: str = "open", store_id: str | None = None) -> list[Task]:
        if role is not None and role not in set(Role):
            raise UnknownRole(role=role, valid=", ".join(Role))
        if status not in STATUSES:
            raise UnknownStatus(status=status, valid=", ".join(STATUSES))
        where, args = [], []
        for col, value in (("role", role), ("store_id", store_id), ("status", None if status == "all" else status)):
            if value is not None:
                where.append(f"{col} = ?")
                args.append(value)
        sql = f"SELECT {_COLS} FROM _tasks" + (f" WHERE {' AND '.join(where)}" if where else "")
        sql += (
            " ORDER BY status DESC, due, CASE severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, task_id"
        )
        return [_task(r) for r in self.con.execute(sql, args).fetchall()]

    def done(self, tid: str) -> Task:
        self.get(tid)  # unknown id → UnknownTask listing ids
        self.con.execute(
            "UPDATE _tasks SET status = 'done', done_at = coalesce(done_at, ?) WHERE task_id = ?",
            [dt.datetime.now().replace(microsecond=0), tid],
        )
        return self.get(tid)


_COLS = (
    "task_id, store_id, date, code, subject_kind, subject, action, role, severity, title_en, title_zh, "
    "finding_en, finding_zh, due, impact, evidence, status, last_seen"
)


def _task(r: tuple) -> Task:
    return Task(
        r[0],
        r[1],
        r[2],
        r[3],
        r[4],
        r[5],
        r[6],
        Role(r[7]),
        Severity(r[8]),
        r[9],
        r[10],
        r[11],
        r[12],
        r[13],
        r[14],
        tuple(json.loads(r[15])),
        r[16],
        r[17],
    )
