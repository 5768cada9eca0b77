"""Downloads: the daily, weekly and monthly reports of a granted store, as HTML, Markdown, JSON or an Excel workbook.

Reports are built by ``shopops.report`` (``build_report`` → ``to_html`` / ``to_markdown`` / ``to_dict`` /
``to_xlsx``), the same code as ``shopops report``. They go out as attachments under a name the server makes, with a
sandboxing CSP: a report's own inline chart script never runs with the dashboard's origin.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import FastAPI, Query
from fastapi.responses import Response

from shopops.web.db import Reader
from shopops.web.errors import NoData
from shopops.web.roles import Permission
from shopops.web.schemas import API_ERRORS
from shopops.web.security import DOWNLOAD_CSP
from shopops.web.views.base import CtxDep
from shopops.web.views.overview import data_span

log = logging.getLogger(__name__)

Kind = Literal["daily", "weekly", "monthly"]
Format = Literal["html", "md", "json", "xlsx"]
MEDIA = {
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def render(r: Reader, store_id: str, kind: str, day: dt.date, compare: str, fmt: str, lang: str) -> bytes:
    """One report in one format, built by the report package."""
    from shopops.report.output import to_dict, to_markdown
    from shopops.report.page import to_html
    from shopops.report.periodic import build_report
    from shopops.report.spec import ReportSpec
    from shopops.report.workbook import to_xlsx

    report = build_report(r.engine, ReportSpec(kind, day, store_id, compare))  # type: ignore[arg-type]
    match fmt:
        case "html":
            return to_html(report, lang).encode()  # type: ignore[arg-type]
        case "md":
            return to_markdown(report, lang).encode()  # type: ignore[arg-type]
        case "json":
            return json.dumps(to_dict(report, lang), ensure_ascii=False, indent=2, default=str).encode()  # type: ignore[arg-type]
        case _:
            return to_xlsx(report, lang)  # type: ignore[arg-type]


def filename(kind: str, store_id: str, day: dt.date, fmt: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", store_id)[:40] or "store"
    return f"shopops-{kind}-{safe}-{day.isoformat()}.{fmt}"


def register(app: FastAPI) -> None:
    router = app.router  # routes straight on the app: app.routes lists every one (the authorisation test reads it)

    @router.get(
        "/api/stores/{store_id}/reports/{kind}",
        summary="Download a report (attachment)",
        responses={
            200: {
                "description": "The report file",
                "content": {m.split(";")[0]: {"schema": {"type": "string"}} for m in MEDIA.values()},
            },
            **API_ERRORS,
        },
    )
    def download(
        store_id: str,
        kind: Kind,
        c: CtxDep,
        date: Annotated[dt.date | None, Query(description="The report's day (default: the last day with data)")] = None,
        compare: Annotated[Literal["prev_day", "same_weekday", "mean_7d"], Query()] = "prev_day",
        format: Annotated[Format, Query()] = "html",
    ) -> Response:
        store = c.scope.store(store_id, Permission.DOWNLOAD)
        with c.db.reader() as r:
            day = date or data_span(r, store)[1]
        if day is None:
            raise NoData(store=store.store_id)

        def build() -> bytes:
            with c.db.reader() as r:
                return render(r, store.store_id, kind, day, compare, format, c.lang)

        body: Any = c.db.cached(("report", store.store_id, kind, day, compare, format, c.lang), build)
        name = filename(kind, store.store_id, day, format)
        log.info("%s downloaded %s", c.user.username, name)
        return Response(
            body,
            media_type=MEDIA[format],
            headers={
                "Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}",
                "Content-Security-Policy": DOWNLOAD_CSP,
                "Cache-Control": "no-store",
            },
        )
