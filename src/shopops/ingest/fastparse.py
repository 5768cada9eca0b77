"""Cheap guards in front of the value macros: the common spelling is cast directly, the rest goes to the macro.

Most cells of a large export are already plain (``12.50``, ``2025-10-14``, ``SKU001``). DuckDB's own casts read
those several times faster than the ``so_*`` macros, whose one-element ``list_transform`` bindings cost a list per
value. Each guard below only lets through text its cast reads exactly as the macro would, and hands everything else
— and every cast that fails — to the macro, so ``fast_parse_expr`` and ``parse_expr`` agree on every string (a
property test holds them to that). ``COALESCE`` and ``CASE`` evaluate lazily in DuckDB: the macro runs only for the
rows the guard did not settle.
"""

from __future__ import annotations

from shopops.ingest.normalise import EMPTY_MARKERS, parse_expr
from shopops.schema import ColumnType

# The longest empty marker in UTF-8 bytes ('——'); a longer cell cannot be one.
_MARKER_BYTES = max(len(m.encode()) for m in EMPTY_MARKERS)
# A list, not IN (…): DuckDB rewrites an IN list of more than a few constants into a join, one per cell.
_MARKERS = "[" + ", ".join("'" + m.replace("'", "''") + "'" for m in EMPTY_MARKERS) + "]"
# First and last character outside what so_clean trims (ASCII space/control, no-break and ideographic spaces).
_UNTRIMMED = (
    "(unicode({x}) > 32 AND unicode({x}) NOT IN (160, 12288)"
    " AND unicode(right({x}, 1)) > 32 AND unicode(right({x}, 1)) NOT IN (160, 12288))"
)
# Text DuckDB's casts read exactly as the macros do. BIGINT casts round '1.5' and read '0x1F', DATE casts read
# '2025-1-5' and truncate times, TIMESTAMP casts roll '24:00' into the next day: hence the exact shapes.
_PLAIN_INT = r"'[+-]?\d{1,18}'"
_ISO_DATE = r"'[12]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])'"
_ISO_TIME = r"'[12]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[ T]([01]\d|2[0-3]):[0-5]\d:[0-5]\d'"


def fast_clean_expr(x: str) -> str:
    """``so_clean(x)``: untouched when nothing needs trimming and the cell is too long to be an empty marker."""
    return (
        f"CASE WHEN {_UNTRIMMED.format(x=x)} THEN "
        f"(CASE WHEN strlen({x}) <= {_MARKER_BYTES} AND list_contains({_MARKERS}, lower({x})) THEN NULL ELSE {x} END) "
        f"ELSE so_clean({x}) END"
    )


def fast_parse_expr(type_: ColumnType, x: str, *, date1904: bool = False, tz: str = "UTC") -> str:
    """The same value as ``parse_expr(type_, x)``, computed faster for plainly written cells."""
    slow = parse_expr(type_, x, date1904=date1904, tz=tz)
    match type_:
        case "text":
            return fast_clean_expr(x)
        case "money":
            return f"coalesce(TRY_CAST({x} AS DECIMAL(18,2)), {slow})"
        case "number" | "rate":
            return f"coalesce(so_finite(TRY_CAST({x} AS DOUBLE)), {slow})"
        case "int":
            return f"CASE WHEN regexp_full_match({x}, {_PLAIN_INT}) THEN CAST({x} AS BIGINT) ELSE {slow} END"
        case "date":
            return f"coalesce(CASE WHEN regexp_full_match({x}, {_ISO_DATE}) THEN TRY_CAST({x} AS DATE) END, {slow})"
        case "timestamp":
            return (
                f"coalesce(CASE WHEN regexp_full_match({x}, {_ISO_TIME}) THEN TRY_CAST({x} AS TIMESTAMP) END, {slow})"
            )
        case "bool":
            return f"CASE WHEN {x} = 'true' THEN TRUE WHEN {x} = 'false' THEN FALSE ELSE {slow} END"
    raise AssertionError(f"unhandled column type {type_!r}")
