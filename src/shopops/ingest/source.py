"""Look at a file before trusting it: size, hash, container (CSV, gzip, xlsx), encoding, header row.

The result is a frozen ``SourceFile``; ``read`` then streams its rows. Every refusal here is a specific
``InputError`` that names the file (and the byte or row where it applies), raised before anything is loaded.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import os
import re
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from shopops.errors import (
    CorruptWorkbook,
    DuplicateHeaders,
    EmptyFile,
    FileMissing,
    FileTooLarge,
    NoHeader,
    UndecodableFile,
    UnsupportedFileType,
    WorkbookTooLarge,
)
from shopops.schema import normalise_header

Kind = Literal["csv", "xlsx"]
Encoding = Literal["utf-8", "utf-8-sig", "gb18030"]

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
VALID_SUFFIXES = (*CSV_SUFFIXES, *(s + ".gz" for s in CSV_SUFFIXES), *XLSX_SUFFIXES)
HEADER_SCAN_ROWS = 30
BLOCK = 1 << 20


def _cap_mb(env: str, default: int) -> int:
    return int(os.environ.get(env, default))


def max_file_mb() -> int:
    return _cap_mb("SHOPOPS_MAX_FILE_MB", 2048)


def max_unpacked_mb() -> int:
    return _cap_mb("SHOPOPS_MAX_UNPACKED_MB", 8192)


def max_xlsx_unpacked_mb() -> int:
    return _cap_mb("SHOPOPS_MAX_XLSX_UNPACKED_MB", 1024)


@dataclass(frozen=True)
class SourceFile:
    path: Path
    name: str
    size: int
    sha256: str
    kind: Kind
    gzip: bool
    encoding: Encoding
    delimiter: str
    header_row: int  # 0-based index of the header line (rows above it are titles)
    headers: tuple[str, ...]
    sheet: str | None = None
    date1904: bool = False
    # False: only the first block was decoded (as UTF-8); DuckDB's CSV reader proves the rest of every column it
    # reads, and staging proves the whole file before any other reader sees it (``ingest.stage``).
    encoding_proven: bool = True

    @property
    def suffix(self) -> str:
        return ".csv.gz" if self.gzip else (".xlsx" if self.kind == "xlsx" else Path(self.name).suffix.lower())


def _suffix(path: Path) -> str:
    name = path.name.lower()
    for s in sorted(VALID_SUFFIXES, key=len, reverse=True):
        if name.endswith(s):
            return s
    return path.suffix.lower() or "(none)"


def _open_bytes(path: Path, is_gzip: bool) -> io.BufferedIOBase:
    return gzip.open(path, "rb") if is_gzip else open(path, "rb")  # type: ignore[return-value]


def inspect(
    path: Path, score_header: Callable[[list[str]], int], *, prove_encoding: bool = True, hashed: bool = True
) -> SourceFile:
    """Check a file and find its header row. ``score_header`` says how many cells of a row are known headers.

    ``prove_encoding=False`` decodes only the first block of a plain CSV when it is UTF-8 (a gzip stream is always
    decoded whole: that pass also caps what it unpacks). ``hashed=False`` leaves ``sha256`` empty for the caller to
    fill in (``digest_file``): the importer hashes a large new file while DuckDB reads it."""
    name = str(path)
    if not path.is_file():
        raise FileMissing(file=name)
    size = path.stat().st_size
    if size == 0:
        raise EmptyFile(file=name)
    if size > max_file_mb() * 1024 * 1024:
        raise FileTooLarge(file=name, size_mb=size / 2**20, cap_mb=max_file_mb())
    suffix = _suffix(path)
    if suffix not in VALID_SUFFIXES:
        raise UnsupportedFileType(file=name, suffix=suffix, valid=", ".join(VALID_SUFFIXES))
    if suffix in XLSX_SUFFIXES:
        return _inspect_xlsx(path, size, score_header)
    return _inspect_csv(path, size, suffix.endswith(".gz"), score_header, prove_encoding, hashed)


# ------------------------------------------------------------------------------------------------- CSV


def digest_file(path: Path, copy_to: Path | None = None) -> str:
    """The SHA-256 of a file's bytes; with ``copy_to``, the bytes are also written there in the same pass."""
    sha = hashlib.sha256()
    # One buffer read into again and again: a fresh 1 MB bytes object per read is mapped and unmapped each time,
    # CPU taken from DuckDB reading the same file meanwhile.
    buffer = memoryview(bytearray(BLOCK))
    with open(path, "rb", buffering=0) as fh, open(copy_to, "wb", buffering=0) if copy_to else nullcontext() as out:
        while n := fh.readinto(buffer):
            sha.update(buffer[:n])
            if out is not None:
                _write_all(out, buffer[:n])
    return sha.hexdigest()


def _write_all(out: io.FileIO, data: memoryview) -> None:
    while data:  # an unbuffered write may write less than asked
        data = data[out.write(data) :]


class BackgroundDigest:
    """``digest_file`` on a thread, so DuckDB can read the file meanwhile (hashing and file I/O release the GIL)."""

    def __init__(self, path: Path, copy_to: Path | None = None) -> None:
        self.copy_to = copy_to
        self._sha: str | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(path,), name="shopops-digest", daemon=True)
        self._thread.start()

    def _run(self, path: Path) -> None:
        try:
            self._sha = digest_file(path, self.copy_to)
        except BaseException as exc:  # handed to whoever asks for the result
            self._error = exc

    def result(self) -> str:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._sha is not None
        return self._sha

    def discard(self) -> None:
        """Wait for the thread and remove the copy if nobody kept it."""
        self._thread.join()
        if self.copy_to is not None:
            self.copy_to.unlink(missing_ok=True)


def _prove_encoding(path: Path, is_gzip: bool) -> Encoding:
    """Decode every byte: as UTF-8, else as GB18030."""
    first_error: tuple[int, bytes] | None = None
    for encoding in ("utf-8", "gb18030"):
        err = _decode_error(path, is_gzip, encoding)
        if err is None:
            return _with_bom(encoding, path, is_gzip)
        first_error = first_error or err
    assert first_error is not None
    offset, snippet = first_error
    raise UndecodableFile(file=str(path), offset=offset, snippet=snippet.hex(" "))


def _with_bom(encoding: str, path: Path, is_gzip: bool) -> Encoding:
    if encoding == "utf-8" and _starts_with_bom(path, is_gzip):
        return "utf-8-sig"
    return encoding  # type: ignore[return-value]


def _head_is_utf8(head: bytes) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head)  # not final: the block may end inside a character
    except UnicodeDecodeError:
        return False
    return True


def _starts_with_bom(path: Path, is_gzip: bool) -> bool:
    with _open_bytes(path, is_gzip) as fh:
        return fh.read(3) == codecs.BOM_UTF8


def _decode_error(path: Path, is_gzip: bool, encoding: str) -> tuple[int, bytes] | None:
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    cap = max_unpacked_mb() * 1024 * 1024
    try:
        with _open_bytes(path, is_gzip) as fh:
            for block in iter(lambda: fh.read(BLOCK), b""):
                try:
                    decoder.decode(block)
                except UnicodeDecodeError as exc:
                    return offset + exc.start, block[exc.start : exc.start + 4]
                offset += len(block)
                if offset > cap:
                    raise WorkbookTooLarge(
                        file=str(path),
                        unpacked_mb=offset / 2**20,
                        ratio=offset / max(path.stat().st_size, 1),
                        cap_mb=max_unpacked_mb(),
                    )
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError as exc:
                return offset + exc.start, b""
    except (OSError, EOFError, zlib.error) as exc:
        if is_gzip:
            raise CorruptWorkbook(file=str(path), reason=f"broken gzip stream: {exc}") from None
        raise
    return None


def _inspect_csv(
    path: Path, size: int, is_gzip: bool, score_header: Callable[[list[str]], int], prove_encoding: bool, hashed: bool
) -> SourceFile:
    sha = digest_file(path) if hashed else ""
    with _open_bytes(path, is_gzip) as fh:
        head = fh.read(256 * 1024)
    proven = prove_encoding or is_gzip or not _head_is_utf8(head)
    encoding = _prove_encoding(path, is_gzip) if proven else _with_bom("utf-8", path, is_gzip)
    text = head.decode(encoding, errors="ignore")
    lines = text.splitlines()[: HEADER_SCAN_ROWS + 1]
    if len(lines) > 1 and len(text) >= 256 * 1024 - 4:
        lines = lines[:-1]  # the last line of a cut block may be partial
    delimiter = _sniff_delimiter(lines)
    rows = list(csv.reader(lines, delimiter=delimiter))
    header_row = _pick_header(rows, score_header)
    if header_row is None:
        raise NoHeader(file=str(path), scanned=min(len(rows), HEADER_SCAN_ROWS))
    headers = tuple(cell.strip().lstrip("\ufeff") for cell in rows[header_row])
    _check_duplicates(path, headers, header_row)
    return SourceFile(
        path=path,
        name=path.name,
        size=size,
        sha256=sha,
        kind="csv",
        gzip=is_gzip,
        encoding=encoding,
        encoding_proven=proven,
        delimiter=delimiter,
        header_row=header_row,
        headers=headers,
    )


def _sniff_delimiter(lines: list[str]) -> str:
    best, best_score = ",", -1
    for cand in (",", "\t", ";", "|"):
        counts = [len(next(csv.reader([ln], delimiter=cand))) for ln in lines[:HEADER_SCAN_ROWS] if ln.strip()]
        if not counts:
            continue
        widest = max(counts)
        # The delimiter that splits most lines into the same, widest shape wins.
        score = sum(1 for c in counts if c == widest) * (widest if widest > 1 else 0)
        if score > best_score:
            best, best_score = cand, score
    return best


def _pick_header(rows: list[list[str]], score_header: Callable[[list[str]], int]) -> int | None:
    """The first row with the most known headers (title lines above the header are common in 生意参谋 exports)."""
    scored = [(score_header(row), -i) for i, row in enumerate(rows[:HEADER_SCAN_ROWS]) if any(c.strip() for c in row)]
    if not scored:
        return None
    score, neg_index = max(scored)
    if score >= 2:
        return -neg_index
    # Nothing recognisable: the first non-empty row stands as the header, so the error can show it.
    return -scored[0][1]


def _check_duplicates(path: Path, headers: tuple[str, ...], header_row: int) -> None:
    seen: dict[str, int] = {}
    dupes: list[str] = []
    for h in headers:
        key = normalise_header(h)
        if not key:
            continue
        seen[key] = seen.get(key, 0) + 1
        if seen[key] == 2:
            dupes.append(h)
    if dupes:
        raise DuplicateHeaders(file=str(path), duplicates=dupes, row=header_row + 1)


# ------------------------------------------------------------------------------------------------- XLSX


def _inspect_xlsx(path: Path, size: int, score_header: Callable[[list[str]], int]) -> SourceFile:
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    date1904 = _check_zip(path, size)
    try:
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_path(str(path))
        best: tuple[int, str, int, list[str]] | None = None
        for sheet_name in wb.sheet_names:
            sheet = wb.get_sheet_by_name(sheet_name)
            rows = [
                [cell_text(v) for v in row] for _, row in zip(range(HEADER_SCAN_ROWS), sheet.iter_rows(), strict=False)
            ]
            idx = _pick_header(rows, score_header)
            if idx is None:
                continue
            score = score_header(rows[idx])
            if best is None or score > best[0]:
                best = (score, sheet_name, idx, rows[idx])
        wb.close()
    except Exception as exc:  # calamine raises several unrelated types for broken files
        raise CorruptWorkbook(file=str(path), reason=str(exc).splitlines()[0][:200]) from None
    if best is None:
        raise NoHeader(file=str(path), scanned=HEADER_SCAN_ROWS)
    _, sheet_name, header_row, header_cells = best
    headers = tuple(h.strip() for h in header_cells)
    _check_duplicates(path, headers, header_row)
    return SourceFile(
        path=path,
        name=path.name,
        size=size,
        sha256=sha,
        kind="xlsx",
        gzip=False,
        encoding="utf-8",
        delimiter=",",
        header_row=header_row,
        headers=headers,
        sheet=sheet_name,
        date1904=date1904,
    )


def _check_zip(path: Path, size: int) -> bool:
    """Refuse truncated archives and zip bombs before any XML parser sees them; report the 1904 date system."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            unpacked = sum(i.file_size for i in infos)
            cap = max_xlsx_unpacked_mb() * 1024 * 1024
            if unpacked > cap or (unpacked > 50 * 2**20 and unpacked / max(size, 1) > 200):
                raise WorkbookTooLarge(
                    file=str(path),
                    unpacked_mb=unpacked / 2**20,
                    ratio=unpacked / max(size, 1),
                    cap_mb=max_xlsx_unpacked_mb(),
                )
            names = {i.filename for i in infos}
            if "xl/workbook.xml" not in names:
                raise CorruptWorkbook(file=str(path), reason="no xl/workbook.xml inside")
            bad = zf.testzip()
            if bad is not None:
                raise CorruptWorkbook(file=str(path), reason=f"damaged member {bad}")
            workbook_xml = zf.read("xl/workbook.xml")[:20000].decode("utf-8", "ignore")
    except zipfile.BadZipFile as exc:
        raise CorruptWorkbook(file=str(path), reason=f"truncated or not a zip archive ({exc})") from None
    return re.search(r'date1904\s*=\s*"(1|true)"', workbook_xml) is not None


def cell_text(value: object) -> str:
    """A workbook cell as the text an export would have written (dates ISO, integral floats without .0)."""
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value.total_seconds())
    return str(value)


def iter_xlsx_rows(src: SourceFile) -> Iterator[list[str]]:
    """Data rows (below the header) of the chosen sheet, as text."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(src.path))
    try:
        sheet = wb.get_sheet_by_name(src.sheet or wb.sheet_names[0])
        for i, row in enumerate(sheet.iter_rows()):
            if i > src.header_row:
                yield [cell_text(v) for v in row]
    finally:
        wb.close()
