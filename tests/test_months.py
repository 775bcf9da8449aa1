"""Month arithmetic: ``YYYY-MM`` ↔ month index, windows, the stored YYYYMM form and display labels."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.months import (
    add_months,
    format_date,
    from_yyyymm,
    last_months,
    month_index,
    month_indices,
    month_label,
    month_of,
    months_between,
    short_label,
    span_label,
    window_periods,
    yyyymm,
)

# --------------------------------------------------------------------------- index and back


@pytest.mark.parametrize(
    ("period", "index"),
    [
        ("0000-01", 0),
        ("0001-01", 12),
        ("2026-01", 2026 * 12),
        ("2026-12", 2026 * 12 + 11),
        ("1999-07", 1999 * 12 + 6),
    ],
)
def test_month_index_and_label(period: str, index: int) -> None:
    """A month's index is year × 12 + month − 1, and the label of that index is the month again."""
    assert month_index(period) == index
    assert month_label(index) == period


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-1", "26-01", "2026/01", "2026-01-15", "", "Oct 2026"])
def test_month_index_refuses_what_is_not_yyyy_mm(text: str) -> None:
    """Anything but YYYY-MM is refused with a sentence naming the expected form."""
    with pytest.raises(ValueError, match="YYYY-MM"):
        month_index(text)


@given(st.integers(min_value=0, max_value=9999 * 12 + 11))
def test_label_then_index_round_trips(index: int) -> None:
    """Every month index of a four-digit year survives label → index unchanged."""
    assert month_index(month_label(index)) == index


@given(st.integers(min_value=1, max_value=9999), st.integers(min_value=1, max_value=12), st.integers(-240, 240))
def test_add_months_agrees_with_months_between(year: int, month: int, step: int) -> None:
    """Adding n months and counting the months between give back n, and the stored form round-trips."""
    start = f"{year:04d}-{month:02d}"
    assert month_label(month_index(start)) == start
    assert from_yyyymm(yyyymm(start)) == start
    if 0 <= month_index(start) + step <= 9999 * 12 + 11:
        assert months_between(start, add_months(start, step)) == step


# --------------------------------------------------------------------------- arithmetic


@pytest.mark.parametrize(
    ("period", "step", "expected"),
    [
        ("2026-11", 3, "2027-02"),
        ("2026-01", -1, "2025-12"),
        ("2026-05", 0, "2026-05"),
        ("2026-12", 12, "2027-12"),
        ("2026-03", -15, "2024-12"),
    ],
)
def test_add_months(period: str, step: int, expected: str) -> None:
    """Adding months crosses year ends in both directions."""
    assert add_months(period, step) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [("2026-11", "2027-02", 3), ("2027-02", "2026-11", -3), ("2026-05", "2026-05", 0), ("2020-01", "2026-01", 72)],
)
def test_months_between(start: str, end: str, expected: int) -> None:
    """The months between two months, negative when the end comes first."""
    assert months_between(start, end) == expected


@pytest.mark.parametrize(
    ("end", "count", "expected"),
    [
        ("2026-02", 3, ["2025-12", "2026-01", "2026-02"]),
        ("2026-02", 1, ["2026-02"]),
        ("2026-02", 0, []),
    ],
)
def test_last_months(end: str, count: int, expected: list[str]) -> None:
    """The N calendar months ending at a month, oldest first."""
    assert last_months(end, count) == expected


def test_last_months_refuses_a_negative_count() -> None:
    """A negative number of months is refused."""
    with pytest.raises(ValueError, match="-1"):
        last_months("2026-02", -1)


def test_month_indices_of_a_column() -> None:
    """A column of months gives each row's index, repeats included, in row order."""
    column = pd.Series(["2026-02", "2025-12", "2026-02", "2026-01"])
    assert month_indices(column).tolist() == [month_index(p) for p in column]
    assert month_indices([]).size == 0


_MONTH_CELLS = st.one_of(
    st.builds(month_label, st.integers(min_value=0, max_value=12 * 3000)),
    st.sampled_from(["2026-1", " 2026-01", "2026/01", "", "nan", "<NA>"]),
    st.none(),
    st.just(float("nan")),
    st.just(pd.NA),
    st.integers(min_value=0, max_value=300000),
)


@given(st.lists(_MONTH_CELLS, max_size=30), st.sampled_from([object, "str"]))
def test_month_indices_as_each_value_read_alone(values: list[object], dtype: object) -> None:
    """Every row's index is its value's own (read as text), however the column is typed; one unreadable
    value refuses the column, as reading it alone does (the distinct values are read once, #17)."""
    try:
        column = pd.Series(values, dtype=dtype)
    except (TypeError, ValueError):
        return  # the text dtype does not hold some of these values
    try:
        expected = [month_index(str(v)) for v in column.astype(str)]
    except ValueError:
        with pytest.raises(ValueError):
            month_indices(column)
        return
    assert month_indices(column).tolist() == expected


def test_month_indices_refuses_a_bad_value() -> None:
    """One malformed month in a column is refused, not silently dropped."""
    with pytest.raises(ValueError, match="2026/01"):
        month_indices(pd.Series(["2026-01", "2026/01"]))


@pytest.mark.parametrize(("day", "expected"), [(date(2026, 1, 31), "2026-01"), (date(999, 12, 1), "0999-12")])
def test_month_of(day: date, expected: str) -> None:
    """A day's month, zero-padded."""
    assert month_of(day) == expected


@pytest.mark.parametrize(("period", "stored"), [("2026-11", 202611), ("2027-01", 202701), ("0999-09", 99909)])
def test_stored_yyyymm(period: str, stored: int) -> None:
    """A start edit stores 2026-11 as 202611 and reads it back as 2026-11."""
    assert yyyymm(period) == stored
    assert from_yyyymm(stored) == period


# --------------------------------------------------------------------------- windows

WINDOWS = [
    # (periods, window, end, expected)
    (["2026-01", "2026-03"], 3, None, ["2026-01", "2026-02", "2026-03"]),
    (["2026-01", "2026-03"], 2, None, ["2026-02", "2026-03"]),
    (["2025-11", "2026-01"], 3, None, ["2025-11", "2025-12", "2026-01"]),
    (["2026-03", "2026-01", "2026-01"], None, None, ["2026-01", "2026-03"]),
    (["2026-01", "2026-02", "2026-05", "2026-06"], 2, "2026-05", ["2026-04", "2026-05"]),
    (["2026-01", "2026-02", "2026-05", "2026-06"], None, "2026-05", ["2026-01", "2026-02", "2026-05"]),
    (["2026-01"], 2, "2026-03", ["2026-02", "2026-03"]),
    ([], 3, None, []),
]


@pytest.mark.parametrize(("periods", "window", "end", "expected"), WINDOWS)
def test_window_periods(periods: list[str], window: int | None, end: str | None, expected: list[str]) -> None:
    """The last N calendar months up to the end (gaps count), or every month present."""
    assert window_periods(periods, window, end) == expected


@pytest.mark.parametrize(
    ("periods", "window", "end", "message"),
    [
        (["2026-01"], 0, None, "at least 1 month"),
        (["2026-01"], 3, "2026-13", "YYYY-MM"),
        (["2026-01"], 3, "26-01", "YYYY-MM"),
        (["2026/01"], 3, None, "YYYY-MM"),
    ],
)
def test_window_periods_errors(periods: list[str], window: int, end: str | None, message: str) -> None:
    """A window below one month or a malformed month is refused with a sentence."""
    with pytest.raises(ValueError, match=message):
        window_periods(periods, window, end)


# --------------------------------------------------------------------------- display


@pytest.mark.parametrize(
    ("periods", "expected"),
    [
        (["2026-08", "2026-09", "2026-10"], "Aug–Oct 2026"),
        (["2026-01", "2025-11", "2025-12"], "Nov 2025–Jan 2026"),
        (["2026-10"], "Oct 2026"),
        (["2026-10", "2026-10"], "Oct 2026"),
        ([], ""),
    ],
)
def test_span_label(periods: list[str], expected: str) -> None:
    """A window is named by its first and last month, with the year once unless it spans two."""
    assert span_label(periods) == expected


@pytest.mark.parametrize(("period", "expected"), [("2026-08", "Aug 26"), ("2030-12", "Dec 30"), ("Q3", "Q3")])
def test_short_label(period: str, expected: str) -> None:
    """A chart axis names a month as 'Aug 26'; anything else is shown as given."""
    assert short_label(period) == expected


@pytest.mark.parametrize(("day", "expected"), [(date(2027, 2, 21), "21 Feb 2027"), (date(2026, 12, 1), "1 Dec 2026")])
def test_format_date(day: date, expected: str) -> None:
    """A date reads the same in English whatever the server's locale."""
    assert format_date(day) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 3)), max_size=12))
def test_rows_already_by_person_then_month_are_those_a_stable_sort_leaves_alone(rows: list[tuple[int, int]]) -> None:
    """by_person_then_month says yes exactly when lexsort by person, then month, is the identity (ties included)."""
    from core.months import by_person_then_month

    person = np.array([p for p, _m in rows], dtype=np.int64)
    month = np.array([m for _p, m in rows], dtype=np.int64)
    identity = np.array_equal(np.lexsort((month, person)), np.arange(len(rows)))
    assert by_person_then_month(person, month) == identity
