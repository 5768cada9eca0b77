"""Value normalisation as DuckDB macros, so parsing runs vectorised over millions of rows.

Exports say the same number many ways: ``1,234``, ``¥1,234.50``, ``1.2万``, ``12.5%``, ``-`` for nothing, Excel
serial dates, Unix seconds. Each column type has one macro; a value that is present but does not parse becomes
NULL, and ``validate`` reports it with its row and column. ``parse_values`` runs the same macros on a Python list,
which is what the property tests exercise.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from typing import Any

import duckdb

from shopops.schema import ColumnType

# Markers that platforms write for "no value".
EMPTY_MARKERS = ("", "-", "--", "---", "—", "——", "n/a", "na", "null", "none", "nan", "#n/a", "/")

EXCEL_EPOCH = {False: "1899-12-30", True: "1904-01-01"}

_DATE_FORMATS = [
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y%m%d",
    "%Y年%m月%d日",
    "%m/%d/%Y",
    "%b %d, %Y",  # Amazon Ads CSV reports: "Jun 01, 2024"
]
_TIME_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d %H",  # hour buckets (Tianchi logs)
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
]


def _sql_list(items: Iterable[str]) -> str:
    return "[" + ", ".join("'" + i.replace("'", "''") + "'" for i in items) + "]"


_EMPTY = ", ".join("'" + m + "'" for m in EMPTY_MARKERS)

# Order matters: later macros call earlier ones.
MACROS: tuple[str, ...] = (
    # Trim ASCII, no-break and ideographic spaces; map the empty markers to NULL. Most cells have nothing to trim:
    # looking at the first and last character first skips the regex for them (a quarter of an import's parsing).
    r"""so_clean(x) AS (list_transform(
        [CASE WHEN unicode(x) > 32 AND unicode(right(x, 1)) > 32
                   AND unicode(x) NOT IN (160, 12288) AND unicode(right(x, 1)) NOT IN (160, 12288)
              THEN CAST(x AS VARCHAR)
              ELSE regexp_replace(CAST(x AS VARCHAR), '^[\s\x{00a0}\x{3000}]+|[\s\x{00a0}\x{3000}]+$', '', 'g') END],
        lambda s: CASE WHEN lower(s) IN ("""
    + _EMPTY
    + r""") THEN NULL ELSE s END)[1])""",
    # Drop currency marks, thousands separators and inner spaces; (123) is -123 as accountants write it.
    r"""so_numtext_c(c) AS (
        regexp_replace(
            regexp_replace(c, '[¥￥$€£,，\s\x{00a0}\x{3000}]|RMB|CNY|USD|BRL|R\$|GBP|EUR|元', '', 'g'),
            '^\((.*)\)$', '-\1'))""",
    r"""so_numtext(x) AS (so_numtext_c(so_clean(x)))""",
    # A macro's argument is copied wherever its body uses it, so each typed macro below binds its cleaned text once
    # with a one-element list_transform (DuckDB has no LET). Nesting so_numtext(x) in every branch instead grew a
    # traffic file's SELECT to tens of thousands of expression nodes: seconds to plan and ~250 MB of vectors.
    # The *_t / *_d helpers take that bound text (t) or decimal (d).
    r"""so_unit_t(t) AS (CASE WHEN t LIKE '%亿' THEN 100000000 WHEN t LIKE '%万' THEN 10000 ELSE 1 END)""",
    # Scaled by 万/亿 in DECIMAL so 0.07万 is 700 exactly (in DOUBLE it is 700.0000000000001). Bounds rather than
    # try(): a value too large for its type becomes NULL (reported with its row) instead of aborting the import.
    r"""so_decimal_t(t) AS (TRY_CAST(rtrim(t, '万亿') AS DECIMAL(28,10)) * so_unit_t(t))""",
    r"""so_finite(d) AS (CASE WHEN isfinite(d) THEN d END)""",
    r"""so_number_t(t) AS (
        CASE WHEN so_unit_t(t) = 1 THEN so_finite(TRY_CAST(t AS DOUBLE))
             ELSE coalesce(CAST(so_decimal_t(t) AS DOUBLE),
                           so_finite(TRY_CAST(rtrim(t, '万亿') AS DOUBLE)) * so_unit_t(t)) END)""",
    r"""so_int_d(d) AS (CASE WHEN d = trunc(d) AND abs(d) <= 9223372036854775807 THEN CAST(d AS BIGINT) END)""",
    # Money stays decimal all the way so totals agree to the cent.
    r"""so_money_d(d) AS (CASE WHEN abs(d) < 9999999999999999.995 THEN CAST(d AS DECIMAL(18,2)) END)""",
    r"""so_unit(x) AS (list_transform([so_numtext(x)], lambda t: so_unit_t(t))[1])""",
    r"""so_decimal(x) AS (list_transform([so_numtext(x)], lambda t: so_decimal_t(t))[1])""",
    # Fast paths first: a plain number (the common spelling) is cast straight from the cleaned text (c); only the
    # rest goes through so_numtext's regexes. A DECIMAL(28,10) → (18,2) cast is 128-bit division, three times
    # slower than reading text straight into DECIMAL(18,2), which rounds the same way.
    r"""so_number(x) AS (list_transform([so_clean(x)], lambda c:
        coalesce(so_finite(TRY_CAST(c AS DOUBLE)),
                 list_transform([so_numtext_c(c)], lambda t: so_number_t(t))[1]))[1])""",
    r"""so_int(x) AS (list_transform([so_clean(x)], lambda c:
        CASE WHEN regexp_full_match(c, '[+-]?\d{1,18}') THEN CAST(c AS BIGINT)
             ELSE list_transform([so_numtext_c(c)], lambda t: so_int_d(so_decimal_t(t)))[1] END)[1])""",
    r"""so_money(x) AS (list_transform([so_clean(x)], lambda c:
        coalesce(TRY_CAST(c AS DECIMAL(18,2)), list_transform([so_numtext_c(c)], lambda t:
            CASE WHEN so_unit_t(t) = 1 THEN TRY_CAST(t AS DECIMAL(18,2))
                 ELSE so_money_d(so_decimal_t(t)) END)[1]))[1])""",
    r"""so_rate(x) AS (list_transform([so_numtext(x)], lambda t:
        CASE WHEN t LIKE '%\%' ESCAPE '\' THEN so_finite(TRY_CAST(rtrim(t, '%') AS DOUBLE)) / 100
             ELSE so_number_t(t) END)[1])""",
    r"""so_bool(x) AS (list_transform([lower(so_clean(x))], lambda b:
        CASE WHEN b IN ('1', '1.0', 'true', 't', 'yes', 'y', '是', '有', '√') THEN TRUE
             WHEN b IN ('0', '0.0', 'false', 'f', 'no', 'n', '否', '无', '×') THEN FALSE END)[1])""",
    # Times: Excel serials (5 digits, optional fraction), Unix seconds/milliseconds (in the declared zone),
    # or text. A trailing UTC offset is dropped: exports write the shop's own wall clock, which is what we keep.
    r"""so_timestamp_t(t, epoch, tz) AS (
        CASE WHEN regexp_full_match(t, '\d{5}(\.\d+)?')
                  THEN CAST(epoch AS TIMESTAMP)
                       + to_microseconds(CAST(round(CAST(t AS DOUBLE) * 86400000000) AS BIGINT))
             WHEN regexp_full_match(t, '\d{9,10}')
                  THEN timezone(tz, to_timestamp(CAST(t AS BIGINT)))
             WHEN regexp_full_match(t, '\d{13}')
                  THEN timezone(tz, to_timestamp(CAST(t AS BIGINT) / 1000))
             ELSE coalesce(
                  try_strptime(regexp_replace(t, '\s*(Z|UTC|[+-]\d{2}:?\d{2})$', ''), """
    + _sql_list(_TIME_FORMATS)
    + r"""),
                  try_strptime(t, """
    + _sql_list(_DATE_FORMATS)
    + r"""))
        END)""",
    r"""so_timestamp(x, epoch, tz) AS (list_transform([so_clean(x)], lambda t: so_timestamp_t(t, epoch, tz))[1])""",
    r"""so_date(x, epoch, tz) AS (list_transform([so_clean(x)], lambda t:
        CASE WHEN regexp_full_match(t, '\d{8}') THEN CAST(try_strptime(t, '%Y%m%d') AS DATE)
             ELSE CAST(so_timestamp_t(t, epoch, tz) AS DATE) END)[1])""",
)


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    for macro in MACROS:
        con.execute("CREATE OR REPLACE TEMP MACRO " + macro)


def parse_expr(type_: ColumnType, column_sql: str, *, date1904: bool = False, tz: str = "UTC") -> str:
    """The SQL expression that parses ``column_sql`` (a VARCHAR expression) into ``type_``."""
    epoch = f"DATE '{EXCEL_EPOCH[date1904]}'"
    tz_sql = "'" + tz.replace("'", "''") + "'"
    match type_:
        case "text":
            return f"so_clean({column_sql})"
        case "int":
            return f"so_int({column_sql})"
        case "money":
            return f"so_money({column_sql})"
        case "number":
            return f"so_number({column_sql})"
        case "rate":
            return f"so_rate({column_sql})"
        case "date":
            return f"so_date({column_sql}, {epoch}, {tz_sql})"
        case "timestamp":
            return f"so_timestamp({column_sql}, {epoch}, {tz_sql})"
        case "bool":
            return f"so_bool({column_sql})"
    raise AssertionError(f"unhandled column type {type_!r}")


_local = threading.local()


def parse_values(
    type_: ColumnType, values: Sequence[str | None], *, date1904: bool = False, tz: str = "UTC"
) -> list[Any]:
    """Parse a list of raw strings with the same macros the importer uses (for tests and one-off checks)."""
    if not values:
        return []
    con = getattr(_local, "con", None)
    if con is None:  # one in-memory connection per thread, macros installed once (property tests call this a lot)
        con = _local.con = duckdb.connect()
        install_macros(con)
    expr = parse_expr(type_, "x", date1904=date1904, tz=tz)
    # One list parameter, unnested beside its positions: far faster than a row-by-row executemany.
    sql = f"SELECT {expr} FROM (SELECT unnest($v) AS x, unnest(range(len($v))) AS i) ORDER BY i"
    return [r[0] for r in con.execute(sql, {"v": [None if v is None else str(v) for v in values]}).fetchall()]
