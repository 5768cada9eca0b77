"""Upload: a file dropped on the page goes through the same import pipeline as ``shopops import`` — recognise, stage
and validate every row, then merge in one transaction with a ledger row — into the store of the page.

The gate before that: the body is counted while it streams in (``max_upload_mb``), the extension must be on the
allow-list, a workbook's unpacked size is checked before any parser opens it, and the file is saved under a name
the server chooses. A staged file whose rows name another store (a canonical file's own ``store_id`` column) is
refused: an upload writes into its page's store only.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from pathlib import Path
from typing import Any

import anyio
import pyarrow.parquet as pq
from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.requests import Request as StarletteRequest

from shopops.errors import ShopopsError
from shopops.ingest import recognise, stage_file
from shopops.warehouse.load import ImportResult, merge_batch, unchanged_result
from shopops.web.db import WebDB
from shopops.web.errors import BadRequest, UploadRejected, UploadTooLarge
from shopops.web.roles import Permission
from shopops.web.schemas import Envelope, documented
from shopops.web.scope import StoreRef
from shopops.web.security import ALLOWED_SUFFIXES, UploadPolicy, display_name
from shopops.web.views.base import Ctx, CtxDep, ctx, error_response, ok, page

log = logging.getLogger(__name__)

UPLOAD_DIR = "uploads"
FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the small fields around the file


def _policy(c: Ctx) -> UploadPolicy:
    return UploadPolicy(c.config.max_upload_mb * 2**20, c.config.max_xlsx_unpacked_mb * 2**20)


def _stores_in(batch) -> set[str]:
    found: set[str] = set()
    for staged in batch.tables:
        if staged.rows:
            column = pq.read_table(staged.path, columns=["store_id"]).column("store_id")
            found |= {s for s in column.unique().to_pylist() if s is not None}
    return found


def import_upload(db: WebDB, store: StoreRef, path: Path, original: str, format_name: str | None) -> ImportResult:
    """The import pipeline for one saved upload, into ``store`` only."""
    src, fmt = recognise(path, format_name or None)
    with db.reader() as r:
        previous = r.con.execute(
            "SELECT max(import_id) FROM _imports WHERE sha256 = ? AND store_id = ? AND format = ?",
            [src.sha256, store.store_id, fmt.name],
        ).fetchall()[0][0]
    if previous is not None:
        with db.write(invalidate=False) as ws:
            return unchanged_result(ws, previous, original)
    batch = stage_file(path, db.ws.tmp_dir, store_id=store.store_id, recognised=(src, fmt))  # no lock: own scratch
    try:
        others = sorted(_stores_in(batch) - {store.store_id})
        if others:
            raise UploadRejected(
                file=original,
                reason=f"rows name other stores in their store_id column ({len(others)}); "
                "an upload may only hold rows of this page's store",
                reason_zh=f"有 {len(others)} 个其他店铺的行(store_id 列);上传的文件只能包含本页店铺的数据",
            )
        with db.write() as ws:
            return merge_batch(ws, batch)  # an identical file merged meanwhile is reported "unchanged" by it
    finally:
        batch.cleanup()


def _record(db: WebDB, store: StoreRef, user: str, original: str, stored: str, size: int, **result: Any) -> int:
    with db.write(invalidate=False) as ws:
        upload_id = ws.con.execute("SELECT nextval('_web_upload_ids')").fetchall()[0][0]
        ws.con.execute(
            "INSERT INTO _web_uploads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                upload_id,
                store.store_id,
                user,
                original,
                stored,
                size,
                result["status"],
                result.get("import_id"),
                json.dumps(result["error"], ensure_ascii=False) if result.get("error") else None,
                dt.datetime.now().replace(microsecond=0),
            ],
        )
    return upload_id


def uploads(db: WebDB, store: StoreRef, limit: int = 50) -> list[dict[str, Any]]:
    rows = db.read(
        "SELECT u.upload_id, u.username, u.original_name, u.size, u.status, u.import_id, i.format, i.rows_read, "
        "u.error, strftime(u.uploaded_at, '%Y-%m-%d %H:%M:%S') FROM _web_uploads u "
        "LEFT JOIN _imports i ON i.import_id = u.import_id WHERE u.store_id = ? ORDER BY u.upload_id DESC LIMIT ?",
        [store.store_id, limit],
    )
    keys = ("upload_id", "user", "file", "size", "status", "import_id", "format", "rows", "error", "uploaded_at")
    out = [dict(zip(keys, row, strict=True)) for row in rows]
    for x in out:
        x["error"] = json.loads(x["error"]) if x["error"] else None
    return out


class _Limited:
    """An ASGI receive that stops a body at ``cap`` bytes, however it is sent (with or without Content-Length)."""

    def __init__(self, receive: Any, cap: int, filename: str) -> None:
        self.receive, self.cap, self.seen, self.filename = receive, cap, 0, filename

    async def __call__(self) -> dict:
        message = await self.receive()
        if message["type"] == "http.request":
            self.seen += len(message.get("body", b""))
            if self.seen > self.cap:
                raise UploadTooLarge(file=self.filename, cap_mb=(self.cap - FORM_OVERHEAD) // 2**20)
        return message


async def _receive_upload(request: Request, policy: UploadPolicy, dest_dir: Path) -> tuple[Path, str, str, int]:
    """Parse the multipart body under the cap; save the file under a server-chosen name."""
    cap = policy.max_bytes + FORM_OVERHEAD
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > cap:
        raise UploadTooLarge(file="upload", cap_mb=policy.max_bytes // 2**20)
    if "multipart/form-data" not in request.headers.get("content-type", ""):
        raise BadRequest(field="body", reason="send the file as multipart/form-data, field 'file'")
    limited = StarletteRequest(request.scope, receive=_Limited(request.receive, cap, "upload"))
    async with limited.form(max_files=1, max_fields=5) as form:
        file = form.get("file")
        if file is None or isinstance(file, str):
            raise BadRequest(field="file", reason="no file in the form field 'file'")
        original = display_name(file.filename)
        suffix = policy.suffix(file.filename or "")
        fmt = str(form.get("format") or "").strip()
        dest_dir.mkdir(parents=True, exist_ok=True)
        dest = dest_dir / f"{uuid.uuid4().hex}{suffix}"
        size = await anyio.to_thread.run_sync(policy.save, file.file, dest, original)
    if suffix == ".xlsx":
        policy.check_xlsx(dest, original)
    return dest, original, fmt, size


def _public_error(exc: ShopopsError, original: str) -> ShopopsError:
    """Name the user's file in the message, never the server's path."""
    if "file" in exc.attrs:
        exc.attrs["file"] = original
        exc.file = original  # type: ignore[attr-defined]
    return exc


def register(app: FastAPI) -> None:
    router = app.router  # routes straight on the app: app.routes lists every one (the authorisation test reads it)

    @router.post(
        "/api/stores/{store_id}/uploads",
        summary="Import an export file into this store (same pipeline as `shopops import`)",
        description=f"multipart/form-data with `file` ({', '.join(ALLOWED_SUFFIXES)}) and optionally `format` "
        "(a name from `shopops formats`). A bad file answers 400 with every problem (row, column, value).",
        responses=documented(Envelope, 413),
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["file"],
                            "properties": {
                                "file": {"type": "string", "format": "binary"},
                                "format": {"type": "string"},
                            },
                        }
                    }
                },
            }
        },
    )
    async def upload(store_id: str, request: Request) -> Response:
        c = ctx(request)
        store = c.scope.store(store_id, Permission.UPLOAD)
        dest, original, fmt, size = await _receive_upload(request, _policy(c), Path(c.db.root) / UPLOAD_DIR)
        try:
            result = await anyio.to_thread.run_sync(import_upload, c.db, store, dest, original, fmt)
        except ShopopsError as exc:
            err = _public_error(exc, original)
            body = json.loads(bytes(error_response(err, c.lang).body))["error"]
            await anyio.to_thread.run_sync(
                lambda: _record(c.db, store, c.user.username, original, dest.name, size, status="failed", error=body)
            )
            dest.unlink(missing_ok=True)
            log.info("upload %s into %s refused: %s", original, store.store_id, exc)
            raise err from None
        upload_id = await anyio.to_thread.run_sync(
            lambda: _record(
                c.db,
                store,
                c.user.username,
                original,
                dest.name,
                size,
                status=result.status,
                import_id=result.import_id,
            )
        )
        dest.unlink(missing_ok=True)  # the warehouse keeps its own read-only copy under raw/
        log.info("upload %s into %s: %s #%s", original, store.store_id, result.status, result.import_id)
        return ok(
            {
                "upload_id": upload_id,
                "file": original,
                "store": store.store_id,
                "status": result.status,
                "format": result.format,
                "import_id": result.import_id,
                "rows_read": result.rows_read,
                "rows_by_table": result.rows_by_table,
            }
        )

    @router.get(
        "/api/stores/{store_id}/uploads",
        summary="This store's uploads, newest first",
        responses=documented(Envelope),
    )
    def upload_list(store_id: str, c: CtxDep) -> Response:
        store = c.scope.store(store_id, Permission.READ_DASHBOARD)
        return ok({"store": store.to_dict(), "uploads": uploads(c.db, store)})

    @router.get("/stores/{store_id}/upload", include_in_schema=False)
    def upload_page(store_id: str, c: CtxDep) -> Response:
        store = c.scope.store(store_id, Permission.READ_DASHBOARD)
        data = {
            "store": store.to_dict(),
            "uploads": uploads(c.db, store),
            "can_upload": c.scope.can(Permission.UPLOAD),
            "allowed": list(ALLOWED_SUFFIXES),
            "max_upload_mb": c.config.max_upload_mb,
        }
        return page(c, "upload.html", active="upload", store=store, data=data)
