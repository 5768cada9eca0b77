"""``shopops run-daily``: the unattended morning — import what arrived in the inbox, diagnose, write the reports,
alert on new problems. Safe to run twice: imported files have moved to ``inbox/done/``, a report whose bytes are
unchanged is not rewritten, and the alert log in the workspace keeps a finding from being sent twice.

Inbox layout: files directly in the inbox carry their own store ids (or get the default store); files in
``inbox/<store_id>/`` belong to that store. A file that cannot be imported stays where it is with
``<name>.error.txt`` beside it, and is not tried again until it changes.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

from shopops.alerts.config import WEEKDAYS, RunConfig, load_config
from shopops.alerts.send import AlertOutcome, send_alerts
from shopops.errors import ShopopsError
from shopops.metrics.engine import Engine
from shopops.report.findings import Diagnosed, run_diagnosis
from shopops.report.periodic import build_report
from shopops.report.spec import ReportSpec

log = logging.getLogger(__name__)

DONE = "done"
ERROR_SUFFIX = ".error.txt"


@dataclass(frozen=True)
class FileOutcome:
    file: str  # relative to the inbox
    status: str  # imported | unchanged | failed | skipped
    detail: str = ""


@dataclass(frozen=True)
class StoreOutcome:
    store_id: str
    date: dt.date
    reports: tuple[str, ...]  # files written or already up to date
    rewritten: int  # how many of them changed now
    findings: int
    alerts: tuple[AlertOutcome, ...]
    note: str = ""


@dataclass(frozen=True)
class RunSummary:
    date: dt.date
    files: tuple[FileOutcome, ...]
    stores: tuple[StoreOutcome, ...]

    @property
    def failed(self) -> bool:
        return any(f.status == "failed" for f in self.files) or any(
            a.status == "failed" for s in self.stores for a in s.alerts
        )


def report_kinds(day: dt.date, cfg: RunConfig) -> tuple[tuple[str, dt.date], ...]:
    """(kind, report date) due when the run is for ``day`` (normally yesterday)."""
    due = [("daily", day)]
    run_day = day + dt.timedelta(days=1)
    if run_day.weekday() == WEEKDAYS.index(cfg.weekly_on):
        due.append(("weekly", day))  # the 7 days ending yesterday
    if run_day.day == cfg.monthly_on_day:
        due.append(("monthly", run_day.replace(day=1) - dt.timedelta(days=1)))  # the whole month before
    return tuple(due)


def _inbox_files(inbox: Path) -> list[Path]:
    files = []
    for p in sorted(inbox.rglob("*")):
        rel = p.relative_to(inbox)
        if not p.is_file() or rel.parts[0] == DONE or p.name.endswith(ERROR_SUFFIX) or p.name.startswith("."):
            continue
        files.append(p)
    return files


def _move_done(inbox: Path, path: Path) -> None:
    dest = inbox / DONE / path.relative_to(inbox)
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.exists():
        if dest.read_bytes() == path.read_bytes():
            path.unlink()
            return
        dest = dest.with_name(f"{dest.stem}-{dt.datetime.now():%Y%m%d%H%M%S}{dest.suffix}")
    shutil.move(str(path), dest)


def import_inbox(ws, cfg: RunConfig) -> tuple[FileOutcome, ...]:
    from shopops.warehouse import import_file

    inbox = cfg.inbox
    (inbox / DONE).mkdir(parents=True, exist_ok=True)
    out = []
    for path in _inbox_files(inbox):
        rel = path.relative_to(inbox)
        store = rel.parts[0] if len(rel.parts) > 1 else None
        error = path.with_name(path.name + ERROR_SUFFIX)
        if error.exists() and error.stat().st_mtime >= path.stat().st_mtime:
            out.append(FileOutcome(str(rel), "skipped", "failed before and unchanged since; see " + error.name))
            continue
        try:
            result = import_file(ws, path, store_id=store)
        except ShopopsError as exc:
            error.write_text(f"{exc.message('en')}\n{exc.message('zh')}\n", encoding="utf-8")
            out.append(FileOutcome(str(rel), "failed", exc.message("en")))
            log.warning("inbox %s: %s", rel, exc.message("en"))
            continue
        error.unlink(missing_ok=True)
        _move_done(inbox, path)
        out.append(FileOutcome(str(rel), result.status))
    return tuple(out)


def _write_if_changed(path: Path, data: bytes) -> bool:
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return True


def _render(report, fmt: str, lang: str) -> bytes:
    import json

    from shopops.report.output import to_dict, to_markdown
    from shopops.report.page import to_html
    from shopops.report.workbook import to_xlsx

    match fmt:
        case "md":
            return to_markdown(report, lang).encode("utf-8")  # type: ignore[arg-type]
        case "json":
            return (json.dumps(to_dict(report, lang), ensure_ascii=False, indent=2) + "\n").encode("utf-8")  # type: ignore[arg-type]
        case "html":
            return to_html(report, lang).encode("utf-8")  # type: ignore[arg-type]
        case _:
            return to_xlsx(report, lang)  # type: ignore[arg-type]


def _stores_with_data(con, day: dt.date) -> tuple[list[str], set[str]]:
    stores = [r[0] for r in con.execute("SELECT DISTINCT store_id FROM traffic_daily ORDER BY 1").fetchall()]
    on_day = {r[0] for r in con.execute("SELECT DISTINCT store_id FROM traffic_daily WHERE date = ?", [day]).fetchall()}
    return stores, on_day


def run_store(ws, cfg: RunConfig, store: str, day: dt.date) -> StoreOutcome:
    lang = (cfg.stores.get(store).lang if store in cfg.stores else None) or cfg.lang
    diagnosis: Diagnosed = run_diagnosis(Engine.duckdb(ws.con), store, day)
    written, changed = [], 0
    for kind, date in report_kinds(day, cfg):
        report = build_report(ws.con, ReportSpec(kind, date, store), diagnosis=diagnosis)  # type: ignore[arg-type]
        for fmt in cfg.formats:
            path = cfg.reports / store / f"{kind}-{date.isoformat()}.{fmt}"
            changed += _write_if_changed(path, _render(report, fmt, lang))
            written.append(str(path))
    alerts: tuple[AlertOutcome, ...] = ()
    if store in cfg.stores:
        alerts = send_alerts(ws.con, cfg.stores[store], diagnosis.alertable(), day, settings=cfg.alerts, lang=lang)
    return StoreOutcome(store, day, tuple(written), changed, len(diagnosis.findings), alerts, diagnosis.note)


def run_daily(root: Path, *, day: dt.date | None = None, config: Path | None = None) -> RunSummary:
    from shopops.warehouse import Workspace

    day = day or dt.date.today() - dt.timedelta(days=1)
    cfg = load_config(Path(root), config)
    with Workspace(root) as ws:
        files = import_inbox(ws, cfg)
        stores, on_day = _stores_with_data(ws.con, day)
        outcomes = []
        for store in stores:
            if store not in on_day:
                outcomes.append(StoreOutcome(store, day, (), 0, 0, (), f"no traffic data on {day.isoformat()}"))
                continue
            outcomes.append(run_store(ws, cfg, store, day))
    log.info("run-daily %s: %d files, %d stores", day, len(files), len(outcomes))
    return RunSummary(day, files, tuple(outcomes))
