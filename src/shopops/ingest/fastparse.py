"""Cheap guards in front of the value macros: the common spelling is cast directly, the rest goes to the macro.

Most cells of a large export are already plain (``12.50``, ``2025-10-14``, ``SKU001``). DuckDB's own casts read
those several times faster than the ``so_*`` macros, whose one-element ``list_transform`` bindings cost a list per
value. Each guard below only lets through text its cast reads exactly as the macro would, and hands everything else
— and every cast that fails — to the macro, so ``fast_parse_expr`` and ``parse_expr`` agree on every string (a
property test holds them to that). ``COALESCE`` and ``CASE`` evaluate lazily in DuckDB: the macro runs only for the
rows the guard did not settle.
"""

from __future__ import annotations

from collections.abc import Iterable

from shopops.ingest.normalise import EMPTY_MARKERS, parse_expr
from shopops.schema import ColumnType

# The longest empty marker in UTF-8 bytes ('——'); a longer cell cannot be one.
_MARKER_BYTES = max(len(m.encode()) for m in EMPTY_MARKERS)
# A list, not IN (…): DuckDB rewrites an IN list of more than a few constants into a join, one per cell.
_MARKERS = "[" + ", ".join("'" + m.replace("'", "''") + "'" for m in EMPTY_MARKERS) + "]"
# What so_clean trims besides ASCII space and control characters (code points up to 32).
_SPACES = ("\u00a0", "\u3000")
# The first and last characters of every empty marker, in either case: a cell starting or ending with another
# character is none.
_MARKER_INITIALS = sorted({c for m in EMPTY_MARKERS if m for c in (m[0].lower(), m[0].upper())})
_MARKER_FINALS = sorted({c for m in EMPTY_MARKERS if m for c in (m[-1].lower(), m[-1].upper())})
# Text DuckDB's casts read exactly as the macros do. BIGINT casts round '1.5' and read '0x1F', DATE casts read
# '2025-1-5' and truncate times, TIMESTAMP casts roll '24:00' into the next day: hence the exact shapes.
_ISO_DATE = r"'[12]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])'"
_ISO_TIME = r"'[12]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[ T]([01]\d|2[0-3]):[0-5]\d:[0-5]\d'"


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _first_char_outside(x: str, excluded: Iterable[str]) -> str:
    """``x`` starts with a character above U+0020 and not in ``excluded``, as range compares of the inlined string
    prefix — no string function per cell (UTF-8 sorts bytewise in code point order). The ranges holding lower-case
    letters, digits, capitals and CJK come first, so most cells are settled by the first two compares."""
    cuts = sorted({ord(c) for c in excluded if ord(c) > 32})
    ranges, low = [], 33
    for cut in cuts:
        if cut > low:
            ranges.append((low, cut))
        low = cut + 1
    ranges.append((low, None))
    usual = [ord(c) for c in "as0A中"]
    ranges.sort(key=lambda r: next((i for i, u in enumerate(usual) if r[0] <= u and (r[1] is None or u < r[1])), 9))
    parts = [
        f"({x} >= {_lit(chr(lo))} AND {x} < {_lit(chr(hi))})" if hi is not None else f"{x} >= {_lit(chr(lo))}"
        for lo, hi in ranges
    ]
    return "(" + " OR ".join(parts) + ")"


def last_char_expr(x: str) -> str:
    """The last character, computed once below the expressions that read it (the costly part of the guard)."""
    return f"substring({x}, -1)"


def _untrimmed(x: str, last: str) -> str:
    """Neither the first nor the last character is one so_clean trims (the last is one character: the same
    ranges settle it, two compares for most)."""
    return f"({_first_char_outside(x, _SPACES)} AND {_first_char_outside(last, _SPACES)})"


def surely_not_blank(x: str) -> str:
    """A cheap test that holds only for cells so_clean leaves non-empty and not an empty marker."""
    return _first_char_outside(x, (*_SPACES, *_MARKER_INITIALS))


def _marker(x: str, last: str) -> str:
    """``x`` is an empty marker; the length and the first and last characters settle most cells without a lookup."""
    ends = _first_char_outside(last, _MARKER_FINALS)
    maybe = f"strlen({x}) <= {_MARKER_BYTES} AND NOT {surely_not_blank(x)} AND NOT {ends}"
    return f"({maybe} AND list_contains({_MARKERS}, lower({x})))"


def fast_clean_expr(x: str, last: str | None = None) -> str:
    """``so_clean(x)``: untouched when nothing needs trimming and the cell cannot be an empty marker. ``last`` is
    the cell's last character when a projection below has computed it (``last_char_expr``)."""
    last = last or last_char_expr(x)
    return (
        f"CASE WHEN {_untrimmed(x, last)} THEN (CASE WHEN {_marker(x, last)} THEN NULL ELSE {x} END) "
        f"ELSE so_clean({x}) END"
    )


def as_read_expr(x: str, last: str) -> str:
    """``so_clean`` returns the (non-NULL) cell ``x`` as it is: nothing to trim and not an empty marker. Only a
    sufficient test — a cell it does not vouch for may still be clean — so a pass that keeps text as read can
    stop where it fails and start again cleaning every cell."""
    return f"({_untrimmed(x, last)} AND NOT {_marker(x, last)})"


def fast_parse_expr(
    type_: ColumnType, x: str, *, date1904: bool = False, tz: str = "UTC", last: str | None = None
) -> str:
    """The same value as ``parse_expr(type_, x)``, computed faster for plainly written cells (``last``: see
    ``fast_clean_expr``)."""
    slow = parse_expr(type_, x, date1904=date1904, tz=tz)
    match type_:
        case "text":
            return fast_clean_expr(x, last)
        case "money":
            return f"coalesce(TRY_CAST({x} AS DECIMAL(18,2)), {slow})"
        case "number" | "rate":
            return f"coalesce(so_finite(TRY_CAST({x} AS DOUBLE)), {slow})"
        case "int":
            # Written exactly as the number prints (no sign, zeros, spaces or fraction: '1.5' casts to 2) and within
            # the macro's 18 digits: checked by a round trip instead of a regex.
            cast = f"TRY_CAST({x} AS BIGINT)"
            return f"CASE WHEN strlen({x}) <= 18 AND CAST({cast} AS VARCHAR) = {x} THEN {cast} ELSE {slow} END"
        case "date":
            return f"coalesce(CASE WHEN regexp_full_match({x}, {_ISO_DATE}) THEN TRY_CAST({x} AS DATE) END, {slow})"
        case "timestamp":
            return (
                f"coalesce(CASE WHEN regexp_full_match({x}, {_ISO_TIME}) THEN TRY_CAST({x} AS TIMESTAMP) END, {slow})"
            )
        case "bool":
            return f"CASE WHEN {x} = 'true' THEN TRUE WHEN {x} = 'false' THEN FALSE ELSE {slow} END"
    raise AssertionError(f"unhandled column type {type_!r}")
