"""Numbers, dates, months and money in each language's conventions (Babel/CLDR)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from core.i18n.formats import format_date, format_datetime, format_money, format_month, format_number, format_percent
from core.months import format_date as english_date

NBSP = "\u00a0"


@pytest.mark.parametrize(("lang", "expected"), [("en", "1,234.5"), ("de", "1.234,5"), ("nl", "1.234,5")])
def test_decimal_marks(lang: str, expected: str) -> None:
    """A thousands separator and a decimal mark as each reader writes them."""
    assert format_number(1234.5, lang, digits=1) == expected  # type: ignore[arg-type]


def test_whole_numbers_have_no_decimals() -> None:
    """Counts show no decimal part, grouped by thousands."""
    assert [format_number(12345, lang) for lang in ("en", "de", "nl")] == ["12,345", "12.345", "12.345"]


@pytest.mark.parametrize(("lang", "expected"), [("en", "13 Aug 2026"), ("de", "13.08.2026"), ("nl", "13-08-2026")])
def test_dates(lang: str, expected: str) -> None:
    """German dd.mm.yyyy, Dutch dd-mm-yyyy, English as the app has always written dates."""
    assert format_date(date(2026, 8, 13), lang) == expected  # type: ignore[arg-type]


def test_english_dates_match_the_existing_format() -> None:
    """English through Babel is what core.months.format_date gives, so English pages do not change."""
    for day in (date(2027, 2, 21), date(2026, 12, 1), date(2026, 5, 9)):
        assert format_date(day, "en") == english_date(day)


def test_date_and_time() -> None:
    """A timestamp is the date in the reader's format and the time to the minute."""
    moment = datetime(2026, 8, 13, 14, 5)
    assert format_datetime(moment, "de") == "13.08.2026, 14:05"
    assert format_datetime(moment, "nl") == "13-08-2026, 14:05"


@pytest.mark.parametrize(("lang", "expected"), [("en", "€12,345"), ("de", f"12.345{NBSP}€"), ("nl", f"€{NBSP}12.345")])
def test_money_in_whole_euros(lang: str, expected: str) -> None:
    """German puts the euro sign after the amount, Dutch before it with a space."""
    assert format_money(12345, lang) == expected  # type: ignore[arg-type]


def test_money_with_cents() -> None:
    """Cents when asked for, with the reader's decimal mark."""
    assert format_money(12345.5, "de", cents=True) == f"12.345,50{NBSP}€"


@pytest.mark.parametrize(("lang", "expected"), [("en", "6.5%"), ("de", f"6,5{NBSP}%"), ("nl", "6,5%")])
def test_percentages(lang: str, expected: str) -> None:
    """A share as a percentage: German separates the sign, English and Dutch do not."""
    assert format_percent(0.065, lang, digits=1) == expected  # type: ignore[arg-type]


def test_months_are_named_in_the_language() -> None:
    """A YYYY-MM period gets the month's short name; text that is not a month is left as it is."""
    assert [format_month("2026-03", lang) for lang in ("en", "de", "nl")] == ["Mar 2026", "März 2026", "mrt 2026"]
    assert format_month("Q3", "de") == "Q3"
