"""Numbers, dates and money as a reader of each language writes them, through Babel (CLDR data).

=========  ==============  ==============  ==============
language   number          date            money (EUR)
=========  ==============  ==============  ==============
en         ``1,234.5``     ``13 Aug 2026`` ``€12,345``
de         ``1.234,5``     ``13.08.2026``  ``12.345 €``
nl         ``1.234,5``     ``13-08-2026``  ``€ 12.345``
=========  ==============  ==============  ==============

English dates stay as the app has always written them (``core.months.format_date``: day, short
month, year). Babel separates a German amount from its sign with a no-break space, as CLDR does.
Exports (CSV, XLSX, JSON) keep machine-readable numbers: these helpers are for text people read.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Final

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from babel.numbers import format_currency, format_decimal
from babel.numbers import format_percent as format_percent_babel

from core.i18n import Language

BABEL_LOCALES: Final[dict[Language, str]] = {"en": "en_GB", "de": "de_DE", "nl": "nl_NL"}
"""The CLDR locale each language is formatted in (British English: day before month, as today)."""

DATE_FORMATS: Final[dict[Language, str]] = {"en": "medium", "de": "medium", "nl": "short"}
"""CLDR date lengths giving ``13 Aug 2026``, ``13.08.2026`` and ``13-08-2026``."""


def format_number(value: float, lang: Language, *, digits: int = 0, signed: bool = False) -> str:
    """``value`` with the language's grouping and decimal marks and ``digits`` decimals (a ``+`` too if ``signed``).

    ``format_number(1234.5, "de", digits=1)`` is ``"1.234,5"``; ``format_number(1234, "en")`` is ``"1,234"``;
    ``format_number(3.4, "nl", digits=1, signed=True)`` is ``"+3,4"``.
    """
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    if signed:
        pattern = f"+{pattern};-{pattern}"
    return format_decimal(value, format=pattern, locale=BABEL_LOCALES[lang])


def format_percent(value: float, lang: Language, *, digits: int = 0) -> str:
    """A share (``0.19``) as a percentage in the language's style: ``19%`` (en, nl), ``19 %`` (de)."""
    pattern = Locale.parse(BABEL_LOCALES[lang]).percent_formats[None].pattern
    if digits > 0:
        pattern = pattern.replace("#,##0", "#,##0." + "0" * digits)
    return format_percent_babel(value, format=pattern, locale=BABEL_LOCALES[lang])


def format_money(value: float, lang: Language, *, currency: str = "EUR", cents: bool = False) -> str:
    """An amount in ``currency``, whole units unless ``cents``: ``12.345 €`` (de), ``€ 12.345`` (nl)."""
    locale = BABEL_LOCALES[lang]
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    if not cents:
        pattern = pattern.replace(".00", "")
    return format_currency(value, currency, format=pattern, locale=locale, currency_digits=cents)


def format_date(day: date, lang: Language) -> str:
    """A day as the language writes it: ``13 Aug 2026``, ``13.08.2026``, ``13-08-2026``."""
    return babel_format_date(day, format=DATE_FORMATS[lang], locale=BABEL_LOCALES[lang])


def format_datetime(moment: datetime, lang: Language) -> str:
    """A day and its time to the minute, as stored (no time-zone conversion): ``13.08.2026, 14:05``."""
    time = babel_format_time(moment, format="HH:mm", locale=BABEL_LOCALES[lang])
    return f"{format_date(moment.date(), lang)}, {time}"


def format_month(period: str, lang: Language) -> str:
    """A ``YYYY-MM`` month with its name: ``Aug 2026``, ``Aug. 2026``, ``aug 2026``; other text as given."""
    try:
        year, month = (int(part) for part in period.split("-"))
        first = date(year, month, 1)
    except ValueError:
        return period
    return babel_format_date(first, format="MMM y", locale=BABEL_LOCALES[lang])
