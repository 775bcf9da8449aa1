"""Cell parsers: numbers, months and yes/no the way DACH, Benelux and CRM sheets write them."""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.ingest.values import (
    NUMBER_REASON,
    PERIOD_REASON,
    YES_NO_REASON,
    detect_decimal,
    parse_numbers,
    parse_periods,
    parse_yes_no,
    strip_control_characters,
)

BLANK = object()  # expected value for blank cells: missing and not invalid
BAD = object()  # expected value for invalid cells: missing and flagged


def cells(*values: Any) -> pd.Series:
    """An object Series like the readers produce."""
    return pd.Series(list(values), dtype=object)


def one(parse: Callable[[pd.Series], Any], value: Any) -> tuple[Any, bool]:
    """Parse a single cell; return (value or None when missing, invalid)."""
    parsed = parse(cells(value))
    result = parsed.values.iloc[0]
    return (None if pd.isna(result) else result), bool(parsed.invalid.iloc[0])


def check(parse: Callable[[pd.Series], Any], raw: Any, expected: Any) -> None:
    value, invalid = one(parse, raw)
    if expected is BLANK:
        assert (value, invalid) == (None, False)
    elif expected is BAD:
        assert (value, invalid) == (None, True)
    elif isinstance(expected, float):
        assert not invalid
        assert value == pytest.approx(expected, rel=1e-12)
    else:
        assert (value, invalid) == (expected, False)


# ------------------------------------------------------------------------------ numbers

POINT_NUMBERS = [
    (1234, 1234.0),
    (12.5, 12.5),
    (np.int64(7), 7.0),
    ("1234", 1234.0),
    ("1234.5", 1234.5),
    ("1,234,567.89", 1234567.89),
    ("1'234.50", 1234.5),
    ("1\u2019234.50", 1234.5),
    ("1 234 567.5", 1234567.5),
    ("1\u00a0234.5", 1234.5),
    ("1\u202f234", 1234.0),
    ("$1,234.56", 1234.56),
    ("-$1,234.56", -1234.56),
    ("$ -5", -5.0),
    ("£12", 12.0),
    ("€ 12", 12.0),
    ("12€", 12.0),
    ("12 EUR", 12.0),
    ("USD 1,000", 1000.0),
    ("CHF 1'234.50", 1234.5),
    ("1'234.50 chf", 1234.5),
    ("23.5%", 0.235),
    ("100 %", 1.0),
    ("+7", 7.0),
    ("−5", -5.0),
    ("(1,234.00)", -1234.0),
    ("($1,234.00)", -1234.0),
    ("1.5E+06", 1_500_000.0),
    (".5", 0.5),
    ("12.", 12.0),
    ("0", 0.0),
    ("", BLANK),
    ("   ", BLANK),
    (None, BLANK),
    (float("nan"), BLANK),
    (pd.NA, BLANK),
    ("abc", BAD),
    ("12abc", BAD),
    ("1.2.3", BAD),
    ("1,23,4", BAD),
    ("n/a", BAD),
    ("—", BAD),
    ("-", BAD),
    ("#DIV/0!", BAD),
    ("#N/A", BAD),
    ("#VALUE!", BAD),
    ("=1+2", BAD),
    ("@SUM(A1)", BAD),
    ("inf", BAD),
    ("nan", BAD),
    (float("inf"), BAD),
    (True, BAD),
    (False, BAD),
    (dt.date(2026, 1, 1), BAD),
    ("(5", BAD),
    ("(-5)", BAD),
    ("--5", BAD),
    ("$5€", BAD),
    ("5%€", BAD),
    ("1,234.5e3", BAD),
]

COMMA_NUMBERS = [
    ("1.234.567,89", 1234567.89),
    ("1234,5", 1234.5),
    ("1.234", 1234.0),
    ("12,5", 12.5),
    ("-1.234,5", -1234.5),
    ("1.234,56 €", 1234.56),
    ("€1.234,56", 1234.56),
    ("EUR 1.234,56", 1234.56),
    ("1 234,5 €", 1234.5),
    ("1'234,50", 1234.5),
    ("23,5 %", 0.235),
    ("(1.234,00)", -1234.0),
    ("1,5E+06", 1_500_000.0),
    (1234.5, 1234.5),
    ("1234.5", BAD),
    ("1,234.56", BAD),
    ("1.2.3", BAD),
]


@pytest.mark.parametrize(("raw", "expected"), POINT_NUMBERS)
def test_parse_numbers_decimal_point(raw: Any, expected: Any) -> None:
    """With a decimal point, grouped, dressed and native numbers parse; junk is flagged, blanks are not."""
    check(parse_numbers, raw, expected)


@pytest.mark.parametrize(("raw", "expected"), COMMA_NUMBERS)
def test_parse_numbers_decimal_comma(raw: Any, expected: Any) -> None:
    """With a decimal comma, German-style numbers parse and dot-decimal strings are flagged."""
    check(lambda values: parse_numbers(values, decimal=","), raw, expected)


def test_parse_numbers_keeps_index_and_reason() -> None:
    """The result is aligned with the input's index, float64, and carries the number reason."""
    values = pd.Series(["1", "x", ""], index=[10, 20, 30], dtype=object)
    parsed = parse_numbers(values)
    assert parsed.values.index.tolist() == [10, 20, 30]
    assert parsed.invalid.index.tolist() == [10, 20, 30]
    assert parsed.values.dtype == "float64"
    assert parsed.invalid.dtype == bool
    assert parsed.invalid.tolist() == [False, True, False]
    assert parsed.reason == NUMBER_REASON


def test_parse_numbers_accepts_typed_series() -> None:
    """Already-typed columns (str or float dtype) parse as well as object ones."""
    assert parse_numbers(pd.Series(["1,5", None], dtype="str"), decimal=",").values.iloc[0] == 1.5
    assert parse_numbers(pd.Series([1.5, np.nan])).values.tolist()[0] == 1.5


def test_parse_numbers_rejects_unknown_decimal_mark() -> None:
    """Only "." and "," are decimal marks."""
    with pytest.raises(ValueError, match="decimal mark"):
        parse_numbers(cells("1"), decimal=";")


DECIMALS = [
    (["1.234,56"], ","),
    (["12,5"], ","),
    (["1.234.567"], ","),
    (["1,234.56"], "."),
    (["12.5"], "."),
    (["1,234,567"], "."),
    (["1,234"], "."),
    (["1.234"], ","),
    (["1.234", "12.5"], "."),
    (["1,234", "12,5"], ","),
    (["1.234,56 €", "€ 99,90", "23,5 %"], ","),
    (["$1,234.56", "CHF 1'234.50"], "."),
    (["12,5", "12,5", "3.5"], ","),
    (["abc", "15.01.2026", "2026-01-15"], "."),
    ([1.5, 2.25, True], "."),
    ([], "."),
]


@pytest.mark.parametrize(("column", "expected"), DECIMALS)
def test_detect_decimal(column: list[Any], expected: str) -> None:
    """Cells vote for the decimal mark; ambiguous "1.234" only counts when nothing decides."""
    assert detect_decimal([pd.Series(column, dtype=object)]) == expected


def test_detect_decimal_votes_across_columns() -> None:
    """Votes are summed over all columns given."""
    columns = [cells("1.234", "x"), cells("12,5", "7,25"), cells(3.5)]
    assert detect_decimal(columns) == ","
    assert detect_decimal(iter([cells("1,5"), cells("2.5", "3.5")])) == "."


# ------------------------------------------------------------------------------ periods

PERIODS = [
    ("2026-01", "2026-01"),
    ("2026-1", "2026-01"),
    ("2026/01", "2026-01"),
    ("2026.11", "2026-11"),
    ("202601", "2026-01"),
    ("20260115", "2026-01"),
    ("01/2026", "2026-01"),
    ("1/2026", "2026-01"),
    ("01.2026", "2026-01"),
    ("2026-01-15", "2026-01"),
    ("2026-01-15 00:00:00", "2026-01"),
    ("2026-01-15T00:00:00", "2026-01"),
    ("2026-01-15T08:30:00Z", "2026-01"),
    ("15.01.2026", "2026-01"),
    ("15/01/2026", "2026-01"),
    ("03/04/2026", "2026-04"),
    ("15.01.26", "2026-01"),
    ("15.01.2026 00:00", "2026-01"),
    ("Jan 2026", "2026-01"),
    ("January 2026", "2026-01"),
    ("JANUARY 2026", "2026-01"),
    ("jan-26", "2026-01"),
    ("Sep 2026", "2026-09"),
    ("Sept. 2026", "2026-09"),
    ("2026 Jan", "2026-01"),
    ("2026-Feb", "2026-02"),
    ("Januar 2026", "2026-01"),
    ("Jan. 2026", "2026-01"),
    ("Jän 2026", "2026-01"),
    ("Jänner 2026", "2026-01"),
    ("Februar 2026", "2026-02"),
    ("März 2026", "2026-03"),
    ("Mär 2026", "2026-03"),
    ("Mai 2026", "2026-05"),
    ("Juni 2026", "2026-06"),
    ("Juli 2026", "2026-07"),
    ("Okt 2026", "2026-10"),
    ("Dez 2026", "2026-12"),
    ("Dezember 2026", "2026-12"),
    ("januari 2026", "2026-01"),
    ("mrt 2026", "2026-03"),
    ("mei 2026", "2026-05"),
    ("okt 2026", "2026-10"),
    ("février 2026", "2026-02"),
    ("août 2026", "2026-08"),
    ("15. Januar 2026", "2026-01"),
    ("15-Jan-2026", "2026-01"),
    ("January 15, 2026", "2026-01"),
    (dt.date(2026, 1, 5), "2026-01"),
    (dt.datetime(2026, 2, 1, 13, 0), "2026-02"),
    (pd.Timestamp("2026-03-04"), "2026-03"),
    (np.datetime64("2026-05-01"), "2026-05"),
    (46023, "2026-01"),
    (46023.75, "2026-01"),
    ("46023", "2026-01"),
    ("46023.5", "2026-01"),
    (202603, "2026-03"),
    ("", BLANK),
    ("  ", BLANK),
    (None, BLANK),
    (float("nan"), BLANK),
    (pd.NaT, BLANK),
    ("2026-13", BAD),
    ("2026-00", BAD),
    ("31.02.2026", BAD),
    ("29.02.2026", BAD),
    ("01/15/2026", BAD),
    ("Q1 2026", BAD),
    ("next month", BAD),
    ("Februar", BAD),
    ("Mai", BAD),
    ("Dezember", BAD),
    ("Foo 2026", BAD),
    ("2026", BAD),
    ("1850-01", BAD),
    (5, BAD),
    (19999, BAD),
    (80001, BAD),
    (True, BAD),
    ("#N/A", BAD),
]


@pytest.mark.parametrize(("raw", "expected"), PERIODS)
def test_parse_periods(raw: Any, expected: Any) -> None:
    """Months in ISO, European day-first, named (EN/DE/NL/FR), native and Excel-serial form become YYYY-MM."""
    check(parse_periods, raw, expected)


def test_parse_periods_leap_day() -> None:
    """29 February exists only in leap years."""
    parsed = parse_periods(cells("29.02.2024", "29.02.2026", "29.02.2000", "29.02.2100"))
    assert parsed.invalid.tolist() == [False, True, False, True]


def test_parse_periods_shape() -> None:
    """Values are object dtype with NA for missing, aligned with the input, with the month reason."""
    values = pd.Series(["2026-01", "", "nope", "Jan 2026"], index=list("abcd"), dtype=object)
    parsed = parse_periods(values)
    assert parsed.values.dtype == object
    assert parsed.values.index.tolist() == list("abcd")
    assert parsed.values.isna().tolist() == [False, True, True, False]
    assert parsed.values.dropna().tolist() == ["2026-01", "2026-01"]
    assert parsed.invalid.tolist() == [False, False, True, False]
    assert parsed.reason == PERIOD_REASON


# ------------------------------------------------------------------------------ yes / no

YES_NO = [
    ("yes", "yes"),
    ("Yes", "yes"),
    ("JA", "yes"),
    ("ja", "yes"),
    ("j", "yes"),
    ("y", "yes"),
    ("true", "yes"),
    ("TRUE", "yes"),
    ("WAHR", "yes"),
    ("waar", "yes"),
    ("1", "yes"),
    ("x", "yes"),
    ("oui", "yes"),
    (" yes ", "yes"),
    (True, "yes"),
    (np.True_, "yes"),
    (1, "yes"),
    (1.0, "yes"),
    ("no", "no"),
    ("No", "no"),
    ("nein", "no"),
    ("NEE", "no"),
    ("n", "no"),
    ("false", "no"),
    ("FALSCH", "no"),
    ("onwaar", "no"),
    ("0", "no"),
    (False, "no"),
    (0, "no"),
    (0.0, "no"),
    ("", BLANK),
    (None, BLANK),
    (float("nan"), BLANK),
    ("maybe", BAD),
    ("vielleicht", BAD),
    (2, BAD),
    ("2", BAD),
    (0.5, BAD),
    ("-", BAD),
    (dt.date(2026, 1, 1), BAD),
]


@pytest.mark.parametrize(("raw", "expected"), YES_NO)
def test_parse_yes_no(raw: Any, expected: Any) -> None:
    """English, German, Dutch and boolean answers become yes/no; blank stays unanswered; others are flagged."""
    check(parse_yes_no, raw, expected)


def test_parse_yes_no_shape() -> None:
    """True and 1 (which hash alike) both read as yes, aligned with the index, with the yes/no reason."""
    parsed = parse_yes_no(pd.Series([True, 1, "no", None, "?"], index=[5, 4, 3, 2, 1], dtype=object))
    assert parsed.values.index.tolist() == [5, 4, 3, 2, 1]
    assert parsed.values.tolist()[:3] == ["yes", "yes", "no"]
    assert parsed.values.isna().tolist() == [False, False, False, True, True]
    assert parsed.invalid.tolist() == [False, False, False, False, True]
    assert parsed.reason == YES_NO_REASON


# ------------------------------------------------------------------------------ properties


def _group(digits: str, separator: str) -> str:
    """Group an unsigned integer string in threes from the right."""
    head = len(digits) % 3 or 3
    return separator.join([digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)])


def _body(mantissa: int, places: int, thousands: str, decimal: str) -> str:
    """Format |mantissa| / 10**places with the given separators."""
    text = str(abs(mantissa)).rjust(places + 1, "0")
    whole, fraction = text[: len(text) - places], text[len(text) - places :]
    return _group(whole, thousands) + (decimal + fraction if places else "")


def _dressings(mantissa: int, places: int) -> list[tuple[Any, str, float]]:
    """Every supported way to write one number: (cell, decimal mark, expected value)."""
    value = mantissa / 10**places
    minus = "-" if mantissa < 0 else ""
    de = _body(mantissa, places, ".", ",")
    en = _body(mantissa, places, ",", ".")
    accounting = f"({de})" if mantissa < 0 else de
    return [
        (value, ".", value),
        (f"{minus}{_body(mantissa, places, '', '.')}", ".", value),
        (f"{minus}{_body(mantissa, places, '', ',')}", ",", value),
        (f"{minus}{de} €", ",", value),
        (f"{minus}EUR {de}", ",", value),
        (accounting, ",", value),
        (f"{minus}{_body(mantissa, places, chr(0xA0), ',')}", ",", value),
        (f"{minus}${en}", ".", value),
        (f"{minus}{en} USD", ".", value),
        (f"{minus}CHF {_body(mantissa, places, chr(39), '.')}", ".", value),
        (f"{minus}{_body(mantissa, places, chr(0x202F), '.')}", ".", value),
        (f"{minus}{de} %", ",", value / 100),
        (f"{minus}{en}%", ".", value / 100),
    ]


@given(mantissa=st.integers(min_value=-(10**13), max_value=10**13), places=st.integers(min_value=0, max_value=4))
def test_numbers_round_trip(mantissa: int, places: int) -> None:
    """Any number written in any supported dressing parses back to the same value."""
    for cell, decimal, expected in _dressings(mantissa, places):
        parsed = parse_numbers(cells(cell), decimal=decimal)
        assert not parsed.invalid.iloc[0], cell
        assert math.isclose(parsed.values.iloc[0], expected, rel_tol=1e-9, abs_tol=1e-12), cell


@given(value=st.floats(min_value=-1e15, max_value=1e15, allow_nan=False))
def test_native_floats_round_trip(value: float) -> None:
    """Native floats and their repr pass through unchanged."""
    parsed = parse_numbers(cells(value, repr(value)))
    assert parsed.values.tolist()[0] == value
    assert math.isclose(parsed.values.tolist()[1], value, rel_tol=1e-9, abs_tol=1e-300)
    assert not parsed.invalid.any()


EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September"]
EN_MONTHS += ["October", "November", "December"]
DE_MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September"]
DE_MONTHS += ["Oktober", "November", "Dezember"]
DE_SHORT = ["Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"]
NL_MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september"]
NL_MONTHS += ["oktober", "november", "december"]
NL_SHORT = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
FR_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre"]
FR_MONTHS += ["octobre", "novembre", "décembre"]


def _period_styles(day: dt.date) -> list[Any]:
    """Every supported way to write the month of ``day``."""
    y, m, d = day.year, day.month, day.day
    serial = (day - dt.date(1899, 12, 30)).days
    return [
        day.strftime("%Y-%m"),
        f"{y}-{m}",
        day.strftime("%Y/%m"),
        day.strftime("%Y%m"),
        day.strftime("%m/%Y"),
        f"{m}/{y}",
        day.strftime("%m.%Y"),
        day.strftime("%Y-%m-%d"),
        day.strftime("%Y-%m-%d 00:00:00"),
        day.strftime("%Y-%m-%dT00:00:00"),
        day.strftime("%d.%m.%Y"),
        f"{d}.{m}.{y}",
        day.strftime("%d/%m/%Y"),
        day.strftime("%d.%m.%y"),
        f"{EN_MONTHS[m - 1][:3]} {y}",
        f"{EN_MONTHS[m - 1]} {y}",
        f"{EN_MONTHS[m - 1][:3].lower()}-{y % 100:02d}",
        f"{DE_MONTHS[m - 1]} {y}",
        f"{DE_SHORT[m - 1]}. {y}",
        f"{NL_MONTHS[m - 1]} {y}",
        f"{NL_SHORT[m - 1]} {y}",
        f"{FR_MONTHS[m - 1]} {y}",
        f"{d}. {DE_MONTHS[m - 1]} {y}",
        day,
        dt.datetime(y, m, d, 12, 30),
        pd.Timestamp(day),
        serial,
        float(serial) + 0.25,
        str(serial),
    ]


@given(day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_periods_round_trip(day: dt.date) -> None:
    """Any month of 2000-2099 written in any supported style parses back to the same YYYY-MM."""
    styles = _period_styles(day)
    parsed = parse_periods(pd.Series(styles, dtype=object))
    expected = f"{day.year:04d}-{day.month:02d}"
    wrong = [style for style, value in zip(styles, parsed.values, strict=True) if value != expected]
    assert wrong == []
    assert not parsed.invalid.any()


# ------------------------------------------------------------------------------ speed


def test_parsers_are_vectorised() -> None:
    """480,000 mixed cells (high-cardinality numbers, months, answers) parse in seconds, not minutes."""
    n = 480_000
    rng = np.random.default_rng(7)
    amounts = pd.Series(rng.integers(0, 10**9, n) / 100)
    plain = amounts.astype(str).str.replace(".", ",", regex=False)
    grouped = amounts.map("{:,.2f}".format).str.replace(",", ".", regex=False)  # "1.234.567.89"-ish junk
    dressed = "€ " + plain
    natives = amounts.astype(object)
    choice = rng.integers(0, 5, n)
    options = [column.to_numpy(dtype=object) for column in (plain, grouped, dressed, natives)]
    conditions = [choice == 0, choice == 1, choice == 2, choice == 3]
    numbers = pd.Series(np.select(conditions, options, np.array("", dtype=object)), dtype=object)
    months = pd.Series(rng.choice(["2026-01", "Jan 2026", "15.01.2026", "", "März 2026", "x"], n), dtype=object)
    answers = pd.Series(rng.choice(np.array(["ja", "nein", "", True, 1, "?"], dtype=object), n), dtype=object)

    started = time.perf_counter()
    parsed = parse_numbers(numbers, decimal=",")
    periods = parse_periods(months)
    willing = parse_yes_no(answers)
    elapsed = time.perf_counter() - started

    assert elapsed < 10
    assert len(parsed.values) == n
    assert parsed.invalid.sum() > 0  # the "grouped" junk with two kinds of dots
    assert periods.values.notna().sum() > n // 2
    assert willing.invalid.sum() > 0


def test_detect_decimal_on_a_long_column_samples_but_agrees() -> None:
    """A long column votes with a spread sample and still finds the file's decimal comma."""
    column = pd.Series(["1.234,56", "12,5", "7"] * 40_000, dtype=object)
    assert detect_decimal([column]) == ","
    assert detect_decimal([pd.Series(["1,234.56", "12.5", "7"] * 40_000, dtype=object)]) == "."


def test_strip_control_characters_changes_only_text_with_them() -> None:
    """Only text cells with control characters change; each changed cell gets a reason naming what went."""
    values = pd.Series(["12\x07", "Anna", 3.5, None, "a\tb", "\x1b[1m\x1b[0m"], index=[10, 11, 12, 13, 14, 15])
    cleaned, reasons = strip_control_characters(values)
    assert cleaned.tolist() == ["12", "Anna", 3.5, None, "a b", ""]
    assert reasons.to_dict() == {
        10: "control characters removed: \\x07",
        14: "control characters removed: \\t",
        15: "control characters removed: \\x1b[1m, \\x1b[0m",
    }
    assert parse_numbers(cleaned).values.iloc[0] == 12.0


def test_strip_control_characters_leaves_clean_columns_alone() -> None:
    """A column without control characters comes back as it was, with no reasons."""
    values = pd.Series(["Zoë", "Łukasz", 1])
    cleaned, reasons = strip_control_characters(values)
    assert cleaned is values and reasons.empty
