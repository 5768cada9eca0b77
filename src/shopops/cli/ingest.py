"""Commands of the ingest and warehouse stages: import, status, formats."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table as RichTable

from shopops.cli import _dump, app, err, handles_errors, out
from shopops.errors import ShopopsError


@app.command("import")
@handles_errors
def import_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Export files: CSV (UTF-8/GBK, optionally .gz) or .xlsx.")],
    store: Annotated[str | None, typer.Option("--store", "-s", help="Store id for files without one.")] = None,
    format_name: Annotated[
        str | None, typer.Option("--format", "-f", help="Skip detection; see 'shopops formats'.")
    ] = None,
    tz: Annotated[str | None, typer.Option("--tz", help="Time zone of Unix timestamps, e.g. Asia/Shanghai.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Merge again even if this exact file was imported.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print results as JSON.")] = False,
) -> None:
    """Import export files into the workspace (idempotent: importing again changes nothing)."""
    from contextlib import closing

    from shopops.cli import open_warehouse
    from shopops.warehouse import import_file

    results = []
    failed: ShopopsError | None = None
    with closing(open_warehouse()) as ws:
        for path in paths:
            try:
                with _progress(path, quiet=as_json) as tick:
                    result = import_file(
                        ws, path, store_id=store, format_name=format_name, tz=tz, force=force, progress=tick
                    )
            except ShopopsError as exc:
                if not as_json:
                    err.print(f"[bold red]error:[/] {exc.message()}", soft_wrap=True)
                results.append({"ok": False, "file": str(path), "error": exc.to_dict()})
                failed = failed or exc
                continue
            results.append({"ok": True, **result.to_dict()})
            if not as_json:
                rows = ", ".join(f"{t} {n:,}" for t, n in result.rows_by_table.items())
                verb = "imported" if result.status == "imported" else "unchanged (already imported)"
                out.print(
                    f"[green]✓[/] {path.name}: {verb} as #{result.import_id} "
                    f"[dim]{result.format}, store {result.store_id}[/] — {rows}"
                )
    if as_json:
        _dump(results)
    if failed is not None:
        raise typer.Exit(failed.exit_code)


class _progress:
    """A progress bar for files over a few MB; silent for small files and JSON output."""

    def __init__(self, path: Path, quiet: bool) -> None:
        size = path.stat().st_size if path.is_file() else 0
        self.enabled = not quiet and size > 8 * 2**20 and sys.stderr.isatty()
        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=err,
            transient=True,
        )
        self.task = self.bar.add_task(f"importing {path.name}", total=size) if self.enabled else None

    def __enter__(self) -> Callable[[int, int], None] | None:
        if not self.enabled:
            return None
        self.bar.start()
        return lambda done, total: self.bar.update(self.task, completed=done, total=total)  # type: ignore[arg-type]

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self.bar.stop()


@app.command()
@handles_errors
def status(as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False) -> None:
    """Tables, rows per store, and the import ledger."""
    from contextlib import closing

    from shopops.cli import open_warehouse
    from shopops.schema import TABLES

    with closing(open_warehouse(create=False, read_only=True)) as wh:
        st = wh.status()
    if as_json:
        _dump(st.to_dict())
        return
    out.print(f"[bold]workspace[/] {st.workspace}")
    tables = RichTable("table", "表", "store", "rows", box=None)
    for name, stores in st.tables.items():
        for store_id, n in stores.items():
            tables.add_row(name, TABLES[name].zh, store_id, f"{n:,}")
    out.print(tables if st.tables else "[dim]no rows yet[/]")
    ledger = RichTable("#", "file", "format", "store", "rows", "sha256", "imported at", box=None)
    for e in st.imports:
        ledger.add_row(
            str(e.import_id), e.file_name, e.format, e.store_id, f"{e.rows_read:,}", e.sha256[:12], e.imported_at
        )
    out.print("\n[bold]imports[/]")
    out.print(ledger if st.imports else "[dim]none[/]")


@app.command()
@handles_errors
def formats(
    name: Annotated[str | None, typer.Argument(help="Show one format's headers in full.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Each import format and the headers it recognises."""
    from shopops.ingest.formats import formats as registry
    from shopops.ingest.formats import get_format

    chosen = [get_format(name)] if name else sorted(registry().values(), key=lambda f: f.name)
    if as_json:
        _dump(
            [
                {
                    "name": f.name,
                    "zh": f.zh,
                    "en": f.en,
                    "platform": f.platform,
                    "tables": list(f.tables),
                    "fields": [
                        {"name": fl.name, "type": fl.type, "required": fl.required, "headers": list(fl.headers)}
                        for fl in f.fields
                    ],
                }
                for f in chosen
            ]
        )
        return
    for f in chosen:
        out.print(f"[bold]{f.name}[/]  {f.zh} / {f.en}  [dim]→ {', '.join(f.tables)}[/]")
        if name or not f.name.startswith("canonical:"):
            for fl in f.fields:
                mark = "*" if fl.required else " "
                out.print(f"   {mark} {fl.name:<22} {fl.type:<9} {' | '.join(fl.headers)}", soft_wrap=True)
    if not name:
        out.print("\n[dim]* required.  'shopops formats NAME' lists a format's headers in full.[/]")
