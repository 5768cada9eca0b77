"""Value parsing as properties: every way an export writes a value parses to the same thing.

Each property draws a batch of values, spells each one several ways a platform might, and runs the whole batch
through ``parse_values`` (the same DuckDB macros the importer runs). Expected values come from plain Python:
``Decimal`` for money, ``datetime``/``zoneinfo`` for dates and times.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopops.ingest.normalise import parse_values

PROPS = settings(max_examples=150, deadline=None)
BATCH = st.integers(min_value=1, max_value=40)

CURRENCY = ("", "¥", "￥", "$", "€")
PADDING = ("", " ", "  ", "\u00a0", "\u3000", "\t")


def _grouped(digits: str) -> str:
    return f"{int(digits):,}"


def _trimmed(value: Decimal) -> str:
    """1.2300 → 1.23, 5.0 → 5 (the way a sheet shows a number in 万)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@st.composite
def money_text(draw: st.DrawFn, cents: int) -> str:
    """``cents`` written as an export might: currency mark, 1,234 groups, accounting (), 万, padding."""
    negative, magnitude = cents < 0, abs(cents)
    whole, frac = divmod(magnitude, 100)
    style = draw(st.sampled_from(("plain", "grouped", "wan")))
    if style == "wan":
        # 万 = 10,000: the amount in 万 with every digit kept (up to 6 decimals).
        text = _trimmed(Decimal(magnitude) / 1_000_000) + "万"
    else:
        body = _grouped(str(whole)) if style == "grouped" else str(whole)
        if frac or draw(st.booleans()):
            shown = f"{frac:02d}"
            if shown.endswith("0") and draw(st.booleans()):
                shown = shown[0]  # 12.5 rather than 12.50
            text = f"{body}.{shown}"
        else:
            text = body
    mark = draw(st.sampled_from(CURRENCY))
    if negative:
        text = draw(st.sampled_from((f"-{mark}{text}", f"({mark}{text})", f"{mark}-{text}")))
    else:
        text = mark + text
    return draw(st.sampled_from(PADDING)) + text + draw(st.sampled_from(PADDING))


@st.composite
def money_batch(draw: st.DrawFn) -> list[tuple[int, str]]:
    n = draw(BATCH)
    cents = draw(st.lists(st.integers(min_value=-(10**15), max_value=10**15), min_size=n, max_size=n))
    return [(c, draw(money_text(c))) for c in cents]


@PROPS
@given(money_batch())
def test_money_is_exact_to_the_cent_however_written(batch):
    got = parse_values("money", [text for _, text in batch])
    assert got == [Decimal(c).scaleb(-2) for c, _ in batch]
    assert sum(got) == Decimal(sum(c for c, _ in batch)).scaleb(-2)
    assert all(isinstance(v, Decimal) for v in got)


@st.composite
def int_batch(draw: st.DrawFn) -> list[tuple[int, str]]:
    n = draw(BATCH)
    values = draw(st.lists(st.integers(min_value=-(10**12), max_value=10**12), min_size=n, max_size=n))
    out = []
    for v in values:
        style = draw(st.sampled_from(("plain", "grouped", "wan", "dot0")))
        magnitude = abs(v)
        if style == "wan":
            text = _trimmed(Decimal(magnitude) / 10_000) + "万"
        elif style == "grouped":
            text = f"{magnitude:,}"
        elif style == "dot0":
            text = f"{magnitude}.0"
        else:
            text = str(magnitude)
        if v < 0:
            text = draw(st.sampled_from((f"-{text}", f"({text})")))
        out.append((v, draw(st.sampled_from(PADDING)) + text + draw(st.sampled_from(PADDING))))
    return out


@PROPS
@given(int_batch())
def test_whole_numbers_however_written(batch):
    assert parse_values("int", [t for _, t in batch]) == [v for v, _ in batch]
    assert parse_values("number", [t for _, t in batch]) == [float(v) for v, _ in batch]


@PROPS
@given(money_batch())
def test_decimal_numbers_however_written(batch):
    # The same spellings read as a plain number (DOUBLE): exact for ordinary text, within an ulp through 万.
    got = parse_values("number", [text for _, text in batch])
    for value, (cents, text) in zip(got, batch, strict=True):
        want = float(Decimal(cents).scaleb(-2))
        if "万" in text:
            assert value == pytest.approx(want, rel=1e-15, abs=1e-9)
        else:
            assert value == want, text


@PROPS
@given(st.lists(st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False), min_size=1, max_size=40))
def test_percentages_are_fractions(values):
    texts = [f"{v:f}%" for v in values]
    assert parse_values("rate", texts) == [float(f"{v:f}") / 100 for v in values]
    # A bare fraction is taken as it is: 0.125 means 12.5 %.
    assert parse_values("rate", [f"{v:f}" for v in values]) == [float(f"{v:f}") for v in values]


def test_rate_examples():
    assert parse_values("rate", ["12.5%", " 12.5 % ", "0.125", "(5%)", "1,234.5%"]) == [
        0.125,
        0.125,
        0.125,
        -0.05,
        12.345,
    ]


EMPTY = ("", "-", "--", "N/A", "n/a", "—", "null", "NaN", "#N/A")


@PROPS
@given(
    st.lists(st.tuples(st.sampled_from(EMPTY), st.sampled_from(PADDING), st.sampled_from(PADDING)), max_size=30),
    st.sampled_from(("text", "int", "money", "number", "rate", "date", "timestamp", "bool")),
)
def test_empty_markers_are_none_for_every_type(markers, type_):
    values = [left + m + right for m, left, right in markers] + [None]
    assert parse_values(type_, values) == [None] * len(values)


def test_bad_values_are_none_not_errors():
    # A value that is present but does not parse becomes NULL (staging reports it with row and column).
    assert parse_values("money", ["abc", "1" * 40, "9" * 17, "1.2.3", "¥12,3a"]) == [None] * 5
    assert parse_values("int", ["12.5", "abc", "1" * 30]) == [None] * 3
    assert parse_values("date", ["2024-02-30", "18/06/2024x", "hello"]) == [None] * 3


# ------------------------------------------------------------------------------------------------ dates

DATES = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31))
EXCEL_EPOCH = {False: dt.date(1899, 12, 30), True: dt.date(1904, 1, 1)}
ZONES = ("UTC", "Asia/Shanghai", "America/New_York", "Europe/Berlin", "America/Sao_Paulo", "Asia/Kolkata")


def date_spellings(d: dt.date, date1904: bool) -> list[str]:
    serial = (d - EXCEL_EPOCH[date1904]).days
    return [
        d.isoformat(),
        f"{d.year}/{d.month}/{d.day}",
        f"{d.year}/{d.month:02d}/{d.day:02d}",
        d.strftime("%Y%m%d"),
        f"{d.year}年{d.month}月{d.day}日",
        f"{d.year}年{d.month:02d}月{d.day:02d}日",
        str(serial),
        f"{serial}.5",  # an Excel date-time at noon is still that day
        f" {d.isoformat()} ",
        f"{d.isoformat()} 23:59:59",
    ]


@PROPS
@given(st.lists(DATES, min_size=1, max_size=20), st.booleans())
def test_dates_however_written(dates, date1904):
    values, expected = [], []
    for d in dates:
        spellings = date_spellings(d, date1904)
        values += spellings
        expected += [d] * len(spellings)
    assert parse_values("date", values, date1904=date1904) == expected


@PROPS
@given(
    st.lists(
        st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2099, 12, 31)).map(
            lambda t: t.replace(microsecond=0)
        ),
        min_size=1,
        max_size=30,
    ),
    st.sampled_from(ZONES),
)
def test_unix_seconds_are_read_in_the_declared_zone(instants, tz):
    seconds = [int(t.replace(tzinfo=dt.UTC).timestamp()) for t in instants]
    seconds = [s for s in seconds if 10**8 <= s < 10**10]  # 9-10 digits is what the parser calls Unix seconds
    local = [dt.datetime.fromtimestamp(s, ZoneInfo(tz)) for s in seconds]
    assert parse_values("date", [str(s) for s in seconds], tz=tz) == [t.date() for t in local]
    assert parse_values("timestamp", [str(s) for s in seconds], tz=tz) == [t.replace(tzinfo=None) for t in local]
    millis = [str(s * 1000 + 123) for s in seconds if 10**12 <= s * 1000 < 10**13]
    assert parse_values("timestamp", millis, tz=tz) == [
        dt.datetime.fromtimestamp(int(m) / 1000, ZoneInfo(tz)).replace(tzinfo=None) for m in millis
    ]


OFFSETS = ("", "Z", "+08:00", "+0800", "-05:00", "+05:30", " UTC", "-0300")


@PROPS
@given(
    st.lists(
        st.tuples(
            st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2099, 12, 31)),
            st.sampled_from(OFFSETS),
            st.sampled_from(("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f")),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_timestamps_keep_the_wall_clock_whatever_the_offset(items):
    values = [t.strftime(fmt) + off for t, off, fmt in items]
    expected = [t if fmt.endswith("%f") else t.replace(microsecond=0) for t, _, fmt in items]
    assert parse_values("timestamp", values) == expected
    assert parse_values("date", values) == [t.date() for t, _, _ in items]


def test_excel_serial_times_and_1904_system():
    # 45461 is 2024-06-18 in the 1900 system; the 1904 system counts 1,462 days fewer.
    assert parse_values("timestamp", ["45461.4375"]) == [dt.datetime(2024, 6, 18, 10, 30)]
    assert parse_values("date", ["45461", "43999"], date1904=False) == [dt.date(2024, 6, 18), dt.date(2020, 6, 17)]
    assert parse_values("date", ["43999"], date1904=True) == [dt.date(2024, 6, 18)]


def test_booleans():
    yes = ["1", "true", "TRUE", "Yes", "y", "是", "有", "√", " 1 "]
    no = ["0", "false", "No", "n", "否", "无", "×"]
    assert parse_values("bool", yes + no + ["maybe"]) == [True] * len(yes) + [False] * len(no) + [None]
