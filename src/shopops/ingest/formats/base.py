"""What a format is, and the one registry every format (built-in or add-on) registers into.

A format is data: the source fields it reads (each with a type and the headers it answers to) and, per canonical
table it fills, one SQL query over ``src`` — the typed, validated view of the file. The stage engine
(``ingest/stage.py``) runs every format the same way; a format never touches the warehouse.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from shopops.errors import AmbiguousFormat, UnknownFormat, UnknownFormatName
from shopops.schema import TABLES, ColumnType, Table, normalise_header


@dataclass(frozen=True)
class Field:
    """One column the format reads from the file."""

    name: str
    type: ColumnType
    headers: tuple[str, ...]
    required: bool = False

    def __post_init__(self) -> None:
        if not self.name.isidentifier():
            raise ValueError(f"field name {self.name!r} must be an identifier")


@dataclass(frozen=True)
class Format:
    """A file layout shopops can import.

    ``outputs`` maps a canonical table to a SELECT over ``src`` (columns: ``_row`` and every field name). The SELECT
    returns ``_row`` (NULL for aggregated rows) and any subset of the table's columns; missing ones become NULL and
    ``store_id`` defaults to the import's store.
    """

    name: str
    zh: str
    en: str
    platform: str
    fields: tuple[Field, ...]
    outputs: Mapping[str, str]
    tz: str = "UTC"
    sample: str | None = None  # a committed sample file, relative to tests/fixtures/formats
    detect: bool = True  # take part in auto-detection; False for layouts only chosen by --format
    notes: str = ""
    by_name: Mapping[str, Field] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "outputs", MappingProxyType(dict(self.outputs)))
        object.__setattr__(self, "by_name", MappingProxyType({f.name: f for f in self.fields}))
        unknown = [t for t in self.outputs if t not in TABLES]
        if unknown:
            raise ValueError(f"format {self.name}: unknown output tables {unknown}")
        if len(self.by_name) != len(self.fields):
            raise ValueError(f"format {self.name}: duplicate field names")

    @property
    def tables(self) -> tuple[str, ...]:
        return tuple(self.outputs)

    def match(self, headers: Iterable[str]) -> dict[str, int]:
        """Field name → column index, for the fields whose headers appear in ``headers``."""
        index: dict[str, int] = {}
        for i, h in enumerate(headers):
            index.setdefault(normalise_header(h), i)  # "" is the first unnamed column (a pandas index)
        found: dict[str, int] = {}
        for f in self.fields:
            for h in f.headers:
                i = index.get(normalise_header(h))
                if i is not None:
                    found[f.name] = i
                    break
        return found

    def missing(self, headers: Iterable[str]) -> list[Field]:
        found = self.match(list(headers))
        return [f for f in self.fields if f.required and f.name not in found]


FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    """Add a format to the registry; built-ins call this exactly as an add-on would."""
    if fmt.name in FORMATS:
        raise ValueError(f"format {fmt.name!r} is registered twice")
    FORMATS[fmt.name] = fmt
    known_headers.cache_clear()
    return fmt


def formats() -> Mapping[str, Format]:
    from shopops.ingest.formats import load_builtins

    load_builtins()
    return FORMATS


def get_format(name: str) -> Format:
    registry = formats()
    if name not in registry:
        raise UnknownFormatName(name=name, valid=", ".join(sorted(registry)))
    return registry[name]


@functools.cache
def known_headers() -> frozenset[str]:
    """Every header any format accepts, normalised (the registry is built once per process)."""
    every = (normalise_header(h) for f in formats().values() for fld in f.fields for h in fld.headers)
    return frozenset(h for h in every if h)  # a blank cell never makes a row look like a header


def header_score(row: list[str]) -> int:
    known = known_headers()
    return sum(1 for cell in row if normalise_header(cell) in known)


def detect(file: str, headers: tuple[str, ...]) -> Format:
    """The format whose required fields are all present and which recognises the most of the file's columns."""
    ranked: list[tuple[int, int, str]] = []
    for fmt in formats().values():
        if not fmt.detect or fmt.missing(headers):
            continue
        found = fmt.match(headers)
        required = sum(1 for f in fmt.fields if f.required)
        ranked.append((len(found), required, fmt.name))
    if not ranked:
        shown = [h for h in headers if h][:12]
        raise UnknownFormat(file=file, headers=shown, valid=", ".join(sorted(formats())))
    ranked.sort(reverse=True)
    best = ranked[0]
    ties = [name for found, req, name in ranked if (found, req) == best[:2]]
    if len(ties) > 1:
        raise AmbiguousFormat(file=file, candidates=sorted(ties))
    return formats()[best[2]]


def fields_from_table(
    table: Table, extra: Mapping[str, Iterable[str]] | None = None, required: Callable[[str], bool] | None = None
) -> tuple[Field, ...]:
    """Fields that read a canonical table's own columns (its headers plus ``extra`` aliases)."""
    extra = extra or {}
    out = []
    for col in table.columns:
        is_required = required(col.name) if required else col.required
        out.append(Field(col.name, col.type, (*col.headers, *extra.get(col.name, ())), is_required))
    return tuple(out)
